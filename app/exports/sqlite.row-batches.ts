import Database from 'better-sqlite3';
import { entity as entityDef, type EntityName } from '../schema';
import { SqliteTenantDatabase } from '../storage/sqlite/sqlite.tenant-database';
import type { Row, StreamOptions, TenantDatabase } from '../storage/sqlite/tenant-database.port';
import { throwIfAborted, yieldToLoop } from '../shared/progress';
import { DEFAULT_EXPORT_BATCH, type BatchStreamOptions, type RowBatchSource } from './export.row-source';

/**
 * `streamBatches` for a SQLite tenant database: raw array rows (`stmt.raw(true)`),
 * keyset pagination on the primary key, one read-only connection of its own.
 *
 * It belongs in SqliteTenantDatabase (the adapter owns its connection); it lives here
 * until the port grows the capability, and `withSqliteRowBatches` adds it to an open
 * adapter without changing it. Only columns of the schema description are read.
 */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class SqliteRowBatches implements RowBatchSource {
  private db: Database.Database | null;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
  }

  async *streamBatches(entityName: EntityName, options: BatchStreamOptions): AsyncIterable<unknown[][]> {
    const e = entityDef(entityName);
    const known = new Set(e.columns.map((c) => c.name));
    for (const c of options.columns) if (!known.has(c)) throw new Error(`list ${e.name} has no column ${c}`);
    const db = this.db;
    if (!db) throw new Error('row batch reader is closed');
    const idIndex = options.columns.indexOf('id');
    const cols = idIndex >= 0 ? options.columns : [...options.columns, 'id'];
    const idPos = idIndex >= 0 ? idIndex : cols.length - 1;
    const batchSize = options.batchSize ?? DEFAULT_EXPORT_BATCH;
    const stmt = db.prepare(`SELECT ${cols.map(quoteIdent).join(', ')} FROM ${quoteIdent(e.name)} WHERE id > ? ORDER BY id LIMIT ?`).raw(true);
    let last = options.afterId ?? Number.MIN_SAFE_INTEGER;
    for (;;) {
      if (options.signal) throwIfAborted(options.signal);
      const rows = stmt.all(last, batchSize) as unknown[][];
      if (rows.length === 0) return;
      last = (rows[rows.length - 1] as unknown[])[idPos] as number;
      if (idIndex < 0) for (const r of rows) r.pop();
      yield rows;
      if (rows.length < batchSize) return;
      await yieldToLoop();
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}

/**
 * The adapter with `streamBatches` added (and `close` closing both connections).
 * Other databases are returned unchanged.
 */
export function withSqliteRowBatches<T extends TenantDatabase>(db: T): T & Partial<RowBatchSource> {
  if (!(db instanceof SqliteTenantDatabase)) return db;
  const reader = new SqliteRowBatches(db.path);
  const wrapped: TenantDatabase & RowBatchSource = {
    engine: db.engine,
    tenantId: db.tenantId,
    checkSchema: () => db.checkSchema(),
    counts: () => db.counts(),
    stream: (entity: EntityName, options?: StreamOptions): AsyncIterable<Row> => db.stream(entity, options),
    countBy: (entity: EntityName, column: string) => db.countBy(entity, column),
    sizeBytes: () => db.sizeBytes(),
    streamBatches: (entity, options) => reader.streamBatches(entity, options),
    close: async () => {
      reader.close();
      await db.close();
    },
  };
  return wrapped as T & RowBatchSource;
}
