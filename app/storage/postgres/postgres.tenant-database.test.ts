import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '../../control-plane/tenant-record';
import { generateTenant } from '../../demo';
import { ENTITIES, TENANT_SCHEMA_VERSION, entity } from '../../schema';
import type { CustosError } from '../../shared/errors';
import { startTestPostgres, type TestPostgres } from '../../testing/postgres';
import { LocalObjectStore } from '../object-store/local.object-store';
import type { Row } from '../sqlite/tenant-database.port';
import { PostgresTenantAdmin } from './postgres.tenant-admin';
import { PostgresTenantDatabase, openPostgresTenant } from './postgres.tenant-database';
import { postgresConnectionSettings, type PgConnectionSettings } from './tls.policy';

/**
 * The SQLite adapter's checks (sqlite.tenant-database.test.ts), on PostgreSQL:
 * one database per tenant, loaded from the same deterministic demo tenant, so the
 * rows must equal the SQLite file's row for row.
 */

let root: string;
let record: TenantRecord;
let sqlitePath: string;
let tp: TestPostgres;
let admin: PostgresTenantAdmin;
let server: PgConnectionSettings;
let good: string;
const opened: PostgresTenantDatabase[] = [];

async function open(database: string): Promise<PostgresTenantDatabase> {
  const db = await PostgresTenantDatabase.open(server, database, record.id);
  opened.push(db);
  return db;
}

async function plain<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: tp.urlFor(database) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let copies = 0;
/** A copy of the loaded database (CREATE DATABASE … TEMPLATE), changed by `mutate` through a plain connection. */
async function brokenCopy(mutate: (c: pg.Client) => Promise<unknown>): Promise<string> {
  const name = tp.name(`broken_${++copies}`);
  await plain('postgres', (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${good}"`));
  await plain(name, mutate);
  return name;
}

async function schemaFailure(database: string): Promise<CustosError> {
  const db = await open(database);
  const err = await db.checkSchema().then(
    () => null,
    (e: unknown) => e as CustosError,
  );
  expect(err).not.toBeNull();
  return err as CustosError;
}

async function collect(it: AsyncIterable<Row>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of it) out.push(r);
  return out;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'custos-pg-test-'));
  const store = new LocalObjectStore({ dir: join(root, 'objects') });
  try {
    record = await generateTenant({ tenantsDir: join(root, 'tenants'), objectStore: store, index: 5, size: 'small', seed: 11, asOf: new Date('2026-01-31T00:00:00Z') });
  } finally {
    await store.close();
  }
  sqlitePath = join(root, 'tenants', record.dbLocation);
  tp = await startTestPostgres();
  admin = await PostgresTenantAdmin.open({ url: tp.serverUrl });
  server = postgresConnectionSettings(tp.serverUrl);
  good = tp.name('good');
  await admin.loadFromSqlite(sqlitePath, good, { tenantId: record.id });
});

afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

afterAll(async () => {
  await admin?.close();
  await tp?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('PostgresTenantDatabase.open', () => {
  it('refuses a missing database and never creates one', async () => {
    const name = tp.name('nope');
    await expect(PostgresTenantDatabase.open(server, name, 't-x')).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
    expect(await admin.databaseExists(name)).toBe(false);
  });

  it('refuses a name that is not a tenant database name before connecting', async () => {
    for (const bad of ['Bad-Name', 'x"; drop database postgres; --', 'postgres', 'a'.repeat(64)]) {
      await expect(PostgresTenantDatabase.open(server, bad, 't-x')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });

  it('close is idempotent', async () => {
    const db = await PostgresTenantDatabase.open(server, good, record.id);
    await db.close();
    await db.close();
  });

  it('opens read-only by default', async () => {
    const db = await open(good);
    const pool = (db as unknown as { pool: pg.Pool }).pool;
    await expect(pool.query('CREATE TABLE sneaky (id int)')).rejects.toMatchObject({ code: '25006' });
  });
});

describe('checkSchema', () => {
  it('passes on a loaded demo tenant', async () => {
    const db = await open(good);
    await expect(db.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
    expect(await db.inspectSchema()).toMatchObject({ ok: true, missingTables: [], missingColumns: [], mismatchedColumns: [], extraColumns: [], extraTables: [] });
  });

  it('lists a dropped column', async () => {
    const err = await schemaFailure(await brokenCopy((c) => c.query('ALTER TABLE persons DROP COLUMN job_title')));
    expect(err.code).toBe('TENANT_SCHEMA_UNEXPECTED');
    expect(err.message).toContain('missing column persons.job_title');
    expect(err.hint).toBeTruthy();
    expect(err.details).toMatchObject({ missingTables: [], missingColumns: ['persons.job_title'], schemaVersion: TENANT_SCHEMA_VERSION });
  });

  it('lists an unknown schema version', async () => {
    const err = await schemaFailure(await brokenCopy((c) => c.query("UPDATE schema_meta SET value = '7' WHERE key = 'schema_version'")));
    expect(err.message).toContain(`schema version 7 is unknown (this console knows version ${TENANT_SCHEMA_VERSION})`);
    expect(err.hint).toMatch(/newer CRM version/);
    expect(err.details).toMatchObject({ missingTables: [], missingColumns: [], schemaVersion: 7, expectedSchemaVersion: TENANT_SCHEMA_VERSION });
  });

  it('lists a missing schema version row and a non-numeric version', async () => {
    const none = await schemaFailure(await brokenCopy((c) => c.query('DELETE FROM schema_meta')));
    expect(none.message).toContain('no schema version recorded');
    const text = await schemaFailure(await brokenCopy((c) => c.query("UPDATE schema_meta SET value = 'v1-beta'")));
    expect(text.message).toContain('schema version "v1-beta" is not a number');
  });

  it('lists missing tables, columns and version together', async () => {
    const err = await schemaFailure(
      await brokenCopy(async (c) => {
        await c.query('DROP TABLE files');
        await c.query('DROP TABLE schema_meta');
        await c.query('ALTER TABLE companies DROP COLUMN postcode');
        await c.query('ALTER TABLE companies DROP COLUMN city');
      }),
    );
    expect(err.details).toMatchObject({
      missingTables: ['files', 'schema_meta'],
      missingColumns: ['companies.city', 'companies.postcode'],
      schemaVersion: null,
    });
    expect(err.message).toContain('missing tables files, schema_meta');
    expect(err.message).toContain('missing columns companies.city, companies.postcode');
  });

  it('lists a column whose type would read back differently (PostgreSQL only)', async () => {
    const err = await schemaFailure(
      await brokenCopy(async (c) => {
        await c.query('ALTER TABLE persons ALTER COLUMN company_id TYPE text');
        await c.query('ALTER TABLE tasks ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz');
      }),
    );
    expect(err.details).toMatchObject({ mismatchedColumns: ['persons.company_id is text, expected bigint', 'tasks.created_at is timestamp with time zone, expected text'] });
    expect(err.message).toContain('unexpected column types: persons.company_id is text, expected bigint');
  });

  it('tolerates unknown extra columns and tables, reports them, and never reads them', async () => {
    const name = await brokenCopy(async (c) => {
      await c.query('ALTER TABLE persons ADD COLUMN secret_notes text');
      await c.query("UPDATE persons SET secret_notes = 'x'");
      await c.query('CREATE TABLE audit_trail (id bigint PRIMARY KEY)');
    });
    const db = await open(name);
    await expect(db.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
    expect(await db.inspectSchema()).toMatchObject({ ok: true, extraColumns: ['persons.secret_notes'], extraTables: ['audit_trail'] });
    const rows = await collect(db.stream('persons', { batchSize: 50 }));
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0] as Row)).toEqual(entity('persons').columns.map((c) => c.name));
  });

  it('reads of a database with a broken layout fail with the schema error, not a PostgreSQL error', async () => {
    const db = await open(await brokenCopy((c) => c.query('DROP TABLE files')));
    await expect(db.counts()).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
    await expect(collect(db.stream('persons'))).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
    await expect(db.countBy('persons', 'company_id')).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
  });
});

describe('counts, countBy, sizeBytes', () => {
  it('counts match the SQLite source and COUNT(*) on a plain connection', async () => {
    const db = await open(good);
    const counts = await db.counts();
    const raw = new Database(sqlitePath, { readonly: true });
    try {
      for (const e of ENTITIES) {
        const { n } = raw.prepare(`SELECT COUNT(*) AS n FROM "${e.name}"`).get() as { n: number };
        expect(counts[e.name], e.name).toBe(n);
        if (e.name !== 'spaces') expect(n, e.name).toBeGreaterThan(0);
      }
    } finally {
      raw.close();
    }
    const direct = await plain(good, (c) => c.query<{ n: string }>('SELECT COUNT(*) AS n FROM activities'));
    expect(counts.activities).toBe(Number(direct.rows[0]?.n));
    expect(Object.keys(counts).sort()).toEqual(ENTITIES.map((e) => e.name).sort());
  });

  it('countBy groups one column as on SQLite and refuses columns outside the schema', async () => {
    const db = await open(good);
    const counts = await db.counts();
    const bySubject = await db.countBy('activities', 'subject_type');
    expect(Object.keys(bySubject).sort()).toEqual(['companies', 'opportunities', 'persons', 'spaces']);
    expect(Object.values(bySubject).reduce((a, b) => a + b, 0)).toBe(counts.activities);
    const byCompany = await db.countBy('persons', 'company_id');
    expect(byCompany['null']).toBeGreaterThan(0); // NULL is counted under "null"
    const raw = new Database(sqlitePath, { readonly: true });
    try {
      const expected: Record<string, number> = {};
      for (const r of raw.prepare('SELECT company_id AS v, COUNT(*) AS n FROM persons GROUP BY 1').all() as { v: unknown; n: number }[]) expected[String(r.v)] = r.n;
      expect(byCompany).toEqual(expected);
    } finally {
      raw.close();
    }
    await expect(db.countBy('persons', 'id) FROM persons; --')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(db.countBy('nope' as never, 'id')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('sizeBytes is pg_database_size, as a number', async () => {
    const db = await open(good);
    const size = await db.sizeBytes();
    const direct = await plain('postgres', (c) => c.query<{ n: string }>('SELECT pg_database_size($1) AS n', [good]));
    expect(size).toBe(Number(direct.rows[0]?.n));
    expect(typeof size).toBe('number');
    expect(size).toBeGreaterThan(1024 * 1024);
  });
});

describe('stream', () => {
  it('returns every row in id order, whatever the batch size, equal to the SQLite rows', async () => {
    const db = await open(good);
    const raw = new Database(sqlitePath, { readonly: true });
    try {
      for (const e of ['activities', 'custom_field_values', 'files', 'opportunities', 'opportunity_lines', 'tasks'] as const) {
        const expected = raw.prepare(`SELECT * FROM "${e}" ORDER BY id`).all() as Row[];
        for (const batchSize of [1, 7, 1000, expected.length, expected.length + 1]) {
          if (batchSize < 1) continue;
          const rows = await collect(db.stream(e, { batchSize }));
          expect(rows.length, `${e} batch ${batchSize}`).toBe(expected.length);
          expect(rows).toEqual(expected);
        }
      }
    } finally {
      raw.close();
    }
  });

  it('pages exactly across batch boundaries (table size a multiple of the batch size)', async () => {
    const db = await open(good);
    const { persons } = await db.counts();
    const ids = (await collect(db.stream('persons', { batchSize: persons }))).map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: persons }, (_, i) => i + 1));
    const divisor = [5, 4, 3, 2, 1].find((d) => persons % d === 0) as number;
    const again = (await collect(db.stream('persons', { batchSize: persons / divisor }))).map((r) => r.id);
    expect(again).toEqual(ids);
  });

  it('resumes after an id', async () => {
    const db = await open(good);
    const all = (await collect(db.stream('activities'))).map((r) => r.id as number);
    const cut = all[Math.floor(all.length / 2)] as number;
    const rest = (await collect(db.stream('activities', { afterId: cut, batchSize: 13 }))).map((r) => r.id as number);
    expect(rest).toEqual(all.filter((id) => id > cut));
    expect(await collect(db.stream('activities', { afterId: all[all.length - 1] as number }))).toEqual([]);
  });

  it('an empty tenant database streams nothing and counts zero', async () => {
    const name = tp.name('empty');
    await admin.createTenantDatabase(name);
    const db = await open(name);
    await expect(db.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
    expect(await collect(db.stream('persons'))).toEqual([]);
    const counts = await db.counts();
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('stops between batches when the signal is aborted', async () => {
    const db = await open(good);
    const ac = new AbortController();
    let seen = 0;
    const run = async (): Promise<void> => {
      for await (const _ of db.stream('activities', { batchSize: 10, signal: ac.signal })) {
        seen++;
        if (seen === 3) ac.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(10); // the batch in hand is finished, the next one never read

    const pre = new AbortController();
    pre.abort();
    await expect(collect(db.stream('persons', { signal: pre.signal }))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a consumer may stop early without leaving a connection busy', async () => {
    const db = await PostgresTenantDatabase.open(server, good, record.id, { poolSize: 1 });
    opened.push(db);
    for await (const _ of db.stream('persons', { batchSize: 5 })) break;
    await expect(db.counts()).resolves.toBeTruthy();
  });

  it('refuses bad options and unknown lists', async () => {
    const db = await open(good);
    expect(() => db.stream('persons', { batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => db.stream('persons', { batchSize: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => db.stream('persons', { afterId: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => db.stream('pg_class' as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('openPostgresTenant', () => {
  const base = { id: 't-000006', dbEngine: 'postgres' as const };

  it('opens a catalogued tenant by its database name, read-only by default', async () => {
    const db = await openPostgresTenant(server, { ...base, dbLocation: good });
    opened.push(db);
    expect(db.tenantId).toBe('t-000006');
    await expect(db.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
  });

  it.each(['../escape', 'custos t', '', 'postgres', 'UPPER', 'x;drop'])('refuses the location %j', async (dbLocation) => {
    expect(() => openPostgresTenant(server, { ...base, dbLocation })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses a SQLite tenant', () => {
    expect(() => openPostgresTenant(server, { ...base, dbEngine: 'sqlite', dbLocation: 't-000006.sqlite' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('reports a catalogued tenant whose database is gone', async () => {
    await expect(openPostgresTenant(server, { ...base, dbLocation: tp.name('gone') })).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
  });
});
