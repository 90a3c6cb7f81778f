import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '../../control-plane/tenant-record';
import { generateTenant } from '../../demo';
import { ENTITIES, TENANT_SCHEMA_VERSION, entity } from '../../schema';
import type { CustosError } from '../../shared/errors';
import { LocalObjectStore } from '../object-store/local.object-store';
import { SqliteTenantDatabase, createTenantDatabaseFile, openSqliteTenant, tenantDatabasePath } from './sqlite.tenant-database';
import type { Row } from './tenant-database.port';

let root: string;
let tenantsDir: string;
let record: TenantRecord;
let goodPath: string;
const opened: SqliteTenantDatabase[] = [];

async function open(path: string, options: { readonly?: boolean } = {}): Promise<SqliteTenantDatabase> {
  const db = await SqliteTenantDatabase.open(path, record.id, options);
  opened.push(db);
  return db;
}

/** A copy of the generated database, changed by `mutate` through a plain connection. */
function brokenCopy(name: string, mutate: (db: Database.Database) => void): string {
  const p = join(root, `${name}.sqlite`);
  copyFileSync(goodPath, p);
  const raw = new Database(p);
  try {
    raw.pragma('foreign_keys = OFF');
    mutate(raw);
  } finally {
    raw.close();
  }
  return p;
}

async function schemaFailure(path: string): Promise<CustosError> {
  const db = await open(path);
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
  root = mkdtempSync(join(tmpdir(), 'custos-sqlite-test-'));
  tenantsDir = join(root, 'tenants');
  const store = new LocalObjectStore({ dir: join(root, 'objects') });
  try {
    record = await generateTenant({ tenantsDir, objectStore: store, index: 5, size: 'small', seed: 11, asOf: new Date('2026-01-31T00:00:00Z') });
  } finally {
    await store.close();
  }
  goodPath = join(tenantsDir, record.dbLocation);
});

afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('SqliteTenantDatabase.open', () => {
  it('refuses a missing file and never creates one', async () => {
    const p = join(root, 'nope.sqlite');
    await expect(SqliteTenantDatabase.open(p, 't-x')).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
    await expect(SqliteTenantDatabase.open(p, 't-x', { readonly: true })).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
    expect(existsSync(p)).toBe(false);
  });

  it('refuses a folder where the file should be', async () => {
    await expect(SqliteTenantDatabase.open(tenantsDir, 't-x')).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
  });

  it('refuses a file that is not a SQLite database', async () => {
    const p = join(root, 'garbage.sqlite');
    writeFileSync(p, Buffer.alloc(8192, 0x41));
    await expect(SqliteTenantDatabase.open(p, 't-x')).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
  });

  it('close is idempotent', async () => {
    const db = await SqliteTenantDatabase.open(goodPath, record.id, { readonly: true });
    await db.close();
    await db.close();
  });
});

describe('checkSchema', () => {
  it('passes on a generated database', async () => {
    const db = await open(goodPath, { readonly: true });
    await expect(db.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
    const report = db.inspectSchema();
    expect(report).toMatchObject({ ok: true, missingTables: [], missingColumns: [], extraColumns: [], extraTables: [] });
  });

  it('lists a dropped column', async () => {
    const p = brokenCopy('dropped-column', (raw) => raw.exec('ALTER TABLE persons DROP COLUMN job_title'));
    const err = await schemaFailure(p);
    expect(err.code).toBe('TENANT_SCHEMA_UNEXPECTED');
    expect(err.message).toContain('missing column persons.job_title');
    expect(err.hint).toBeTruthy();
    expect(err.details).toMatchObject({ missingTables: [], missingColumns: ['persons.job_title'], schemaVersion: TENANT_SCHEMA_VERSION });
  });

  it('lists an unknown schema version', async () => {
    const p = brokenCopy('wrong-version', (raw) => raw.exec("UPDATE schema_meta SET value = '7' WHERE key = 'schema_version'"));
    const err = await schemaFailure(p);
    expect(err.message).toContain(`schema version 7 is unknown (this console knows version ${TENANT_SCHEMA_VERSION})`);
    expect(err.hint).toMatch(/newer CRM version/);
    expect(err.details).toMatchObject({ missingTables: [], missingColumns: [], schemaVersion: 7, expectedSchemaVersion: TENANT_SCHEMA_VERSION });
  });

  it('lists a missing schema version row and a non-numeric version', async () => {
    const none = await schemaFailure(brokenCopy('no-version', (raw) => raw.exec('DELETE FROM schema_meta')));
    expect(none.message).toContain('no schema version recorded');
    const text = await schemaFailure(brokenCopy('text-version', (raw) => raw.exec("UPDATE schema_meta SET value = 'v1-beta'")));
    expect(text.message).toContain('schema version "v1-beta" is not a number');
  });

  it('lists missing tables, columns and version together', async () => {
    const p = brokenCopy('many', (raw) => {
      raw.exec('DROP TABLE files');
      raw.exec('DROP TABLE schema_meta');
      raw.exec('ALTER TABLE companies DROP COLUMN postcode');
      raw.exec('ALTER TABLE companies DROP COLUMN city');
    });
    const err = await schemaFailure(p);
    expect(err.details).toMatchObject({
      missingTables: ['files', 'schema_meta'],
      missingColumns: ['companies.city', 'companies.postcode'],
      schemaVersion: null,
    });
    expect(err.message).toContain('missing tables files, schema_meta');
    expect(err.message).toContain('missing columns companies.city, companies.postcode');
  });

  it('tolerates unknown extra columns and tables, reports them, and never reads them', async () => {
    const p = brokenCopy('extra', (raw) => {
      raw.exec('ALTER TABLE persons ADD COLUMN secret_notes TEXT');
      raw.exec("UPDATE persons SET secret_notes = 'x'");
      raw.exec('CREATE TABLE audit_trail (id INTEGER PRIMARY KEY)');
    });
    const db = await open(p, { readonly: true });
    await expect(db.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
    expect(db.inspectSchema()).toMatchObject({ ok: true, extraColumns: ['persons.secret_notes'], extraTables: ['audit_trail'] });
    const rows = await collect(db.stream('persons', { batchSize: 50 }));
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0] as Row)).toEqual(entity('persons').columns.map((c) => c.name));
  });

  it('reads of a database with a broken layout fail with the schema error, not a SQLite error', async () => {
    const p = brokenCopy('no-files', (raw) => raw.exec('DROP TABLE files'));
    const db = await open(p, { readonly: true });
    await expect(db.counts()).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
    await expect(collect(db.stream('persons'))).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
    await expect(db.countBy('persons', 'company_id')).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
  });
});

describe('counts, countBy, sizeBytes', () => {
  it('counts match COUNT(*) on a plain connection', async () => {
    const db = await open(goodPath, { readonly: true });
    const counts = await db.counts();
    const raw = new Database(goodPath, { readonly: true });
    try {
      for (const e of ENTITIES) {
        const { n } = raw.prepare(`SELECT COUNT(*) AS n FROM "${e.name}"`).get() as { n: number };
        expect(counts[e.name], e.name).toBe(n);
        if (e.name !== 'spaces') expect(n, e.name).toBeGreaterThan(0);
      }
    } finally {
      raw.close();
    }
    expect(Object.keys(counts).sort()).toEqual(ENTITIES.map((e) => e.name).sort());
  });

  it('countBy groups one column and refuses columns outside the schema', async () => {
    const db = await open(goodPath, { readonly: true });
    const counts = await db.counts();
    const bySubject = await db.countBy('activities', 'subject_type');
    expect(Object.keys(bySubject).sort()).toEqual(['companies', 'opportunities', 'persons', 'spaces']);
    expect(Object.values(bySubject).reduce((a, b) => a + b, 0)).toBe(counts.activities);
    const byCompany = await db.countBy('persons', 'company_id');
    expect(byCompany['null']).toBeGreaterThan(0); // NULL is counted under "null"
    await expect(db.countBy('persons', 'id) FROM persons; --')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(db.countBy('nope' as never, 'id')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('sizeBytes is page_count × page_size, the file size when closed cleanly', async () => {
    const db = await open(goodPath, { readonly: true });
    const size = await db.sizeBytes();
    expect(size).toBe(statSync(goodPath).size);
    expect(size % 4096).toBe(0);
    expect(size).toBe(record.dbSizeBytes);
  });
});

describe('stream', () => {
  it('returns every row in id order, whatever the batch size, with the schema columns only', async () => {
    const db = await open(goodPath, { readonly: true });
    const raw = new Database(goodPath, { readonly: true });
    try {
      for (const e of ['activities', 'custom_field_values', 'files'] as const) {
        const expected = raw.prepare(`SELECT * FROM "${e}" ORDER BY id`).all() as Row[];
        for (const batchSize of [1, 7, 1000, expected.length, expected.length + 1]) {
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
    const db = await open(goodPath, { readonly: true });
    const { persons } = await db.counts();
    const ids = (await collect(db.stream('persons', { batchSize: persons }))).map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: persons }, (_, i) => i + 1));
    // A divisor of the count: the last query returns nothing and ends the stream.
    const divisor = [5, 4, 3, 2, 1].find((d) => persons % d === 0) as number;
    const again = (await collect(db.stream('persons', { batchSize: persons / divisor }))).map((r) => r.id);
    expect(again).toEqual(ids);
  });

  it('resumes after an id', async () => {
    const db = await open(goodPath, { readonly: true });
    const all = (await collect(db.stream('activities'))).map((r) => r.id as number);
    const cut = all[Math.floor(all.length / 2)] as number;
    const rest = (await collect(db.stream('activities', { afterId: cut, batchSize: 13 }))).map((r) => r.id as number);
    expect(rest).toEqual(all.filter((id) => id > cut));
    expect(await collect(db.stream('activities', { afterId: all[all.length - 1] as number }))).toEqual([]);
  });

  it('an empty list streams nothing', async () => {
    const p = join(root, 'empty.sqlite');
    createTenantDatabaseFile(p).close();
    const db = await open(p, { readonly: true });
    expect(await collect(db.stream('persons'))).toEqual([]);
    const counts = await db.counts();
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('stops between batches when the signal is aborted', async () => {
    const db = await open(goodPath, { readonly: true });
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

  it('a consumer may stop early without leaving the connection busy', async () => {
    const db = await open(goodPath, { readonly: true });
    for await (const _ of db.stream('persons', { batchSize: 5 })) break;
    await expect(db.counts()).resolves.toBeTruthy();
  });

  it('refuses bad options and unknown lists', async () => {
    const db = await open(goodPath, { readonly: true });
    expect(() => db.stream('persons', { batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => db.stream('persons', { batchSize: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => db.stream('persons', { afterId: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => db.stream('sqlite_master' as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('createTenantDatabaseFile', () => {
  it('creates the schema in journal mode DELETE and leaves one file behind', () => {
    const dir = mkdtempSync(join(root, 'create-'));
    const p = join(dir, 't.sqlite');
    const db = createTenantDatabaseFile(p);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
    expect(readdirSync(dir)).toEqual(['t.sqlite']);
    expect(() => createTenantDatabaseFile(p)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('two empty databases are byte-identical', () => {
    const a = join(root, 'same-a.sqlite');
    const b = join(root, 'same-b.sqlite');
    createTenantDatabaseFile(a).close();
    createTenantDatabaseFile(b).close();
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });
});

describe('openSqliteTenant', () => {
  const base = { id: 't-000006', dbEngine: 'sqlite' as const };

  it('opens a catalogued tenant inside the tenants folder, read-only by default', async () => {
    const db = await openSqliteTenant(tenantsDir, record);
    opened.push(db);
    expect(db.tenantId).toBe(record.id);
    await expect(db.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
  });

  it.each(['../escape.sqlite', '/etc/passwd', 'sub/t.sqlite', '..\\t.sqlite', '..', '.', '', 'a\u0000b'])('refuses the location %j', (dbLocation) => {
    expect(() => tenantDatabasePath(tenantsDir, { ...base, dbLocation })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses a PostgreSQL tenant', () => {
    expect(() => tenantDatabasePath(tenantsDir, { ...base, dbEngine: 'postgres', dbLocation: 'x' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('reports a catalogued tenant whose file is gone', async () => {
    await expect(openSqliteTenant(tenantsDir, { ...base, dbLocation: 'gone.sqlite' })).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
    expect(existsSync(join(tenantsDir, 'gone.sqlite'))).toBe(false);
  });
});
