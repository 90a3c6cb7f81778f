/**
 * Dumps of PostgreSQL tenants' live databases for the restore screens (comparison,
 * record pages with a comparison filter, selection preview and request), shared for
 * a short time: one selective restore walks through four of them, and a dump of a
 * large tenant takes seconds. A shared dump is at most `ttlMs` old; that is safe
 * because applying a selection re-checks everything on live itself, in its own
 * transaction (selective.postgres.ts). A restore of the tenant drops its dump at
 * once. A dump is removed when it is retired and nobody reads it any more.
 */
import type { TenantRecord } from '../control-plane/tenant-record';
import type { TenantDatabases, TenantSqliteFile } from '../tenants/tenant-databases';

interface Entry {
  copy: Promise<TenantSqliteFile>;
  users: number;
  retired: boolean;
  timer: NodeJS.Timeout;
}

export class LiveCopies {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly tenantDbs: Pick<TenantDatabases, 'sqliteCopy' | 'pathOf'>,
    private readonly tmpDir: () => string,
    private readonly ttlMs = 60_000,
  ) {}

  /** Runs `fn` with the live database as a SQLite file: a SQLite tenant's own file (read-only use), or a shared dump. */
  async with<T>(record: TenantRecord, fn: (livePath: string) => T | Promise<T>): Promise<T> {
    if (record.dbEngine === 'sqlite') return fn(this.tenantDbs.pathOf(record));
    let e = this.entries.get(record.id);
    if (!e) {
      const entry: Entry = {
        copy: this.tenantDbs.sqliteCopy(record, { tmpDir: this.tmpDir() }),
        users: 0,
        retired: false,
        timer: setTimeout(() => this.retire(record.id, entry), this.ttlMs),
      };
      entry.timer.unref();
      // A failed dump is not shared: the next reader tries again.
      entry.copy.catch(() => this.retire(record.id, entry));
      this.entries.set(record.id, entry);
      e = entry;
    }
    e.users++;
    try {
      return await fn((await e.copy).path);
    } finally {
      e.users--;
      if (e.retired && e.users === 0) await this.remove(e);
    }
  }

  /** Drops a tenant's shared dump (its live database is about to change under a restore). */
  async invalidate(tenantId: string): Promise<void> {
    const e = this.entries.get(tenantId);
    if (e) await this.retire(tenantId, e);
  }

  async close(): Promise<void> {
    await Promise.all([...this.entries].map(([id, e]) => this.retire(id, e)));
  }

  private async retire(tenantId: string, e: Entry): Promise<void> {
    clearTimeout(e.timer);
    if (this.entries.get(tenantId) === e) this.entries.delete(tenantId);
    if (e.retired) return;
    e.retired = true;
    if (e.users === 0) await this.remove(e);
  }

  private async remove(e: Entry): Promise<void> {
    const copy = await e.copy.catch(() => null);
    await copy?.remove().catch(() => {});
  }
}
