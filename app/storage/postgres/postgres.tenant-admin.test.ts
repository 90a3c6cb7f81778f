import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '../../control-plane/tenant-record';
import { generateTenant } from '../../demo';
import { ENTITY_ORDER, TENANT_SCHEMA_VERSION, entity, type EntityName } from '../../schema';
import type { ProgressReport } from '../../shared/progress';
import { startTestPostgres, type TestPostgres } from '../../testing/postgres';
import { LocalObjectStore } from '../object-store/local.object-store';
import { SqliteTenantDatabase, createTenantDatabaseFile } from '../sqlite/sqlite.tenant-database';
import { PostgresTenantAdmin } from './postgres.tenant-admin';
import { pgTenantDdl } from './postgres.ddl';

let root: string;
let tp: TestPostgres;
let admin: PostgresTenantAdmin;
let hostile: TenantRecord; // index 0: NULs, control characters, emoji, a 40,000-character note…
let integrity: TenantRecord; // index 1: dangling references (a deleted company)
const pathOf = (r: TenantRecord): string => join(root, 'tenants', r.dbLocation);
let files = 0;
const newFile = (): string => join(root, `out-${++files}.sqlite`);

async function plain<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: tp.urlFor(database) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Every row of a table with each value's SQLite storage class, integers exact (BigInt). */
function tableRows(path: string, table: EntityName | 'schema_meta'): unknown[][] {
  const db = new Database(path, { readonly: true });
  try {
    const cols = table === 'schema_meta' ? ['key', 'value'] : entity(table).columns.map((c) => c.name);
    const order = table === 'schema_meta' ? 'key' : 'id';
    const sql = `SELECT ${cols.map((c) => `"${c}", typeof("${c}")`).join(', ')} FROM "${table}" ORDER BY ${order}`;
    return db.prepare(sql).raw(true).safeIntegers(true).all() as unknown[][];
  } finally {
    db.close();
  }
}

function expectSameRows(actualPath: string, expectedPath: string, mapExpected: (v: unknown) => unknown = (v) => v): void {
  for (const t of [...ENTITY_ORDER, 'schema_meta'] as const) {
    const expected = tableRows(expectedPath, t).map((r) => r.map(mapExpected));
    const actual = tableRows(actualPath, t);
    expect(actual.length, t).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(actual[i], `${t} row ${i + 1}`).toEqual(expected[i]);
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'custos-pg-admin-test-'));
  const store = new LocalObjectStore({ dir: join(root, 'objects') });
  try {
    const common = { tenantsDir: join(root, 'tenants'), objectStore: store, size: 'small' as const, seed: 11, asOf: new Date('2026-01-31T00:00:00Z') };
    hostile = await generateTenant({ ...common, index: 0 });
    integrity = await generateTenant({ ...common, index: 1 });
  } finally {
    await store.close();
  }
  tp = await startTestPostgres();
  admin = await PostgresTenantAdmin.open({ url: tp.serverUrl });
});

afterAll(async () => {
  await admin?.close();
  await tp?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('create, exists, drop', () => {
  it('creates an empty tenant database with the schema, refuses to create it twice, drops it and checks it is gone', async () => {
    const name = tp.name('create');
    expect(await admin.databaseExists(name)).toBe(false);
    await admin.createTenantDatabase(name);
    expect(await admin.databaseExists(name)).toBe(true);
    const db = await admin.openTenant(name, 't-x');
    try {
      await expect(db.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
    } finally {
      await db.close();
    }
    const collation = await plain('postgres', (c) => c.query<{ datcollate: string }>('SELECT datcollate FROM pg_database WHERE datname = $1', [name]));
    expect(collation.rows[0]?.datcollate).toBe('C');
    await expect(admin.createTenantDatabase(name)).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    // A session still connected does not stop the drop (deletion must not wait on a forgotten console).
    const open = await admin.openTenant(name, 't-x');
    await open.counts();
    await expect(admin.dropTenantDatabase(name)).resolves.toEqual({ existed: true });
    expect(await admin.databaseExists(name)).toBe(false);
    await open.close();
    // Idempotent: a deletion resumed after a crash.
    await expect(admin.dropTenantDatabase(name)).resolves.toEqual({ existed: false });
  });

  it('never touches the maintenance database or a name that is not a tenant database name', async () => {
    await expect(admin.dropTenantDatabase('postgres')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(admin.dropTenantDatabase('template1')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(admin.createTenantDatabase('x"; DROP DATABASE postgres; --')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(admin.databaseExists('Bad')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(admin.renameDatabase('postgres', tp.name('p'))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('the DDL has no foreign keys (dangling references are data) and bigint ids', () => {
    const ddl = pgTenantDdl().join('\n');
    expect(ddl).not.toMatch(/REFERENCES|FOREIGN KEY/i);
    expect(ddl).toContain('"id" bigint NOT NULL');
    expect(ddl).toContain('"active" integer NOT NULL');
    expect(ddl).toContain('"amount" text');
  });
});

describe('renameDatabase (the swap of a live restore)', () => {
  it('renames while other sessions are connected, and the new name accepts connections', async () => {
    const a = tp.name('rename_a');
    const b = tp.name('rename_b');
    await admin.createTenantDatabase(a);
    const busy = await admin.openTenant(a, 't-x');
    await busy.counts(); // holds an idle connection to `a`
    await admin.renameDatabase(a, b);
    expect(await admin.databaseExists(a)).toBe(false);
    expect(await admin.databaseExists(b)).toBe(true);
    await busy.close();
    const again = await admin.openTenant(b, 't-x');
    try {
      await expect(again.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
    } finally {
      await again.close();
    }
    const allow = await plain('postgres', (c) => c.query<{ datallowconn: boolean }>('SELECT datallowconn FROM pg_database WHERE datname = $1', [b]));
    expect(allow.rows[0]?.datallowconn).toBe(true);
  });

  it('swaps live → kept and restored → live in one transaction; a failed swap keeps every name', async () => {
    const live = tp.name('swap_live');
    const staged = tp.name('swap_staged');
    const kept = tp.name('swap_kept');
    await admin.createTenantDatabase(live);
    await admin.createTenantDatabase(staged);
    await plain(staged, (c) => c.query("INSERT INTO schema_meta (key, value) VALUES ('marker', 'restored')"));
    const busy = await admin.openTenant(live, 't-x');
    await busy.counts();
    await admin.renameDatabases([
      [live, kept],
      [staged, live],
    ]);
    await busy.close();
    const marker = await plain(live, (c) => c.query<{ value: string }>("SELECT value FROM schema_meta WHERE key = 'marker'"));
    expect(marker.rows).toEqual([{ value: 'restored' }]);
    expect(await admin.databaseExists(kept)).toBe(true);
    expect(await admin.databaseExists(staged)).toBe(false);

    // The second rename's target is taken: refused before anything moves.
    const other = tp.name('swap_other');
    await admin.createTenantDatabase(other);
    await expect(admin.renameDatabases([[live, staged], [kept, other]])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    for (const n of [live, kept, other]) expect(await admin.databaseExists(n)).toBe(true);
    // Someone takes the second target between the check and the transaction (simulated by hiding it from the
    // check): the server refuses the second rename, and the first is rolled back with it.
    const racer = tp.name('swap_racer');
    const realExists = admin.databaseExists.bind(admin);
    admin.databaseExists = async (name: string) => (name === racer ? false : realExists(name));
    try {
      await admin.createTenantDatabase(racer);
      await expect(admin.renameDatabases([[live, staged], [kept, racer]])).rejects.toThrow();
    } finally {
      admin.databaseExists = realExists;
    }
    for (const n of [live, kept, racer]) expect(await admin.databaseExists(n)).toBe(true);
    expect(await admin.databaseExists(staged)).toBe(false);
    const allow = await plain('postgres', (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM pg_database WHERE datname = ANY($1) AND NOT datallowconn', [[live, kept, racer]]));
    expect(allow.rows[0]?.n).toBe('0');
  });

  it('refuses to overwrite, to rename a missing database, or to rename onto itself', async () => {
    const a = tp.name('rename_c');
    const b = tp.name('rename_d');
    await admin.createTenantDatabase(a);
    await admin.createTenantDatabase(b);
    await expect(admin.renameDatabase(a, b)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(admin.renameDatabase(a, a)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(admin.renameDatabase(tp.name('missing'), tp.name('x'))).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
    expect(await admin.databaseExists(a)).toBe(true);
    expect(await admin.databaseExists(b)).toBe(true);
  });
});

describe('loadFromSqlite → dumpToSqlite round trip', () => {
  it('carries every row of every table exactly, dangling references included', async () => {
    const name = tp.name('integrity');
    const loaded = await admin.loadFromSqlite(pathOf(integrity), name, { tenantId: integrity.id });
    const counts = await (async () => {
      const s = await SqliteTenantDatabase.open(pathOf(integrity), integrity.id, { readonly: true });
      try {
        return await s.counts();
      } finally {
        await s.close();
      }
    })();
    for (const e of ENTITY_ORDER) expect(loaded.rows[e], e).toBe(counts[e]);
    expect(loaded.rows.schema_meta).toBe(1);
    expect(loaded.nulReplaced).toBe(0);

    const out = newFile();
    const progress: ProgressReport[] = [];
    const dumped = await admin.dumpToSqlite(name, out, { tenantId: integrity.id, progress: (p) => progress.push(p) });
    expect(dumped.totalRows).toBe(loaded.totalRows);
    expect(progress.at(-1)).toMatchObject({ phase: 'snapshot', done: loaded.totalRows, total: loaded.totalRows });
    expectSameRows(out, pathOf(integrity));

    // The snapshot is a proper tenant database: same schema, one file, nothing left beside it.
    const snap = await SqliteTenantDatabase.open(out, integrity.id, { readonly: true });
    try {
      await expect(snap.checkSchema()).resolves.toEqual({ schemaVersion: TENANT_SCHEMA_VERSION });
      expect(snap.inspectSchema()).toMatchObject({ extraColumns: [], extraTables: [] });
    } finally {
      await snap.close();
    }
    expect(readdirSync(root).filter((f) => f.startsWith('out-') && f !== out.split('/').pop())).toEqual([]);
    const raw = new Database(out, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
      // The trap of the integrity tenant survived: persons pointing at a deleted company.
      const dangling = raw.prepare('SELECT COUNT(*) AS n FROM persons p WHERE company_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM companies c WHERE c.id = p.company_id)').get() as { n: number };
      expect(dangling.n).toBeGreaterThan(0);
    } finally {
      raw.close();
    }
  });

  it('refuses NUL characters by default, naming where, and leaves no database behind', async () => {
    const name = tp.name('hostile_refused');
    const err = await admin.loadFromSqlite(pathOf(hostile), name).then(
      () => null,
      (e: unknown) => e as { code: string; message: string; details: Record<string, unknown> },
    );
    expect(err?.code).toBe('INVALID_INPUT');
    expect(err?.message).toMatch(/NUL character/);
    expect(err?.details).toMatchObject({ table: expect.any(String), column: expect.any(String) });
    expect(await admin.databaseExists(name)).toBe(false);
  });

  it('with NUL replacement, carries the hostile tenant exactly except U+0000 → U+FFFD', async () => {
    const name = tp.name('hostile');
    const loaded = await admin.loadFromSqlite(pathOf(hostile), name, { nul: 'replace' });
    expect(loaded.nulReplaced).toBeGreaterThanOrEqual(2);
    const out = newFile();
    await admin.dumpToSqlite(name, out);
    expectSameRows(out, pathOf(hostile), (v) => (typeof v === 'string' ? v.replaceAll('\u0000', '\uFFFD') : v));
  });

  it('keeps 64-bit integers and every escape-worthy character exact', async () => {
    const src = newFile();
    const db = createTenantDatabaseFile(src);
    const big = 2n ** 62n + 7n;
    const text = 'tab\there\nnew\r\nline \\N \\. back\\slash \u0001\u007f 📎 Zoë';
    try {
      db.prepare("INSERT INTO colleagues (id, first_name, last_name, email, role, active, created_at, updated_at) VALUES (?, ?, '', '\\N', 'owner', 1, 'x', 'y')").run(big, text);
      db.prepare("INSERT INTO colleagues (id, first_name, last_name, email, role, active, created_at, updated_at) VALUES (-9223372036854775808, '', '', '', 'member', 0, '', '')").run();
      db.prepare("INSERT INTO files (id, owner_type, owner_id, name, mime, size, sha256, object_key, uploaded_by_colleague_id, created_at, updated_at) VALUES (1, 'persons', 9007199254740993, 'n', 'm', 9223372036854775807, 's', 'k', NULL, 'c', 'u')").run();
    } finally {
      db.close();
    }
    const name = tp.name('bigint');
    await admin.loadFromSqlite(src, name);
    const out = newFile();
    await admin.dumpToSqlite(name, out);
    expectSameRows(out, src);
    expect(tableRows(out, 'files')[0]?.[4]).toBe(9007199254740993n); // owner_id
  });

  it('refuses a value of the wrong kind with its table, column and row', async () => {
    const src = newFile();
    copyFileSync(pathOf(integrity), src);
    const raw = new Database(src);
    try {
      raw.prepare("UPDATE tasks SET done = 'yes' WHERE id = 3").run();
    } finally {
      raw.close();
    }
    const name = tp.name('wrong_kind');
    await expect(admin.loadFromSqlite(src, name)).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { table: 'tasks', column: 'done', id: '3' } });
    expect(await admin.databaseExists(name)).toBe(false);
  });

  it('refuses a SQLite file with an unexpected layout before creating anything', async () => {
    const src = newFile();
    copyFileSync(pathOf(integrity), src);
    const raw = new Database(src);
    try {
      raw.exec('ALTER TABLE persons DROP COLUMN job_title');
    } finally {
      raw.close();
    }
    const name = tp.name('bad_layout');
    await expect(admin.loadFromSqlite(src, name)).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
    expect(await admin.databaseExists(name)).toBe(false);
    await expect(admin.loadFromSqlite(join(root, 'nothing.sqlite'), name)).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
  });

  it('never loads into an existing database', async () => {
    const name = tp.name('existing');
    await admin.createTenantDatabase(name);
    await expect(admin.loadFromSqlite(pathOf(integrity), name)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await admin.databaseExists(name)).toBe(true); // untouched, not dropped by the failed load
  });

  it('an aborted load drops the half-made database', async () => {
    const name = tp.name('aborted_load');
    const ac = new AbortController();
    const run = admin.loadFromSqlite(pathOf(integrity), name, {
      signal: ac.signal,
      progress: (p) => {
        if (p.item === 'persons') ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(await admin.databaseExists(name)).toBe(false);
  });
});

describe('dumpToSqlite', () => {
  let name: string;
  beforeAll(async () => {
    name = tp.name('dump_src');
    await admin.loadFromSqlite(pathOf(integrity), name);
  });

  it('takes every table from one instant, even while the CRM writes', async () => {
    const before = tableRows(pathOf(integrity), 'custom_field_values').length;
    let write: Promise<unknown> | null = null;
    const out = newFile();
    await admin.dumpToSqlite(name, out, {
      progress: (p) => {
        // After the first table, a row lands in the last one.
        if (p.item === 'companies' && write === null) {
          write = plain(name, (c) => c.query("INSERT INTO custom_field_values (id, field_id, record_id, value, created_at, updated_at) VALUES (999999, 1, 1, 'late', 'x', 'y')"));
        }
      },
    });
    await write;
    expect(write).not.toBeNull();
    expect(tableRows(out, 'custom_field_values').length).toBe(before);
    await plain(name, (c) => c.query('DELETE FROM custom_field_values WHERE id = 999999'));
  });

  it('never overwrites a file, and leaves neither file nor .partial when aborted', async () => {
    const existing = newFile();
    writeFileSync(existing, 'keep me');
    await expect(admin.dumpToSqlite(name, existing)).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    const out = newFile();
    const ac = new AbortController();
    await expect(
      admin.dumpToSqlite(name, out, {
        signal: ac.signal,
        progress: (p) => {
          if (p.item === 'persons') ac.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    // The server is not left with a stuck session on the database.
    const sessions = await plain('postgres', (c) => c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]));
    expect(sessions.rows.length).toBe(0);
  });

  it('refuses a missing database and a damaged one, leaving no file', async () => {
    const out = newFile();
    await expect(admin.dumpToSqlite(tp.name('no_such'), out)).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
    const broken = tp.name('dump_broken');
    await admin.createTenantDatabase(broken);
    await plain(broken, (c) => c.query('DROP TABLE files'));
    await expect(admin.dumpToSqlite(broken, out)).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
