import { lstat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CustosError } from '../shared/errors';
import { fsyncDir } from '../shared/fs-atomic';

/** Which tenant database to drop, as captured in the deletion journal (the catalogue row is anonymised later). */
export interface TenantDatabaseRef {
  tenantId: string;
  dbEngine: 'sqlite' | 'postgres';
  /** SQLite: file name relative to the tenants folder. PostgreSQL: database name. */
  dbLocation: string;
}

export interface DroppedItem {
  /** A file name, or a database name: what the certificate's inventory lists. */
  key: string;
  size: number;
}

/**
 * Deletion step 2: the tenant's database. One small interface per engine so that
 * PostgreSQL (issue 8) can add `DROP DATABASE` without touching the executor.
 * Every method is idempotent: a crash between any two calls is repaired by a rerun.
 */
export interface TenantDatabaseDropper {
  /** What exists now, with sizes, recorded before anything is removed. */
  inventory(ref: TenantDatabaseRef): Promise<DroppedItem[]>;
  /** Removes the database. Removing what is already gone is not an error. */
  drop(ref: TenantDatabaseRef): Promise<void>;
  /** What is still there (verification): empty when the database is gone. */
  remaining(ref: TenantDatabaseRef): Promise<string[]>;
}

/** SQLite's file and every side file it may leave: WAL, shared memory, rollback journal. */
const SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

export class SqliteTenantDatabaseDropper implements TenantDatabaseDropper {
  private readonly dir: string;

  constructor(tenantsDir: string) {
    this.dir = path.resolve(tenantsDir);
  }

  /** Same rule as TenantDatabases.pathOf: a catalogue location is never trusted to stay inside the folder. */
  private files(ref: TenantDatabaseRef): string[] {
    if (ref.dbEngine !== 'sqlite') {
      throw new CustosError('CONFIG_INVALID', `Tenant ${ref.tenantId} lives on ${ref.dbEngine}, which this console cannot drop.`, 'Use a console version with support for that engine.');
    }
    const main = path.resolve(this.dir, ref.dbLocation);
    if (!main.startsWith(this.dir + path.sep)) {
      throw new CustosError('TENANT_SCHEMA_UNEXPECTED', `Tenant ${ref.tenantId} has a database location outside the tenants folder; nothing was deleted.`, 'Fix the tenant catalogue entry, then run the deletion again.');
    }
    // Side files first, the main file last: until the main file is gone, a rerun still sees work to do.
    return [...SIDE_SUFFIXES.map((s) => main + s), main];
  }

  async inventory(ref: TenantDatabaseRef): Promise<DroppedItem[]> {
    const out: DroppedItem[] = [];
    for (const f of this.files(ref)) {
      const st = await lstat(f).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
      if (st) out.push({ key: path.basename(f), size: st.size });
    }
    return out;
  }

  async drop(ref: TenantDatabaseRef): Promise<void> {
    for (const f of this.files(ref)) {
      await unlink(f).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    }
    fsyncDir(this.dir);
  }

  async remaining(ref: TenantDatabaseRef): Promise<string[]> {
    return (await this.inventory(ref)).map((i) => i.key);
  }
}

/**
 * What the PostgreSQL dropper needs from the tenant admin (app/storage/postgres's
 * PostgresTenantAdmin has both: DROP DATABASE … WITH (FORCE), then a check that it is gone).
 */
export interface PostgresTenantAdminLike {
  databaseExists(database: string): Promise<boolean>;
  dropTenantDatabase(database: string): Promise<{ existed: boolean }>;
}

/** Step 2 on PostgreSQL: the tenant's database on the server. Size is optional (the certificate then counts the database, 0 bytes). */
export class PostgresTenantDatabaseDropper implements TenantDatabaseDropper {
  constructor(
    private readonly admin: PostgresTenantAdminLike,
    private readonly sizeBytes?: (database: string) => Promise<number>,
  ) {}

  private check(ref: TenantDatabaseRef): string {
    if (ref.dbEngine !== 'postgres') {
      throw new CustosError('CONFIG_INVALID', `Tenant ${ref.tenantId} lives on ${ref.dbEngine}, not PostgreSQL.`, 'This is a bug in the console configuration; nothing was deleted.');
    }
    return ref.dbLocation;
  }

  async inventory(ref: TenantDatabaseRef): Promise<DroppedItem[]> {
    const name = this.check(ref);
    if (!(await this.admin.databaseExists(name))) return [];
    return [{ key: `postgres:${name}`, size: this.sizeBytes ? await this.sizeBytes(name) : 0 }];
  }

  async drop(ref: TenantDatabaseRef): Promise<void> {
    await this.admin.dropTenantDatabase(this.check(ref));
  }

  async remaining(ref: TenantDatabaseRef): Promise<string[]> {
    const name = this.check(ref);
    return (await this.admin.databaseExists(name)) ? [`postgres:${name}`] : [];
  }
}

/** Routes each tenant to the dropper of its engine (the catalogue says which). */
export class EngineTenantDatabaseDropper implements TenantDatabaseDropper {
  constructor(private readonly byEngine: Partial<Record<TenantDatabaseRef['dbEngine'], TenantDatabaseDropper>>) {}

  private pick(ref: TenantDatabaseRef): TenantDatabaseDropper {
    const d = this.byEngine[ref.dbEngine];
    if (!d) throw new CustosError('CONFIG_INVALID', `Tenant ${ref.tenantId} lives on ${ref.dbEngine}, which this console is not connected to.`, 'Configure the tenant database server, then run the deletion again; nothing was deleted.');
    return d;
  }

  async inventory(ref: TenantDatabaseRef): Promise<DroppedItem[]> {
    return this.pick(ref).inventory(ref);
  }
  async drop(ref: TenantDatabaseRef): Promise<void> {
    return this.pick(ref).drop(ref);
  }
  async remaining(ref: TenantDatabaseRef): Promise<string[]> {
    return this.pick(ref).remaining(ref);
  }
}
