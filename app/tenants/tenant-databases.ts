import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { TenantRecord } from '../control-plane/tenant-record';
import { CustosError } from '../shared/errors';
import { noProgress, type ProgressSink } from '../shared/progress';
import { SqliteTenantDatabase } from '../storage/sqlite';
import type { TenantDatabase } from '../storage/sqlite/tenant-database.port';
import {
  PostgresTenantAdmin,
  openPostgresTenant,
  postgresConnectionSettings,
  withDatabase,
  type PgConnectionSettings,
  type PgTlsOptions,
} from '../storage/postgres';

/** The PostgreSQL server of tenants whose catalogue entry says dbEngine 'postgres' (issue 8). */
export interface TenantPostgresServer {
  /** Server URL (from the environment, never a file). Its database, default `postgres`, is where admin statements run. */
  url: string;
  ssl?: PgTlsOptions;
}

export interface TenantCopyOptions {
  /** A folder on a disk with room for one uncompressed copy of the tenant (e.g. `<data-dir>/tmp`). */
  tmpDir: string;
  signal?: AbortSignal;
  progress?: ProgressSink;
}

/** A SQLite file with a tenant's data, for readers that need a file (snapshots, exports). */
export interface TenantSqliteFile {
  path: string;
  /** The engine the tenant lives on: for 'postgres', `path` is a temporary dump that {@link remove} deletes. */
  engine: TenantRecord['dbEngine'];
  /** Deletes the temporary copy (a no-op for a SQLite tenant's live file). Safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Where temporary copies of one tenant are made: one folder per tenant, so that a
 * deletion can purge what a crash left behind (console.ts passes it to the deletion
 * service's sandboxDirs).
 */
export function tenantCopiesDir(tmpDir: string, tenantId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(tenantId)) {
    throw new CustosError('INVALID_INPUT', `${JSON.stringify(tenantId.slice(0, 80))} is not a tenant ID.`, 'This is a bug in the caller; report it to the engineering team.');
  }
  return join(tmpDir, 'tenant-copies', tenantId);
}

/**
 * A new private folder for one temporary copy of a tenant (`<tmp>/tenant-copies/<tenant>/<kind>-XXXXXX`),
 * marked with this process's ID so that {@link sweepTenantCopies} can tell what a
 * crashed run left behind from another console's work in progress.
 */
export async function makeTenantCopyDir(tmpDir: string, tenantId: string, kind: 'copy' | 'restore'): Promise<string> {
  const parent = tenantCopiesDir(tmpDir, tenantId);
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(parent, `${kind}-`));
  await writeFile(join(dir, OWNER_FILE), String(process.pid), { mode: 0o600 });
  return dir;
}

const OWNER_FILE = 'owner.pid';
/** A folder without an owner file is a crash between mkdtemp and the write; past this age nobody is using it. */
const UNOWNED_GRACE_MS = 3_600_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary tenant copies (PostgreSQL dumps for snapshots and exports,
 * snapshot files being loaded by a restore) whose owning process is gone: a
 * crash or kill mid-job leaves a customer's data in the temp folder otherwise.
 * Run at console start. A copy whose owner still runs (another console or a CLI job
 * on the same data folder) is left alone.
 */
export async function sweepTenantCopies(tmpDir: string, now = Date.now()): Promise<{ removed: string[] }> {
  const root = join(tmpDir, 'tenant-copies');
  const removed: string[] = [];
  const list = async (dir: string) => (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => join(dir, d.name));
  for (const tenantDir of await list(root)) {
    for (const copy of await list(tenantDir)) {
      const owner = Number((await readFile(join(copy, OWNER_FILE), 'utf8').catch(() => '')).trim());
      const stale = Number.isInteger(owner) && owner > 0 ? owner !== process.pid && !processAlive(owner) : now - (await stat(copy)).mtimeMs > UNOWNED_GRACE_MS;
      if (!stale) continue;
      await rm(copy, { recursive: true, force: true, maxRetries: 3 });
      removed.push(copy);
    }
    await rmdir(tenantDir).catch(() => {}); // only when empty
  }
  return { removed };
}

/**
 * A PostgreSQL tenant database dumped into a temporary SQLite file of one instant
 * (every table from one REPEATABLE READ transaction, streamed with COPY), in its own
 * folder under the tenant's copies; `remove()` deletes it.
 */
export async function dumpPostgresTenant(admin: PostgresTenantAdmin, database: string, tenantId: string, options: TenantCopyOptions): Promise<TenantSqliteFile> {
  const dir = await makeTenantCopyDir(options.tmpDir, tenantId, 'copy');
  const remove = () => rm(dir, { recursive: true, force: true, maxRetries: 3 });
  const path = join(dir, 'tenant.sqlite');
  try {
    await admin.dumpToSqlite(database, path, { tenantId, ...(options.signal ? { signal: options.signal } : {}), progress: options.progress ?? noProgress });
  } catch (e) {
    await remove().catch(() => {});
    throw e;
  }
  return { path, engine: 'postgres', remove };
}

/**
 * Where tenant databases live and how to open one. The catalogue says which engine
 * and location: SQLite, a file in the tenants folder (a location is never trusted
 * as a path without checking it stays inside); PostgreSQL, a database on the one
 * configured tenant server (`tenantDatabases.postgres` in custos.json).
 */
export class TenantDatabases {
  private readonly open = new Set<TenantDatabase>();
  /** Checked against the transport policy when the console starts; connected on first use. */
  private readonly pgServer: PgConnectionSettings | null;
  private readonly pgOptions: TenantPostgresServer | null;
  private admin: Promise<PostgresTenantAdmin> | null = null;

  constructor(
    readonly dir: string,
    options: { postgres?: TenantPostgresServer | null } = {},
  ) {
    this.pgOptions = options.postgres ?? null;
    if (this.pgOptions) {
      // Pure (no network): a plain URL to a remote host stops the console at start (INSECURE_TRANSPORT), not at first use.
      const parsed = postgresConnectionSettings(this.pgOptions.url, this.pgOptions.ssl);
      this.pgServer = withDatabase(parsed, parsed.database ?? 'postgres');
    } else {
      this.pgServer = null;
    }
  }

  /** True when a PostgreSQL server for tenant databases is configured. */
  get postgresConfigured(): boolean {
    return this.pgServer !== null;
  }

  private notConfigured(r: Pick<TenantRecord, 'id' | 'dbLocation'> | null): CustosError {
    return new CustosError(
      'CONFIG_INVALID',
      r
        ? `Tenant ${r.id} lives on PostgreSQL (database ${r.dbLocation}), but no PostgreSQL server for tenant databases is configured in this console.`
        : 'No PostgreSQL server for tenant databases is configured in this console.',
      'Add "postgres": { "urlEnv": "CUSTOS_TENANTS_PG_URL" } under "tenantDatabases" in custos.json in the data folder, set CUSTOS_TENANTS_PG_URL to the server\'s URL (e.g. postgres://custos@db.example.com:5432/postgres?sslmode=verify-full; the password in that variable or in PGPASSWORD, never in a file), then restart the console.',
      r ? { tenantId: r.id } : {},
    );
  }

  /**
   * The administration of the tenant PostgreSQL server (create, drop, rename, COPY
   * in and out), connected on first use and kept until {@link close}. A failed
   * connection is not remembered: the next call tries again.
   */
  postgresAdmin(forTenant: Pick<TenantRecord, 'id' | 'dbLocation'> | null = null): Promise<PostgresTenantAdmin> {
    if (!this.pgOptions) return Promise.reject(this.notConfigured(forTenant));
    if (!this.admin) {
      const opening = PostgresTenantAdmin.open({ url: this.pgOptions.url, ...(this.pgOptions.ssl ? { ssl: this.pgOptions.ssl } : {}) });
      this.admin = opening;
      opening.catch(() => {
        if (this.admin === opening) this.admin = null;
      });
    }
    return this.admin;
  }

  pathOf(r: TenantRecord): string {
    if (r.dbEngine !== 'sqlite') {
      throw new CustosError('INTERNAL', `Tenant ${r.id} lives on PostgreSQL; it has no database file.`, 'This is a bug in the console; report it to the engineering team.', { tenantId: r.id });
    }
    const p = resolve(this.dir, r.dbLocation);
    if (!p.startsWith(resolve(this.dir) + sep)) {
      throw new CustosError('TENANT_SCHEMA_UNEXPECTED', `Tenant ${r.id} has a database location outside the tenants folder.`, 'Fix the tenant catalogue entry.');
    }
    return p;
  }

  describe(r: TenantRecord): string {
    if (r.dbEngine === 'sqlite') return join(this.dir, r.dbLocation);
    return this.pgServer ? `PostgreSQL database ${r.dbLocation} on ${this.pgServer.host}:${this.pgServer.port}` : `PostgreSQL database ${r.dbLocation} (no PostgreSQL server configured)`;
  }

  private assertLive(r: TenantRecord): void {
    if (r.status === 'deleted') {
      throw new CustosError('TENANT_DELETED', `Tenant ${r.id} was deleted; its database no longer exists.`, 'Open the tenant tombstone for its deletion certificate.');
    }
  }

  private track(db: TenantDatabase, onClose: () => Promise<void> = async () => {}): TenantDatabase {
    this.open.add(db);
    const close = db.close.bind(db);
    let closed = false;
    db.close = async () => {
      this.open.delete(db);
      if (closed) return;
      closed = true;
      try {
        await close();
      } finally {
        await onClose();
      }
    };
    return db;
  }

  /** The tenant's live database (read-only unless asked otherwise), on whichever engine the catalogue says. */
  async openTenant(r: TenantRecord, options: { readonly?: boolean } = {}): Promise<TenantDatabase> {
    this.assertLive(r);
    const readonly = options.readonly ?? true;
    if (r.dbEngine === 'postgres') {
      if (!this.pgServer) throw this.notConfigured(r);
      return this.track(await openPostgresTenant(this.pgServer, r, { readonly }));
    }
    return this.track(await SqliteTenantDatabase.open(this.pathOf(r), r.id, { readonly }));
  }

  async with<T>(r: TenantRecord, fn: (db: TenantDatabase) => Promise<T>, options: { readonly?: boolean } = {}): Promise<T> {
    const db = await this.openTenant(r, options);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  /**
   * A SQLite file holding the tenant's data as of one instant, for readers that need
   * a file. SQLite tenant: its live file (nothing copied; the caller copies it
   * consistently if it needs to, as the snapshot writer does). PostgreSQL tenant: a
   * dump into a temporary file (every table from one REPEATABLE READ transaction,
   * streamed with COPY, bounded memory) that the caller removes with `remove()`.
   */
  async sqliteCopy(r: TenantRecord, options: TenantCopyOptions): Promise<TenantSqliteFile> {
    this.assertLive(r);
    if (r.dbEngine === 'sqlite') return { path: this.pathOf(r), engine: 'sqlite', remove: async () => {} };
    return dumpPostgresTenant(await this.postgresAdmin(r), r.dbLocation, r.id, options);
  }

  /**
   * The tenant's data, read-only, as one consistent view: SQLite, the live file (as
   * {@link openTenant}); PostgreSQL, a SQLite dump of one instant (see
   * {@link sqliteCopy}), deleted when the returned database is closed. For readers of
   * many tables that must agree with each other (exports).
   */
  async openConsistent(r: TenantRecord, options: TenantCopyOptions): Promise<TenantDatabase> {
    if (r.dbEngine !== 'postgres') return this.openTenant(r, { readonly: true });
    const copy = await this.sqliteCopy(r, options);
    let db: SqliteTenantDatabase;
    try {
      db = await SqliteTenantDatabase.open(copy.path, r.id, { readonly: true });
    } catch (e) {
      await copy.remove().catch(() => {});
      throw e;
    }
    return this.track(db, () => copy.remove());
  }

  async withConsistent<T>(r: TenantRecord, options: TenantCopyOptions, fn: (db: TenantDatabase) => Promise<T>): Promise<T> {
    const db = await this.openConsistent(r, options);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  /** Closes this process's handles on one tenant's database (before a restore swaps the file). */
  async closeTenant(tenantId: string): Promise<void> {
    for (const db of [...this.open]) if (db.tenantId === tenantId) await db.close();
  }

  async closeAll(): Promise<void> {
    for (const db of [...this.open]) await db.close();
  }

  /** Closes every handle and the PostgreSQL admin connection (console shutdown). */
  async close(): Promise<void> {
    await this.closeAll();
    const admin = this.admin;
    this.admin = null;
    if (admin) await (await admin.catch(() => null))?.close();
  }
}
