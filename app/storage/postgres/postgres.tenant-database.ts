import type pg from 'pg';
import type { TenantRecord } from '../../control-plane/tenant-record';
import { ENTITIES, TENANT_SCHEMA_VERSION, entity as entityDef, type ColumnDef, type EntityDef, type EntityName } from '../../schema';
import { CustosError } from '../../shared/errors';
import { throwIfAborted, yieldToLoop } from '../../shared/progress';
import type { SchemaReport } from '../sqlite/sqlite.tenant-database';
import type { EntityCounts, Row, StreamOptions, TenantDatabase } from '../sqlite/tenant-database.port';
import { assertDatabaseName } from './database-name';
import { createPgPool, describeConnectError, pgErrorCode } from './pg-connection';
import { pgColumnType } from './postgres.ddl';
import { withDatabase, type PgConnectionSettings } from './tls.policy';

/**
 * TenantDatabase on PostgreSQL, one database per tenant (issue 8; the catalogue's
 * `db_location` is the database name). Same behaviour as the SQLite adapter, so
 * that one test suite and every caller treat both alike:
 * - the layout is checked against the schema description before any read
 *   (TENANT_SCHEMA_UNEXPECTED listing what differs, never a bare SQL error);
 * - only the described columns are read (unknown extra columns never leave);
 * - rows stream in id order with keyset pagination (`id > last LIMIT n`: an index
 *   range scan per batch, no cursor or transaction held open between batches, so a
 *   consumer that stops early leaves nothing behind and memory stays one batch);
 * - integers come back as JS numbers (pool-level int8 parser), text as strings.
 */

export const DEFAULT_STREAM_BATCH = 1000;
const MAX_STREAM_BATCH = 100_000;

export interface PostgresSchemaReport extends SchemaReport {
  /** `table.column is <actual>, expected <expected>`: a column whose type would read back differently. */
  mismatchedColumns: string[];
}

export interface PostgresOpenOptions {
  /** Every transaction read-only (default true for exports, stats, verification). */
  readonly?: boolean;
  /** Connections in this database's pool (default 2: one stream plus one count). */
  poolSize?: number;
}

type Query = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}

/** PostgreSQL types that read back as the same JS values as the SQLite column. */
function acceptedTypes(c: Pick<ColumnDef, 'type'>): readonly string[] {
  switch (pgColumnType(c.type)) {
    case 'bigint':
    case 'integer':
      return ['bigint', 'integer', 'smallint'];
    default:
      // numeric prints its stored digits as text, e.g. "1234.50".
      return c.type === 'decimal' ? ['text', 'character varying', 'numeric'] : ['text', 'character varying'];
  }
}

/**
 * Compares the database's tables, columns and schema version with the schema
 * description, without throwing. Uses the caller's connection so that a snapshot
 * can inspect inside its own transaction.
 */
export async function inspectPostgresSchema(query: Query): Promise<PostgresSchemaReport> {
  const tableRows = await query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const tables = new Set(tableRows.rows.map((r) => String(r.table_name)));
  const colRows = await query(
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const columns = new Map<string, Map<string, string>>();
  for (const r of colRows.rows) {
    const t = String(r.table_name);
    if (!columns.has(t)) columns.set(t, new Map());
    columns.get(t)!.set(String(r.column_name), String(r.data_type));
  }
  const report: PostgresSchemaReport = {
    ok: true,
    schemaVersion: null,
    expectedSchemaVersion: TENANT_SCHEMA_VERSION,
    schemaVersionText: null,
    missingTables: [],
    missingColumns: [],
    extraColumns: [],
    extraTables: [],
    mismatchedColumns: [],
  };
  const known = new Set<string>(['schema_meta', ...ENTITIES.map((e) => e.name)]);
  for (const t of [...tables].sort()) if (!known.has(t)) report.extraTables.push(t);

  for (const e of ENTITIES) {
    if (!tables.has(e.name)) {
      report.missingTables.push(e.name);
      continue;
    }
    const actual = columns.get(e.name) ?? new Map<string, string>();
    const expected = new Set(e.columns.map((c) => c.name));
    for (const c of e.columns) {
      const type = actual.get(c.name);
      if (type === undefined) report.missingColumns.push(`${e.name}.${c.name}`);
      else if (!acceptedTypes(c).includes(type)) report.mismatchedColumns.push(`${e.name}.${c.name} is ${type}, expected ${pgColumnType(c.type)}`);
    }
    for (const c of actual.keys()) if (!expected.has(c)) report.extraColumns.push(`${e.name}.${c}`);
  }

  if (!tables.has('schema_meta')) {
    report.missingTables.push('schema_meta');
  } else {
    const cols = columns.get('schema_meta') ?? new Map<string, string>();
    if (!cols.has('key')) report.missingColumns.push('schema_meta.key');
    if (!cols.has('value')) report.missingColumns.push('schema_meta.value');
    if (cols.has('key') && cols.has('value')) {
      const r = await query(`SELECT value::text AS value FROM schema_meta WHERE key::text = 'schema_version' LIMIT 1`);
      const row = r.rows[0];
      if (row !== undefined) {
        const text = String(row.value);
        if (/^\d{1,9}$/.test(text)) report.schemaVersion = Number(text);
        else report.schemaVersionText = text.slice(0, 40);
      }
    }
  }

  report.ok =
    report.missingTables.length === 0 &&
    report.missingColumns.length === 0 &&
    report.mismatchedColumns.length === 0 &&
    report.schemaVersion === TENANT_SCHEMA_VERSION;
  return report;
}

/** TENANT_SCHEMA_UNEXPECTED with the same wording as the SQLite adapter, plus column types. */
export function postgresSchemaError(tenantId: string, r: PostgresSchemaReport): CustosError {
  const problems: string[] = [];
  if (r.missingTables.length) problems.push(`missing table${r.missingTables.length > 1 ? 's' : ''} ${r.missingTables.join(', ')}`);
  if (r.missingColumns.length) problems.push(`missing column${r.missingColumns.length > 1 ? 's' : ''} ${r.missingColumns.join(', ')}`);
  if (r.mismatchedColumns.length) problems.push(`unexpected column type${r.mismatchedColumns.length > 1 ? 's' : ''}: ${r.mismatchedColumns.join('; ')}`);
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
      : 'The database is damaged or from an unsupported CRM version. Do not export from it; restore the tenant from a snapshot or ask the engineering team to check the database.',
    {
      tenantId,
      missingTables: r.missingTables,
      missingColumns: r.missingColumns,
      mismatchedColumns: r.mismatchedColumns,
      schemaVersion: r.schemaVersion,
      expectedSchemaVersion: r.expectedSchemaVersion,
      ...(r.schemaVersionText !== null ? { schemaVersionText: r.schemaVersionText } : {}),
      extraColumns: r.extraColumns,
      extraTables: r.extraTables,
    },
  );
}

export function knownEntity(name: EntityName): EntityDef {
  try {
    return entityDef(name);
  } catch {
    throw new CustosError('INVALID_INPUT', `There is no list called ${JSON.stringify(String(name).slice(0, 64))} in a tenant database.`, 'This is a bug in the caller; report it to the engineering team.');
  }
}

export function tenantDatabaseMissing(tenantId: string, database: string): CustosError {
  return new CustosError(
    'TENANT_DATABASE_MISSING',
    `The database of tenant ${tenantId} is missing.`,
    `The catalogue points at PostgreSQL database ${database}, which does not exist on the server. Check the catalogue entry, or restore the tenant from its latest snapshot.`,
    { tenantId, database },
  );
}

export class PostgresTenantDatabase implements TenantDatabase {
  readonly engine = 'postgres' as const;
  private pool: pg.Pool | null;
  private schemaChecked = false;

  private constructor(
    readonly tenantId: string,
    readonly database: string,
    pool: pg.Pool,
  ) {
    this.pool = pool;
  }

  /**
   * Opens an existing tenant database. Never creates one: a missing database means
   * the catalogue points at nothing (TENANT_DATABASE_MISSING).
   */
  static async open(server: PgConnectionSettings, database: string, tenantId: string, options: PostgresOpenOptions = {}): Promise<PostgresTenantDatabase> {
    assertDatabaseName(database);
    const settings = withDatabase(server, database);
    const pool = createPgPool(settings, { readOnly: options.readonly ?? true, max: options.poolSize ?? 2, idleTimeoutMs: 10_000 });
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end().catch(() => {});
      if (pgErrorCode(e) === '3D000') throw tenantDatabaseMissing(tenantId, database);
      throw describeConnectError(e, settings, `the database of tenant ${tenantId}`) ?? e;
    }
    return new PostgresTenantDatabase(tenantId, database, pool);
  }

  private conn(): pg.Pool {
    if (!this.pool) throw new Error(`tenant database ${this.tenantId} is closed`);
    return this.pool;
  }

  private query: Query = (text, values) => this.conn().query(text, values);

  /** Rows of one parameterised statement (restore's checks on live: counts of planned ids, schema_meta). */
  async rows<R extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.conn().query<R>(text, values)).rows;
  }

  inspectSchema(): Promise<PostgresSchemaReport> {
    return inspectPostgresSchema(this.query);
  }

  async checkSchema(): Promise<{ schemaVersion: number }> {
    const report = await this.inspectSchema();
    if (!report.ok) throw postgresSchemaError(this.tenantId, report);
    this.schemaChecked = true;
    return { schemaVersion: report.schemaVersion as number };
  }

  private async ensureSchema(): Promise<void> {
    if (!this.schemaChecked) await this.checkSchema();
  }

  async counts(): Promise<EntityCounts> {
    await this.ensureSchema();
    // One statement, hence one snapshot: the counts are consistent with each other.
    const sql = ENTITIES.map((e, i) => `SELECT ${i} AS i, COUNT(*) AS n FROM ${quoteIdent(e.name)}`).join(' UNION ALL ');
    const { rows } = await this.conn().query<{ i: number; n: number }>(sql);
    const out = {} as EntityCounts;
    for (const r of rows) out[(ENTITIES[r.i] as EntityDef).name] = r.n;
    return out;
  }

  async countBy(entityName: EntityName, column: string): Promise<Record<string, number>> {
    const e = knownEntity(entityName);
    if (!e.columns.some((c) => c.name === column)) {
      throw new CustosError('INVALID_INPUT', `The list ${e.name} has no column ${JSON.stringify(column.slice(0, 64))}.`, 'This is a bug in the caller; report it to the engineering team.');
    }
    await this.ensureSchema();
    const { rows } = await this.conn().query<{ v: unknown; n: number }>(`SELECT ${quoteIdent(column)} AS v, COUNT(*) AS n FROM ${quoteIdent(e.name)} GROUP BY 1`);
    const out: Record<string, number> = {};
    // NULL is counted under the key "null" (String(null)), as on SQLite.
    for (const r of rows) out[String(r.v)] = (out[String(r.v)] ?? 0) + r.n;
    return out;
  }

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
        const text = `SELECT ${cols} FROM ${quoteIdent(e.name)} WHERE id > $1 ORDER BY id LIMIT $2`;
        let last = afterId;
        for (;;) {
          const { rows } = await self.conn().query<Row>({ text, values: [last, batchSize] });
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
    const { rows } = await this.conn().query<{ n: number }>('SELECT pg_database_size(current_database()) AS n');
    return (rows[0] as { n: number }).n;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.end();
  }
}

/**
 * Opens a catalogued tenant's PostgreSQL database (read-only by default). The
 * catalogue location is the database name; anything else is refused.
 */
export function openPostgresTenant(
  server: PgConnectionSettings,
  record: Pick<TenantRecord, 'id' | 'dbEngine' | 'dbLocation'>,
  options: PostgresOpenOptions = {},
): Promise<PostgresTenantDatabase> {
  if (record.dbEngine !== 'postgres') {
    throw new CustosError('CONFIG_INVALID', `Tenant ${record.id} has an unusable database location: it is not a PostgreSQL database.`, 'Fix the tenant catalogue entry.', { tenantId: record.id });
  }
  return PostgresTenantDatabase.open(server, assertDatabaseName(record.dbLocation), record.id, { readonly: options.readonly ?? true, ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}) });
}
