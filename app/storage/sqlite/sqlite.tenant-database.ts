import Database from 'better-sqlite3';
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { TenantRecord } from '../../control-plane/tenant-record';
import { ENTITIES, TENANT_SCHEMA_VERSION, entity as entityDef, type EntityDef, type EntityName } from '../../schema';
import { tenantDdl } from '../../schema/sqlite.ddl';
import { CustosError } from '../../shared/errors';
import { throwIfAborted, yieldToLoop } from '../../shared/progress';
import type { EntityCounts, Row, StreamOptions, TenantDatabase } from './tenant-database.port';

/**
 * TenantDatabase on a SQLite file (better-sqlite3), the embedded default
 * (ARCHITECTURE.md "Ports"). One file per tenant (PRODUCT.md "Storage and
 * residency": every customer's data lives in its own, independent database).
 *
 * A tenant database is data of unknown version until checked (CONVENTIONS.md §5):
 * every read checks the layout against the schema description first, so a damaged
 * or foreign file fails with TENANT_SCHEMA_UNEXPECTED and a list of what differs,
 * never with a bare SQLite error halfway through an export.
 */

export const DEFAULT_STREAM_BATCH = 1000;
const MAX_STREAM_BATCH = 100_000;

export interface SqliteOpenOptions {
  /** Open read-only (the default for exports, stats, verification). */
  readonly?: boolean;
}

/** What {@link SqliteTenantDatabase.inspectSchema} found; `ok` is false when something required differs. */
export interface SchemaReport {
  ok: boolean;
  /** The version in schema_meta, or null when it is absent or not a number. */
  schemaVersion: number | null;
  expectedSchemaVersion: number;
  /** Raw schema_version text when it is not a whole number (never personal data: it is our own metadata). */
  schemaVersionText: string | null;
  missingTables: string[];
  /** `table.column` */
  missingColumns: string[];
  /** Tolerated: columns the schema description does not know (a newer CRM may add some). */
  extraColumns: string[];
  /** Tolerated: tables the schema description does not know. */
  extraTables: string[];
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}

function sqliteCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export class SqliteTenantDatabase implements TenantDatabase {
  readonly engine = 'sqlite' as const;
  private db: Database.Database | null;
  private schemaChecked = false;

  private constructor(
    readonly tenantId: string,
    readonly path: string,
    db: Database.Database,
  ) {
    this.db = db;
  }

  /**
   * Opens an existing tenant database. Never creates one: a missing file means the
   * catalogue points at nothing (TENANT_DATABASE_MISSING), and creating an empty
   * database there would hide that.
   */
  static async open(path: string, tenantId: string, options: SqliteOpenOptions = {}): Promise<SqliteTenantDatabase> {
    const missing = (): CustosError =>
      new CustosError(
        'TENANT_DATABASE_MISSING',
        `The database of tenant ${tenantId} is missing.`,
        'The catalogue points at a database file that does not exist. Check the tenants folder, or restore the tenant from its latest snapshot.',
        { tenantId },
      );
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) throw missing();

    let db: Database.Database;
    try {
      db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: true });
    } catch (e) {
      if (sqliteCode(e) === 'SQLITE_CANTOPEN') throw missing();
      throw e;
    }
    try {
      db.pragma('busy_timeout = 5000');
      // Reading the catalogue of the file proves it is a SQLite database at all.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (e) {
      db.close();
      if (sqliteCode(e) === 'SQLITE_NOTADB' || sqliteCode(e) === 'SQLITE_CORRUPT') {
        throw new CustosError(
          'TENANT_SCHEMA_UNEXPECTED',
          `The database file of tenant ${tenantId} is not a readable SQLite database.`,
          'The file is damaged or is something else. Do not export from it; restore the tenant from a snapshot or ask the engineering team to look at the file.',
          { tenantId, cause: sqliteCode(e) },
        );
      }
      throw e;
    }
    return new SqliteTenantDatabase(tenantId, path, db);
  }

  private conn(): Database.Database {
    if (!this.db) throw new Error(`tenant database ${this.tenantId} is closed`);
    return this.db;
  }

  /** Compares the file's tables, columns and schema version with the schema description, without throwing. */
  inspectSchema(): SchemaReport {
    const db = this.conn();
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name),
    );
    const report: SchemaReport = {
      ok: true,
      schemaVersion: null,
      expectedSchemaVersion: TENANT_SCHEMA_VERSION,
      schemaVersionText: null,
      missingTables: [],
      missingColumns: [],
      extraColumns: [],
      extraTables: [],
    };
    const known = new Set<string>(['schema_meta', ...ENTITIES.map((e) => e.name)]);
    for (const t of [...tables].sort()) if (!known.has(t)) report.extraTables.push(t);

    for (const e of ENTITIES) {
      if (!tables.has(e.name)) {
        report.missingTables.push(e.name);
        continue;
      }
      const actual = new Set((db.prepare(`PRAGMA table_info(${quoteIdent(e.name)})`).all() as { name: string }[]).map((c) => c.name));
      const expected = new Set(e.columns.map((c) => c.name));
      for (const c of e.columns) if (!actual.has(c.name)) report.missingColumns.push(`${e.name}.${c.name}`);
      for (const c of actual) if (!expected.has(c)) report.extraColumns.push(`${e.name}.${c}`);
    }

    if (!tables.has('schema_meta')) {
      report.missingTables.push('schema_meta');
    } else {
      const cols = new Set((db.prepare('PRAGMA table_info(schema_meta)').all() as { name: string }[]).map((c) => c.name));
      if (!cols.has('key')) report.missingColumns.push('schema_meta.key');
      if (!cols.has('value')) report.missingColumns.push('schema_meta.value');
      if (cols.has('key') && cols.has('value')) {
        const row = db.prepare("SELECT value FROM schema_meta WHERE key = 'schema_version'").get() as { value: unknown } | undefined;
        if (row !== undefined) {
          const text = String(row.value);
          if (/^\d{1,9}$/.test(text)) report.schemaVersion = Number(text);
          else report.schemaVersionText = text.slice(0, 40);
        }
      }
    }

    report.ok =
      report.missingTables.length === 0 && report.missingColumns.length === 0 && report.schemaVersion === TENANT_SCHEMA_VERSION;
    return report;
  }

  async checkSchema(): Promise<{ schemaVersion: number }> {
    const report = this.inspectSchema();
    if (!report.ok) throw schemaError(this.tenantId, report);
    this.schemaChecked = true;
    return { schemaVersion: report.schemaVersion as number };
  }

  private async ensureSchema(): Promise<void> {
    if (!this.schemaChecked) await this.checkSchema();
  }

  async counts(): Promise<EntityCounts> {
    await this.ensureSchema();
    const db = this.conn();
    const out = {} as EntityCounts;
    for (const e of ENTITIES) {
      const row = db.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(e.name)}`).get() as { n: number };
      out[e.name] = row.n;
    }
    return out;
  }

  async countBy(entityName: EntityName, column: string): Promise<Record<string, number>> {
    const e = knownEntity(entityName);
    if (!e.columns.some((c) => c.name === column)) {
      throw new CustosError('INVALID_INPUT', `The list ${e.name} has no column ${JSON.stringify(column.slice(0, 64))}.`, 'This is a bug in the caller; report it to the engineering team.');
    }
    await this.ensureSchema();
    const rows = this.conn()
      .prepare(`SELECT ${quoteIdent(column)} AS v, COUNT(*) AS n FROM ${quoteIdent(e.name)} GROUP BY 1`)
      .all() as { v: unknown; n: number }[];
    const out: Record<string, number> = {};
    // NULL is counted under the key "null" (String(null)).
    for (const r of rows) out[String(r.v)] = (out[String(r.v)] ?? 0) + r.n;
    return out;
  }

  /**
   * Rows of one list in id order, a batch at a time (keyset pagination: `id > last`
   * on the primary key, so each batch is an index seek whatever the offset, and no
   * statement stays open between batches). Only the columns of the schema
   * description are read: unknown extra columns never leave the database.
   */
  stream(entityName: EntityName, options: StreamOptions = {}): AsyncIterable<Row> {
    const e = knownEntity(entityName);
    const batchSize = options.batchSize ?? DEFAULT_STREAM_BATCH;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_STREAM_BATCH) {
      throw new CustosError('INVALID_INPUT', `The batch size must be a whole number from 1 to ${MAX_STREAM_BATCH}.`, 'This is a bug in the caller; report it to the engineering team.');
    }
    const afterId = options.afterId ?? Number.MIN_SAFE_INTEGER;
    if (!Number.isSafeInteger(afterId)) {
      throw new CustosError('INVALID_INPUT', 'The position to resume after must be a whole number.', 'This is a bug in the caller; report it to the engineering team.');
    }
    const signal = options.signal;
    const self = this;
    return {
      [Symbol.asyncIterator]: async function* () {
        if (signal) throwIfAborted(signal);
        await self.ensureSchema();
        const cols = e.columns.map((c) => quoteIdent(c.name)).join(', ');
        const stmt = self.conn().prepare(`SELECT ${cols} FROM ${quoteIdent(e.name)} WHERE id > ? ORDER BY id LIMIT ?`);
        let last = afterId;
        for (;;) {
          const rows = stmt.all(last, batchSize) as Row[];
          for (const row of rows) yield row;
          if (rows.length < batchSize) return;
          last = (rows[rows.length - 1] as Row).id as number;
          // Between batches: let timers and progress events run, and honour cancellation (CONVENTIONS.md §2).
          await yieldToLoop();
          if (signal?.aborted) throw abortError();
        }
      },
    };
  }

  async sizeBytes(): Promise<number> {
    const db = this.conn();
    const pageCount = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return pageCount * pageSize;
  }

  async close(): Promise<void> {
    if (this.db) {
      this.db.close();
      this.db = null;
    }
  }
}

function knownEntity(name: EntityName): EntityDef {
  try {
    return entityDef(name);
  } catch {
    throw new CustosError('INVALID_INPUT', `There is no list called ${JSON.stringify(String(name).slice(0, 64))} in a tenant database.`, 'This is a bug in the caller; report it to the engineering team.');
  }
}

function schemaError(tenantId: string, r: SchemaReport): CustosError {
  const problems: string[] = [];
  if (r.missingTables.length) problems.push(`missing table${r.missingTables.length > 1 ? 's' : ''} ${r.missingTables.join(', ')}`);
  if (r.missingColumns.length) problems.push(`missing column${r.missingColumns.length > 1 ? 's' : ''} ${r.missingColumns.join(', ')}`);
  if (r.schemaVersion !== TENANT_SCHEMA_VERSION && !r.missingTables.includes('schema_meta')) {
    if (r.schemaVersion === null && r.schemaVersionText === null) problems.push('no schema version recorded');
    else if (r.schemaVersion === null) problems.push(`schema version ${JSON.stringify(r.schemaVersionText)} is not a number`);
    else problems.push(`schema version ${r.schemaVersion} is unknown (this console knows version ${TENANT_SCHEMA_VERSION})`);
  }
  return new CustosError(
    'TENANT_SCHEMA_UNEXPECTED',
    `The database of tenant ${tenantId} does not have the layout this console expects: ${problems.join('; ')}.`,
    r.schemaVersion !== null && r.schemaVersion > TENANT_SCHEMA_VERSION
      ? 'The database was written by a newer CRM version. Use a console version that knows this schema version; do not export or restore from it with this one.'
      : 'The database is damaged or from an unsupported CRM version. Do not export from it; restore the tenant from a snapshot or ask the engineering team to check the file.',
    {
      tenantId,
      missingTables: r.missingTables,
      missingColumns: r.missingColumns,
      schemaVersion: r.schemaVersion,
      expectedSchemaVersion: r.expectedSchemaVersion,
      ...(r.schemaVersionText !== null ? { schemaVersionText: r.schemaVersionText } : {}),
      extraColumns: r.extraColumns,
      extraTables: r.extraTables,
    },
  );
}

/**
 * Creates a new, empty tenant database with the schema's DDL and returns it open
 * for writing (the caller closes it). Refuses to overwrite an existing file.
 *
 * Journal mode DELETE (not WAL): no -wal/-shm files linger next to the database,
 * so a closed tenant database is exactly one file whose bytes depend only on what
 * was written (the demo generator's same-seed-same-bytes promise, CONVENTIONS.md §11).
 */
export function createTenantDatabaseFile(path: string): Database.Database {
  if (existsSync(path)) {
    throw new CustosError('INVALID_INPUT', 'A tenant database already exists at that place.', 'Choose another file name, or remove the old database first.');
  }
  const db = new Database(path);
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('page_size = 4096');
    db.pragma('foreign_keys = ON');
    db.transaction(() => {
      for (const stmt of tenantDdl()) db.exec(stmt);
    })();
    return db;
  } catch (e) {
    db.close();
    try {
      unlinkSync(path);
    } catch {
      // Nothing more to clean.
    }
    throw e;
  }
}

/**
 * The file of a tenant's SQLite database inside the tenants folder. A catalogue
 * location is never trusted as a path: anything that would land outside the
 * folder (`../x`, an absolute path, a sub-folder trick) is refused.
 */
export function tenantDatabasePath(tenantsDir: string, record: Pick<TenantRecord, 'id' | 'dbEngine' | 'dbLocation'>): string {
  const refuse = (why: string): never => {
    throw new CustosError(
      'CONFIG_INVALID',
      `Tenant ${record.id} has an unusable database location: ${why}.`,
      'Fix the tenant catalogue entry: a SQLite location is a plain file name inside the tenants folder, such as "t-000001.sqlite".',
      { tenantId: record.id },
    );
  };
  if (record.dbEngine !== 'sqlite') refuse('it is not a SQLite database');
  const loc = record.dbLocation;
  // eslint-disable-next-line no-control-regex
  if (typeof loc !== 'string' || loc === '' || /[\u0000-\u001f\u007f]/.test(loc)) refuse('it is empty or contains control characters');
  if (loc.includes('/') || loc.includes('\\') || loc === '.' || loc === '..') refuse('it is not a plain file name inside the tenants folder');
  const root = resolve(tenantsDir);
  const p = resolve(root, loc);
  if (!p.startsWith(root + sep)) refuse('it points outside the tenants folder');
  return p;
}

/** Opens a catalogued tenant's SQLite database from the tenants folder (read-only by default). */
export function openSqliteTenant(tenantsDir: string, record: Pick<TenantRecord, 'id' | 'dbEngine' | 'dbLocation'>, options: SqliteOpenOptions = {}): Promise<SqliteTenantDatabase> {
  return SqliteTenantDatabase.open(tenantDatabasePath(tenantsDir, record), record.id, { readonly: options.readonly ?? true });
}
