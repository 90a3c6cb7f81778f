/**
 * Selective restore into a PostgreSQL tenant (issue 8): the same scenario as
 * selective.test.ts, planned against a dump of live as the console does and applied
 * in one transaction on the live database. The rows come back byte for byte; every
 * re-check (conflict, parent deleted, fingerprint, failure, cancel) leaves live as it
 * was.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EntityName } from '../schema';
import { PostgresTenantAdmin } from '../storage/postgres';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import { dump, liveDay, seedTenant, type Dump } from './selective.fixture';
import { planSelection, type RecordRef } from './selective';
import { applySelectionPostgres } from './selective.postgres';

const TENANT = 't-000007';
let pgt: TestPostgres;
let admin: PostgresTenantAdmin;
let dir: string;
let snapshotPath: string;
let database: string;
let n = 0;

beforeAll(async () => {
  pgt = await startTestPostgres();
  admin = await PostgresTenantAdmin.open({ url: pgt.serverUrl });
}, 30_000);
afterAll(async () => {
  await admin?.close();
  await pgt?.close();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custos-selective-pg-'));
  snapshotPath = join(dir, 'snapshot.sqlite');
  seedTenant(snapshotPath);
  const liveFile = join(dir, 'live-seed.sqlite');
  copyFileSync(snapshotPath, liveFile);
  liveDay(liveFile);
  database = pgt.name(`sel${++n}`);
  await admin.loadFromSqlite(liveFile, database, { tenantId: TENANT });
});
afterEach(async () => {
  await admin.dropTenantDatabase(database);
  rmSync(dir, { recursive: true, force: true });
});

/** Live as a SQLite file (a dump of one instant), as the console plans and compares. */
async function liveDump(): Promise<string> {
  const file = join(dir, `live-${Math.random().toString(36).slice(2)}.sqlite`);
  await admin.dumpToSqlite(database, file, { tenantId: TENANT });
  return file;
}
async function liveRows(): Promise<Dump> {
  return dump(await liveDump());
}
async function sql(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgt.urlFor(database) });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}
const plan = async (selection: RecordRef[]) => planSelection({ snapshotPath, livePath: await liveDump(), selection });
const apply = (p: Awaited<ReturnType<typeof plan>>, signal?: AbortSignal) =>
  applySelectionPostgres({ snapshotPath, admin, database, tenantId: TENANT, plan: p, ...(signal ? { signal } : {}) });

describe('selective restore into PostgreSQL', () => {
  it('brings back a deleted opportunity with exactly its children, byte for byte, and changes nothing else', async () => {
    const before = await liveRows();
    const p = await plan([{ entity: 'opportunities', id: 2 }]);
    expect(p.insert).toEqual({ opportunities: [2], tasks: [1, 2], activities: [1, 2], opportunity_lines: [1, 2], files: [1], custom_field_values: [1, 2] });
    expect(await apply(p)).toEqual({ inserted: { opportunities: 1, tasks: 2, activities: 2, opportunity_lines: 2, files: 1, custom_field_values: 2 }, total: 10 });

    const snap = dump(snapshotPath);
    const after = await liveRows();
    for (const [t, rows] of Object.entries(before)) {
      const expected = new Map(rows);
      for (const id of p.insert[t as EntityName] ?? []) expected.set(String(id), snap[t]!.get(String(id))!);
      expect([...after[t]!].sort(), t).toEqual([...expected].sort());
    }
  });

  it('brings back a deleted parent with the person that needs it', async () => {
    const p = await plan([{ entity: 'persons', id: 3 }]);
    expect(p.insert).toEqual({ companies: [3], persons: [3], tasks: [5], activities: [7] });
    expect((await apply(p)).total).toBe(4);
    const after = await liveRows();
    expect(after.companies!.has('3')).toBe(true);
    expect(after.activities!.has('6')).toBe(false); // company 3's other child was not asked for
  });

  it('refuses, changing nothing, when a planned id was created in live since the preview', async () => {
    const p = await plan([{ entity: 'opportunities', id: 2 }]);
    await sql("INSERT INTO tasks (id, title, done, created_at, updated_at) VALUES (2, 'Created meanwhile', 0, '2025-06-03T00:00:00.000Z', '2025-06-03T00:00:00.000Z')");
    const before = await liveRows();
    await expect(apply(p)).rejects.toMatchObject({ code: 'RESTORE_REFUSED', hint: 'Preview the selection again', details: { conflicts: [{ entity: 'tasks', id: 2 }] } });
    expect(await liveRows()).toEqual(before);
  });

  it('refuses, changing nothing, when a parent was deleted from live since the preview', async () => {
    const p = await plan([{ entity: 'opportunities', id: 2 }]);
    await sql('DELETE FROM spaces WHERE id = 1');
    const before = await liveRows();
    await expect(apply(p)).rejects.toMatchObject({ code: 'RESTORE_REFUSED', message: expect.stringContaining('spaces 1'), details: { refusals: [{ entity: 'opportunities', id: 2 }] } });
    expect(await liveRows()).toEqual(before);
  });

  it('refuses a plan whose rows or insert set no longer match the approved fingerprint', async () => {
    const p = await plan([{ entity: 'opportunities', id: 2 }]);
    const before = await liveRows();
    await expect(apply({ ...p, insert: { ...p.insert, tasks: [1] } })).rejects.toMatchObject({ code: 'RESTORE_REFUSED' });
    await expect(apply({ ...p, fingerprint: '0'.repeat(64) })).rejects.toMatchObject({ code: 'RESTORE_REFUSED' });
    expect(await liveRows()).toEqual(before);
  });

  it('rolls back every insert when a later table fails inside PostgreSQL or the job is cancelled', async () => {
    const p = await plan([{ entity: 'opportunities', id: 2 }]);
    const before = await liveRows();
    await sql(`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$;
      CREATE TRIGGER boom BEFORE INSERT ON custom_field_values FOR EACH ROW EXECUTE FUNCTION boom();`);
    await expect(apply(p)).rejects.toThrow(/boom/);
    expect(await liveRows()).toEqual(before);
    await sql('DROP TRIGGER boom ON custom_field_values');

    // Cancelled after opportunities and tasks went in (the check before each table).
    let checks = 0;
    const signal = {
      get aborted() {
        return ++checks > 2;
      },
    } as unknown as AbortSignal;
    await expect(apply(p, signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(await liveRows()).toEqual(before);
  });
});
