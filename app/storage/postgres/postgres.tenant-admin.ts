import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { ENTITY_ORDER, entity as entityDef, type EntityDef, type EntityName } from '../../schema';
import { CustosError } from '../../shared/errors';
import { noProgress, throwIfAborted, yieldToLoop, type ProgressSink } from '../../shared/progress';
import { SqliteTenantDatabase, createTenantDatabaseFile } from '../sqlite/sqlite.tenant-database';
import { COPY_NULL, CopyLineSplitter, copyTextField, parseCopyTextField } from './copy-text';
import { assertDatabaseName, quoteDatabaseName } from './database-name';
import { connectPgClient, createPgPool, describeConnectError, pgErrorCode, probePool } from './pg-connection';
import { isIntegerColumn, pgTenantDdl, pgTenantDdlPhases } from './postgres.ddl';
import { PostgresTenantDatabase, inspectPostgresSchema, postgresSchemaError, tenantDatabaseMissing, type PostgresOpenOptions } from './postgres.tenant-database';
import { postgresConnectionSettings, withDatabase, type PgConnectionSettings, type PgTlsOptions } from './tls.policy';

/**
 * Administration of tenant databases on one PostgreSQL server (issue 8): create,
 * drop (and verify it is gone), rename (the swap of a live restore), and the two
 * bulk copies between PostgreSQL and the portable SQLite snapshot format:
 *
 * - loadFromSqlite: a SQLite tenant file → a NEW PostgreSQL database, with
 *   COPY … FROM STDIN, in one transaction; keys and indexes built after the rows.
 * - dumpToSqlite: a PostgreSQL tenant database → a SQLite file with the tenant
 *   schema (how PostgreSQL snapshots are written, so verification, sandbox
 *   browsing, comparison and selective restore work the same for both engines),
 *   with COPY … TO STDOUT inside one REPEATABLE READ transaction: every table
 *   from the same instant.
 *
 * Both stream: memory holds one chunk of COPY text (about 256 KiB) and one SQLite
 * statement, whatever the tenant's size. Values are carried exactly: integers
 * as 64-bit integers (BigInt past 2^53), text byte for byte.
 *
 * Needs PostgreSQL 13+ (DROP DATABASE … WITH (FORCE)).
 */

export interface PostgresTenantAdminOptions {
  /** Server URL; its database (default `postgres`) is where admin statements run, never a tenant's. */
  url: string;
  ssl?: PgTlsOptions;
}

export interface CopyOptions {
  /** For messages: the tenant the database belongs to (default: the database name). */
  tenantId?: string;
  signal?: AbortSignal;
  progress?: ProgressSink;
}

export interface LoadOptions extends CopyOptions {
  /**
   * PostgreSQL text cannot hold the NUL character (U+0000), which SQLite can.
   * 'refuse' (the default) stops with INVALID_INPUT naming table, column and row
   * ID; 'replace' stores U+FFFD instead and counts it (demo fleets, whose hostile
   * tenant plants NULs on purpose).
   */
  nul?: 'refuse' | 'replace';
}

export interface CopyResult {
  /** Rows per table (the schema's entities and schema_meta). */
  rows: Record<string, number>;
  totalRows: number;
  /** Bytes of COPY text carried. */
  bytes: number;
  ms: number;
  /** Values whose NUL characters were replaced (loadFromSqlite with nul: 'replace'). */
  nulReplaced: number;
}

/** COPY text handed to the server at once (bounded memory, few round trips). */
const COPY_CHUNK_CHARS = 256 * 1024;
/** COPY text encoded ahead of the server (bounded memory either way). */
const COPY_READ_AHEAD_BYTES = 4 * 1024 * 1024;
/** Server memory for building keys and indexes after a load (this transaction only). */
const KEY_BUILD_MEMORY = '256MB';
/** SQLite rows per transaction while dumping. */
const DUMP_ROWS_PER_COMMIT = 20_000;

function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function columnList(e: EntityDef): string {
  return e.columns.map((c) => quoteIdent(c.name)).join(', ');
}

type CellEncoder = (v: unknown, id: unknown) => string;

function unstorable(table: string, column: string, id: unknown, what: string, hint: string): CustosError {
  return new CustosError('INVALID_INPUT', `Row ${String(id)} of ${table} holds ${what} in column ${column}, which cannot be stored in PostgreSQL as it is.`, hint, {
    table,
    column,
    id: typeof id === 'bigint' ? id.toString() : id,
  });
}

/** A transaction on one tenant database ({@link PostgresTenantAdmin.inTenantTransaction}). */
export interface TenantTransaction {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** COPYs the rows with these ids (ascending) of one table from a SQLite tenant file in; returns how many. */
  copyRowsIn(sqlitePath: string, entityName: EntityName, ids: readonly number[], options?: { nul?: 'refuse' | 'replace'; signal?: AbortSignal }): Promise<number>;
}

export class PostgresTenantAdmin {
  private pool: pg.Pool | null;
  private serverVersion = 0;

  private constructor(
    readonly server: PgConnectionSettings,
    pool: pg.Pool,
  ) {
    this.pool = pool;
  }

  static async open(options: PostgresTenantAdminOptions): Promise<PostgresTenantAdmin> {
    const parsed = postgresConnectionSettings(options.url, options.ssl);
    const server = withDatabase(parsed, parsed.database ?? 'postgres');
    const pool = createPgPool(server, { max: 2, idleTimeoutMs: 10_000 });
    try {
      await probePool(pool, server, 'tenant databases');
      const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
      const admin = new PostgresTenantAdmin(server, pool);
      admin.serverVersion = Number((rows[0] as { v: string }).v);
      return admin;
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
  }

  private conn(): pg.Pool {
    if (!this.pool) throw new Error('PostgreSQL tenant admin is closed');
    return this.pool;
  }

  /** Settings to connect to one tenant database on this server. */
  settingsFor(database: string): PgConnectionSettings {
    return withDatabase(this.server, assertDatabaseName(database));
  }

  private checkTarget(database: string): string {
    const name = assertDatabaseName(database);
    if (name === this.server.database) {
      throw new CustosError('CONFIG_INVALID', `${name} is the maintenance database of this console and cannot be a tenant database.`, 'Use another name, or point the server URL at the postgres database.');
    }
    return name;
  }

  async databaseExists(database: string): Promise<boolean> {
    const name = assertDatabaseName(database);
    const { rows } = await this.conn().query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rows.length > 0;
  }

  /** pg_database_size of a database of this server (bytes on disk), or null when it does not exist. */
  async databaseSizeBytes(database: string): Promise<number | null> {
    const name = assertDatabaseName(database);
    const { rows } = await this.conn().query<{ n: number }>('SELECT pg_database_size(datname) AS n FROM pg_database WHERE datname = $1', [name]);
    return rows[0]?.n ?? null;
  }

  /** Opens a tenant database of this server (read-only by default). */
  openTenant(database: string, tenantId: string, options: PostgresOpenOptions = {}): Promise<PostgresTenantDatabase> {
    return PostgresTenantDatabase.open(this.server, database, tenantId, options);
  }

  /**
   * CREATE DATABASE, empty. Byte-wise collation ("C"), as SQLite compares text;
   * template0 so nothing an operator added to template1 comes along.
   */
  private async createEmptyDatabase(name: string): Promise<void> {
    const provider = this.serverVersion >= 150000 ? ' LOCALE_PROVIDER libc' : '';
    try {
      await this.conn().query(`CREATE DATABASE ${quoteDatabaseName(name)} TEMPLATE template0 ENCODING 'UTF8'${provider} LC_COLLATE 'C'`);
    } catch (e) {
      if (pgErrorCode(e) === '42P04') {
        throw new CustosError('INVALID_INPUT', `A PostgreSQL database named ${name} already exists.`, 'Choose another name, or drop the old database first. Existing databases are never overwritten.', { database: name });
      }
      throw e;
    }
  }

  /** A new tenant database with the schema (tables, keys, indexes, schema version). Refuses an existing name. */
  async createTenantDatabase(database: string): Promise<void> {
    const name = this.checkTarget(database);
    await this.createEmptyDatabase(name);
    let client: pg.Client | null = null;
    try {
      client = await connectPgClient(this.settingsFor(name));
      await client.query('BEGIN');
      for (const stmt of pgTenantDdl()) await client.query(stmt);
      await client.query('COMMIT');
    } catch (e) {
      await client?.end().catch(() => {});
      client = null;
      await this.forceDrop(name).catch(() => {});
      throw e;
    } finally {
      await client?.end();
    }
  }

  private async forceDrop(name: string): Promise<void> {
    await this.conn().query(`DROP DATABASE IF EXISTS ${quoteDatabaseName(name)} WITH (FORCE)`);
  }

  /**
   * Drops a tenant database (other sessions are disconnected) and checks that it
   * is gone. Idempotent: a deletion resumed after a crash finds it already gone.
   */
  async dropTenantDatabase(database: string): Promise<{ existed: boolean }> {
    const name = this.checkTarget(database);
    const existed = await this.databaseExists(name);
    await this.forceDrop(name);
    if (await this.databaseExists(name)) {
      throw new CustosError('DELETION_VERIFY_FAILED', `PostgreSQL database ${name} still exists after it was dropped.`, 'Run the deletion again; if it persists, ask the operations team to check the database server.', { database: name });
    }
    return { existed };
  }

  /** Renames a database (see {@link renameDatabases}). */
  async renameDatabase(from: string, to: string): Promise<void> {
    await this.renameDatabases([[from, to]]);
  }

  /**
   * Renames databases in ONE transaction (PostgreSQL renames are transactional), so
   * a live restore's swap — live → kept, restored → live — is atomic: after a crash
   * the server holds either both old names or both new ones. Each name moved is
   * first closed to new connections (ALLOW_CONNECTIONS false, when this role may
   * set it) and its sessions are disconnected: PostgreSQL renames only a database
   * nobody is connected to. A name may be a target when an earlier pair moves it
   * away. Afterwards the renamed databases accept connections again; a crash
   * before that leaves them closed, which {@link allowConnections} mends (the
   * restore does so before it checks the new live database).
   */
  async renameDatabases(pairs: ReadonlyArray<readonly [from: string, to: string]>): Promise<void> {
    const moves = pairs.map(([from, to]) => [this.checkTarget(from), this.checkTarget(to)] as const);
    if (moves.length === 0) return;
    const froms = new Set<string>();
    const taken = new Set<string>();
    for (const [a, b] of moves) {
      if (a === b) throw new CustosError('INVALID_INPUT', 'A database cannot be renamed to its own name.', 'Give a different new name.');
      if (froms.has(a) || taken.has(b)) throw new CustosError('INVALID_INPUT', 'A database is moved twice in one rename.', 'This is a bug in the caller; report it to the engineering team.');
      froms.add(a);
      taken.add(b);
    }
    const freed = new Set<string>();
    for (const [a, b] of moves) {
      if (!(await this.databaseExists(a))) throw tenantDatabaseMissing(a, a);
      if (!freed.has(b) && (await this.databaseExists(b))) {
        throw new CustosError('INVALID_INPUT', `A PostgreSQL database named ${b} already exists.`, 'Rename or drop that database first; databases are never overwritten.', { database: b });
      }
      freed.add(a);
    }
    const client = await this.conn().connect();
    const blocked: string[] = [];
    try {
      for (const a of froms) {
        try {
          await client.query(`ALTER DATABASE ${quoteDatabaseName(a)} WITH ALLOW_CONNECTIONS false`);
          blocked.push(a);
        } catch (e) {
          if (pgErrorCode(e) !== '42501') throw e; // not allowed for this role: terminate and retry instead
        }
      }
      for (let attempt = 1; ; attempt++) {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()', [[...froms]]);
        try {
          await client.query('BEGIN');
          for (const [a, b] of moves) await client.query(`ALTER DATABASE ${quoteDatabaseName(a)} RENAME TO ${quoteDatabaseName(b)}`);
          await client.query('COMMIT');
          break;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          // 55006: still in use (a session reconnected between terminate and rename).
          if (pgErrorCode(e) !== '55006' || attempt >= 5) throw e;
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
      const renamed = new Map(moves);
      for (const a of blocked) await this.allowConnections(renamed.get(a) as string);
      blocked.length = 0;
    } finally {
      // Failed before the commit: the databases keep their names; open them again.
      for (const a of blocked) await client.query(`ALTER DATABASE ${quoteDatabaseName(a)} WITH ALLOW_CONNECTIONS true`).catch(() => {});
      client.release();
    }
  }

  /** Lets a database accept connections again (after a rename a crash interrupted). A no-op when it already does or is gone. */
  async allowConnections(database: string): Promise<void> {
    const name = this.checkTarget(database);
    const { rows } = await this.conn().query<{ ok: boolean }>('SELECT datallowconn AS ok FROM pg_database WHERE datname = $1', [name]);
    if (rows[0] && !rows[0].ok) await this.conn().query(`ALTER DATABASE ${quoteDatabaseName(name)} WITH ALLOW_CONNECTIONS true`);
  }

  /**
   * Runs `fn` in one read-write transaction on a tenant database: committed when
   * `fn` resolves, rolled back when it throws (a selective restore's insert).
   */
  async inTenantTransaction<T>(database: string, tenantId: string, fn: (tx: TenantTransaction) => Promise<T>): Promise<T> {
    const name = this.checkTarget(database);
    const settings = this.settingsFor(name);
    let client: pg.Client;
    try {
      client = await connectPgClient(settings);
    } catch (e) {
      if (pgErrorCode(e) === '3D000') throw tenantDatabaseMissing(tenantId, name);
      throw describeConnectError(e, settings, `the database of tenant ${tenantId}`) ?? e;
    }
    try {
      await client.query('BEGIN');
      const tx: TenantTransaction = {
        query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await client.query<R>(text, values)).rows,
        copyRowsIn: async (sqlitePath, entityName, ids, options = {}) => {
          const raw = new Database(sqlitePath, { readonly: true, fileMustExist: true });
          try {
            const result: CopyResult = { rows: {}, totalRows: 0, bytes: 0, ms: 0, nulReplaced: 0 };
            return await this.copyTableIn(client, raw, entityDef(entityName), options.nul ?? 'refuse', result, options.signal ?? new AbortController().signal, () => {}, ids);
          } finally {
            raw.close();
          }
        },
      };
      const out = await fn(tx);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      await client.end().catch(() => {});
    }
  }

  /**
   * Copies every table of a SQLite tenant file into a NEW PostgreSQL database
   * (refused if the name exists). All or nothing: one transaction, and the
   * database is dropped again if anything fails or the signal aborts.
   */
  async loadFromSqlite(sqlitePath: string, pgDatabase: string, options: LoadOptions = {}): Promise<CopyResult> {
    const name = this.checkTarget(pgDatabase);
    const tenantId = options.tenantId ?? name;
    const signal = options.signal ?? new AbortController().signal;
    const progress = options.progress ?? noProgress;
    const nulPolicy = options.nul ?? 'refuse';
    const started = performance.now();
    throwIfAborted(signal);

    // The source is data of unknown version until checked (CONVENTIONS.md §5).
    const source = await SqliteTenantDatabase.open(sqlitePath, tenantId, { readonly: true });
    let counts: Record<string, number>;
    try {
      await source.checkSchema();
      counts = await source.counts();
    } finally {
      await source.close();
    }
    const totalRows = ENTITY_ORDER.reduce((n, e) => n + (counts[e] ?? 0), 0);
    const raw = new Database(sqlitePath, { readonly: true, fileMustExist: true });
    const result: CopyResult = { rows: {}, totalRows: 0, bytes: 0, ms: 0, nulReplaced: 0 };
    let created = false;
    let client: pg.Client | null = null;
    try {
      await this.createEmptyDatabase(name);
      created = true;
      client = await connectPgClient(this.settingsFor(name));
      await client.query('BEGIN');
      const ddl = pgTenantDdlPhases();
      for (const stmt of ddl.tables) await client.query(stmt);

      for (const entityName of ENTITY_ORDER) {
        const e = entityDef(entityName);
        throwIfAborted(signal);
        const n = await this.copyTableIn(client, raw, e, nulPolicy, result, signal, (rowsInTable) =>
          progress({ phase: 'load', done: result.totalRows + rowsInTable, total: totalRows, bytesDone: result.bytes, item: e.name }),
        );
        if (n !== counts[e.name]) {
          throw new CustosError('INTERNAL', `Copying ${e.name} into ${name} carried ${n} rows instead of ${counts[e.name]}.`, 'Run it again; if it persists, report it to the engineering team.');
        }
        result.rows[e.name] = n;
        result.totalRows += n;
      }

      const meta = raw.prepare('SELECT key, value FROM schema_meta ORDER BY key').all() as { key: unknown; value: unknown }[];
      for (const m of meta) await client.query('INSERT INTO schema_meta (key, value) VALUES ($1, $2)', [String(m.key), String(m.value)]);
      result.rows.schema_meta = meta.length;

      progress({ phase: 'load indexes', done: result.totalRows, total: totalRows, bytesDone: result.bytes });
      // Sorts for the key builds in memory rather than in temp files (measured: about half the time on a large tenant).
      await client.query(`SET LOCAL maintenance_work_mem = '${KEY_BUILD_MEMORY}'`);
      for (const stmt of ddl.keys) {
        throwIfAborted(signal);
        await client.query(stmt);
      }
      await client.query('COMMIT');
      await client.query('ANALYZE');
    } catch (e) {
      if (client) {
        await client.query('ROLLBACK').catch(() => {});
        await client.end().catch(() => {});
        client = null;
      }
      if (created) await this.forceDrop(name).catch(() => {});
      if (signal.aborted) throw abortError();
      throw e;
    } finally {
      raw.close();
      await client?.end();
    }
    result.ms = performance.now() - started;
    return result;
  }

  private async copyTableIn(
    client: pg.Client,
    raw: Database.Database,
    e: EntityDef,
    nulPolicy: 'refuse' | 'replace',
    result: CopyResult,
    signal: AbortSignal,
    report: (rowsInTable: number) => void,
    /** Only these rows (ids ascending), into an existing table: no FREEZE, which needs a table made in this transaction. */
    ids?: readonly number[],
  ): Promise<number> {
    const encoders: CellEncoder[] = e.columns.map((c) => {
      if (isIntegerColumn(c)) {
        return (v, id) => {
          if (v === null) return COPY_NULL;
          if (typeof v === 'bigint') return v.toString();
          if (typeof v === 'number' && Number.isInteger(v)) return String(v);
          throw unstorable(e.name, c.name, id, typeof v === 'number' ? 'a fraction' : typeof v === 'string' ? 'text' : 'binary data', 'The column should hold whole numbers; the SQLite file is damaged or from an unsupported CRM version.');
        };
      }
      return (v, id) => {
        if (v === null) return COPY_NULL;
        let s: string;
        if (typeof v === 'string') s = v;
        else if (typeof v === 'bigint' || typeof v === 'number') s = String(v);
        else throw unstorable(e.name, c.name, id, 'binary data', 'The column should hold text; the SQLite file is damaged or from an unsupported CRM version.');
        if (s.includes('\u0000')) {
          if (nulPolicy === 'refuse') {
            throw unstorable(e.name, c.name, id, 'a NUL character (U+0000)', 'PostgreSQL text cannot hold NUL. Clean the value in the source, or load with NUL replacement (U+FFFD) if the change is acceptable.');
          }
          s = s.replaceAll('\u0000', '\uFFFD');
          result.nulReplaced++;
        }
        return copyTextField(s);
      };
    });
    const width = encoders.length;
    const select = `SELECT ${columnList(e)} FROM ${quoteIdent(e.name)}${ids ? ' WHERE id IN (SELECT value FROM json_each(?))' : ''} ORDER BY id`;
    const stmt = raw.prepare(select).raw(true).safeIntegers(true);
    const params = ids ? [JSON.stringify(ids)] : [];
    let rows = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      let buf = '';
      for (const row of stmt.iterate(...params) as IterableIterator<unknown[]>) {
        const id = row[0];
        let line = (encoders[0] as CellEncoder)(id, id);
        for (let i = 1; i < width; i++) line += '\t' + (encoders[i] as CellEncoder)(row[i], id);
        buf += line + '\n';
        rows++;
        if (buf.length >= COPY_CHUNK_CHARS) {
          const chunk = Buffer.from(buf, 'utf8');
          buf = '';
          result.bytes += chunk.length;
          yield chunk;
          report(rows);
          if (signal.aborted) throw abortError();
        }
      }
      if (buf.length > 0) {
        const chunk = Buffer.from(buf, 'utf8');
        result.bytes += chunk.length;
        yield chunk;
      }
      report(rows);
    }
    // FREEZE: the table was created in this transaction, so rows are written frozen (no later hint-bit rewrite).
    const copy = client.query(copyFrom(`COPY ${quoteIdent(e.name)} (${columnList(e)}) FROM STDIN WITH (FORMAT text${ids ? '' : ', FREEZE'})`));
    // The read-ahead lets this thread encode the next chunks while the server parses the last ones.
    await pipeline(Readable.from(chunks(), { objectMode: false, highWaterMark: COPY_READ_AHEAD_BYTES }), copy);
    if (copy.rowCount !== rows) {
      throw new CustosError('INTERNAL', `PostgreSQL stored ${copy.rowCount} rows of ${e.name} but ${rows} were sent.`, 'Run it again; if it persists, report it to the engineering team.');
    }
    return rows;
  }

  /**
   * Writes a PostgreSQL tenant database to a new SQLite file with the tenant
   * schema (the portable snapshot format). The file appears under its final name
   * only when complete (CONVENTIONS.md §8); an existing file is never overwritten.
   */
  async dumpToSqlite(pgDatabase: string, sqlitePath: string, options: CopyOptions = {}): Promise<CopyResult> {
    const name = assertDatabaseName(pgDatabase);
    const tenantId = options.tenantId ?? name;
    const signal = options.signal ?? new AbortController().signal;
    const progress = options.progress ?? noProgress;
    const started = performance.now();
    throwIfAborted(signal);
    if (existsSync(sqlitePath)) {
      throw new CustosError('INVALID_INPUT', 'A file already exists where the SQLite copy should be written.', 'Choose another file name, or remove the old file first.');
    }
    const tmpPath = `${sqlitePath}.partial`;
    const cleanTmp = (): void => {
      rmSync(tmpPath, { force: true });
      rmSync(`${tmpPath}-journal`, { force: true });
    };
    cleanTmp();

    const settings = this.settingsFor(name);
    let client: pg.Client;
    try {
      client = await connectPgClient(settings, { readOnly: true });
    } catch (e) {
      if (pgErrorCode(e) === '3D000') throw tenantDatabaseMissing(tenantId, name);
      throw describeConnectError(e, settings, `the database of tenant ${tenantId}`) ?? e;
    }
    let sqlite: Database.Database | null = null;
    const result: CopyResult = { rows: {}, totalRows: 0, bytes: 0, ms: 0, nulReplaced: 0 };
    try {
      // One snapshot for every table: the copy is of one instant, even while the CRM writes.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const report = await inspectPostgresSchema((text, values) => client.query(text, values));
      if (!report.ok) throw postgresSchemaError(tenantId, report);
      const countSql = ENTITY_ORDER.map((t, i) => `SELECT ${i} AS i, COUNT(*) AS n FROM ${quoteIdent(t)}`).join(' UNION ALL ');
      const counts = new Map((await client.query<{ i: number; n: number }>(countSql)).rows.map((r) => [ENTITY_ORDER[r.i] as string, r.n]));
      const totalRows = [...counts.values()].reduce((a, b) => a + b, 0);

      sqlite = createTenantDatabaseFile(tmpPath);
      // Rows are copied as they are, dangling references included (exports report them).
      sqlite.pragma('foreign_keys = OFF');
      // Durability comes from the fsync + rename at the end, not from each commit.
      sqlite.pragma('synchronous = OFF');
      const meta = await client.query<{ key: string; value: string }>('SELECT key::text AS key, value::text AS value FROM schema_meta ORDER BY 1');
      sqlite.exec('DELETE FROM schema_meta');
      const insertMeta = sqlite.prepare('INSERT INTO schema_meta (key, value) VALUES (?, ?)');
      for (const m of meta.rows) insertMeta.run(m.key, m.value);

      for (const entityName of ENTITY_ORDER) {
        const e = entityDef(entityName);
        throwIfAborted(signal);
        const n = await this.copyTableOut(client, sqlite, e, result, signal, (rowsInTable) =>
          progress({ phase: 'snapshot', done: result.totalRows + rowsInTable, total: totalRows, bytesDone: result.bytes, item: e.name }),
        );
        if (n !== counts.get(e.name)) {
          throw new CustosError('INTERNAL', `Copying ${e.name} out of ${name} carried ${n} rows instead of ${counts.get(e.name)}.`, 'Run it again; if it persists, report it to the engineering team.');
        }
        result.rows[e.name] = n;
        result.totalRows += n;
      }
      result.rows.schema_meta = meta.rows.length;
      await client.query('COMMIT');

      sqlite.close();
      sqlite = null;
      const fd = openSync(tmpPath, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmpPath, sqlitePath);
    } catch (e) {
      if (sqlite?.inTransaction) sqlite.exec('ROLLBACK');
      sqlite?.close();
      cleanTmp();
      if (signal.aborted) throw abortError();
      throw e;
    } finally {
      // Mid-COPY (an abort or a failure) pg closes the socket instead of waiting.
      await client.end().catch(() => {});
    }
    result.ms = performance.now() - started;
    return result;
  }

  private async copyTableOut(
    client: pg.Client,
    sqlite: Database.Database,
    e: EntityDef,
    result: CopyResult,
    signal: AbortSignal,
    report: (rowsInTable: number) => void,
  ): Promise<number> {
    const width = e.columns.length;
    const parsers: Array<(f: string) => unknown> = e.columns.map((c) =>
      isIntegerColumn(c)
        ? (f: string) => {
            if (f === COPY_NULL) return null;
            const n = Number(f);
            // Exact past 2^53: better-sqlite3 binds a BigInt as a 64-bit integer.
            return Number.isSafeInteger(n) ? n : BigInt(f);
          }
        : parseCopyTextField,
    );
    const insert = sqlite.prepare(`INSERT INTO ${quoteIdent(e.name)} (${columnList(e)}) VALUES (${e.columns.map(() => '?').join(', ')})`);
    const splitter = new CopyLineSplitter();
    const values: unknown[] = new Array(width);
    let rows = 0;
    let sinceCommit = 0;
    const stream = client.query(copyTo(`COPY (SELECT ${columnList(e)} FROM ${quoteIdent(e.name)} ORDER BY id) TO STDOUT WITH (FORMAT text)`));
    sqlite.exec('BEGIN');
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      result.bytes += chunk.length;
      for (const line of splitter.push(chunk)) {
        const fields = line.split('\t');
        if (fields.length !== width) throw new CustosError('INTERNAL', `A row of ${e.name} came out of PostgreSQL with ${fields.length} columns instead of ${width}.`, 'Report it to the engineering team.');
        for (let i = 0; i < width; i++) values[i] = (parsers[i] as (f: string) => unknown)(fields[i] as string);
        insert.run(values);
        rows++;
        sinceCommit++;
      }
      if (sinceCommit >= DUMP_ROWS_PER_COMMIT) {
        sqlite.exec('COMMIT');
        sqlite.exec('BEGIN');
        sinceCommit = 0;
        report(rows);
        // Let timers and progress events run.
        await yieldToLoop();
      }
      // Cancellation between chunks (CONVENTIONS.md §2).
      if (signal.aborted) throw abortError();
    }
    splitter.end();
    sqlite.exec('COMMIT');
    report(rows);
    return rows;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.end();
  }
}

export function openPostgresTenantAdmin(options: PostgresTenantAdminOptions): Promise<PostgresTenantAdmin> {
  return PostgresTenantAdmin.open(options);
}
