import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestTenantDb } from '../backups/tenant-db.fixture';
import { entity, tenantDdl, type EntityName } from '../schema';
import { applySelection, planSelection, MAX_SELECTION, type RecordRef } from './selective';

/*
 * A small realistic tenant is written, copied as yesterday's snapshot, and then "today"
 * happens to live: opportunity 2 is deleted with everything hanging off it, person 3 and
 * its company 3 are deleted, a few unrelated rows are deleted (some share ids with the
 * opportunity's children under another type), and other rows are created and modified.
 */

const T0 = '2025-06-01T09:00:00.000Z';

function insertRow(db: Database.Database, e: EntityName, row: Record<string, unknown>): void {
  const cols = entity(e).columns.map((c) => c.name);
  const full = { created_at: T0, updated_at: T0, ...row };
  db.prepare(`INSERT INTO "${e}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
    ...cols.map((c) => (c in full ? full[c as keyof typeof full] : null)),
  );
}

function seedTenant(path: string): void {
  const db = new Database(path);
  for (const s of tenantDdl()) db.exec(s);
  const ins = (e: EntityName, rows: Record<string, unknown>[]) => rows.forEach((r) => insertRow(db, e, r));
  db.transaction(() => {
    ins('colleagues', [1, 2, 3].map((id) => ({ id, first_name: `Col${id}`, last_name: 'Smith', email: `c${id}@t.example`, role: 'member', active: 1 })));
    ins('companies', [
      { id: 1, name: 'Acme', industry: 'Tools', owner_colleague_id: 1 },
      { id: 2, name: 'Globex', city: 'Berlin', owner_colleague_id: 2 },
      { id: 3, name: 'Initech', country: 'DE', owner_colleague_id: 1 },
    ]);
    ins('persons', [
      { id: 1, first_name: 'Ann', last_name: 'Lee', company_id: 1, owner_colleague_id: 1 },
      { id: 2, first_name: 'Bob', last_name: 'Ray', company_id: 2, owner_colleague_id: 2 },
      { id: 3, first_name: 'Cy', last_name: 'Orr', email: 'cy@initech.example', company_id: 3, owner_colleague_id: 3 },
      { id: 4, first_name: 'Di', last_name: 'Fox', company_id: 2 },
    ]);
    ins('spaces', [
      { id: 1, name: 'Enterprise', owner_colleague_id: 1 },
      { id: 2, name: 'SMB', description: 'Small deals' },
    ]);
    ins('opportunities', [
      { id: 1, title: 'Acme tools renewal', company_id: 1, person_id: 1, space_id: 1, owner_colleague_id: 1, stage: 'proposal', amount: '1200.00', currency: 'EUR', probability: 40 },
      { id: 2, title: 'Acme rollout', company_id: 1, person_id: 1, space_id: 1, owner_colleague_id: 2, stage: 'negotiation', amount: '98000.50', currency: 'EUR', probability: 70, expected_close_on: '2025-07-31' },
      { id: 3, title: 'Globex pilot', company_id: 2, person_id: 2, space_id: 2, stage: 'lead' },
    ]);
    ins('tasks', [
      { id: 1, title: 'Send contract', done: 0, assignee_colleague_id: 2, opportunity_id: 2, due_at: '2025-06-10T12:00:00.000Z' },
      { id: 2, title: 'Call procurement', done: 1, person_id: 1, opportunity_id: 2 },
      { id: 3, title: 'Renewal call', done: 0, opportunity_id: 1 },
      { id: 4, title: 'Intro Bob', done: 0, person_id: 2 },
      { id: 5, title: 'Visit Initech', done: 0, company_id: 3, person_id: 3 },
    ]);
    ins('activities', [
      { id: 1, subject_type: 'opportunities', subject_id: 2, kind: 'meeting', occurred_at: '2025-05-20T10:00:00.000Z', colleague_id: 2, subject: 'Kick-off', body: 'Line one\nline two — ümlaut' },
      { id: 2, subject_type: 'opportunities', subject_id: 2, kind: 'call', occurred_at: '2025-05-22T10:00:00.000Z', subject: 'Pricing' },
      { id: 3, subject_type: 'opportunities', subject_id: 1, kind: 'email', occurred_at: '2025-05-23T10:00:00.000Z', subject: 'Renewal' },
      // Same subject id 2, other types: must never come along with opportunity 2.
      { id: 4, subject_type: 'persons', subject_id: 2, kind: 'note', occurred_at: '2025-05-24T10:00:00.000Z', subject: 'Bob note' },
      { id: 5, subject_type: 'companies', subject_id: 2, kind: 'note', occurred_at: '2025-05-25T10:00:00.000Z', subject: 'Globex note' },
      { id: 6, subject_type: 'companies', subject_id: 3, kind: 'call', occurred_at: '2025-05-26T10:00:00.000Z', subject: 'Initech call' },
      { id: 7, subject_type: 'persons', subject_id: 3, kind: 'meeting', occurred_at: '2025-05-27T10:00:00.000Z', subject: 'Met Cy' },
      // An orphan left behind by an old bug: person 77 exists nowhere.
      { id: 8, subject_type: 'persons', subject_id: 77, kind: 'note', occurred_at: '2025-05-28T10:00:00.000Z', subject: 'Orphan' },
    ]);
    ins('opportunity_lines', [
      { id: 1, opportunity_id: 2, kind: 'income', description: 'Licences', quantity: '100', unit_price: '950.00', amount: '95000.00', currency: 'EUR', booked_on: '2025-06-01' },
      { id: 2, opportunity_id: 2, kind: 'expense', description: 'Travel', quantity: '1', unit_price: '-3000.50', amount: '-3000.50', currency: 'EUR', booked_on: '2025-06-02' },
      { id: 3, opportunity_id: 1, kind: 'income', description: 'Renewal', quantity: '1', unit_price: '1200.00', amount: '1200.00', currency: 'EUR', booked_on: '2025-06-03' },
    ]);
    ins('files', [
      { id: 1, owner_type: 'opportunities', owner_id: 2, name: 'offer.pdf', mime: 'application/pdf', size: 1234, sha256: 'a'.repeat(64), object_key: 'f/1', uploaded_by_colleague_id: 2 },
      { id: 2, owner_type: 'persons', owner_id: 2, name: 'cv.pdf', mime: 'application/pdf', size: 99, sha256: 'b'.repeat(64), object_key: 'f/2' },
      { id: 3, owner_type: 'opportunities', owner_id: 1, name: 'quote.xlsx', mime: 'application/vnd.ms-excel', size: 5, sha256: 'c'.repeat(64), object_key: 'f/3' },
    ]);
    ins('custom_field_definitions', [
      { id: 1, entity: 'opportunities', key: 'source', label: 'Source', field_type: 'select', options: '["web","fair"]', position: 1 },
      { id: 2, entity: 'opportunities', key: 'region', label: 'Region', field_type: 'text', position: 2 },
      { id: 3, entity: 'companies', key: 'tier', label: 'Tier', field_type: 'text', position: 1 },
    ]);
    ins('custom_field_values', [
      { id: 1, field_id: 1, record_id: 2, value: 'fair' },
      { id: 2, field_id: 2, record_id: 2, value: 'DACH' },
      { id: 3, field_id: 1, record_id: 1, value: 'web' },
      { id: 4, field_id: 3, record_id: 2, value: 'gold' }, // company 2, not opportunity 2
    ]);
  })();
  db.close();
}

function liveDay(path: string): void {
  const db = new Database(path);
  db.transaction(() => {
    // The accident: opportunity 2 and everything hanging off it.
    db.exec(`DELETE FROM tasks WHERE opportunity_id = 2;
      DELETE FROM activities WHERE subject_type = 'opportunities' AND subject_id = 2;
      DELETE FROM opportunity_lines WHERE opportunity_id = 2;
      DELETE FROM files WHERE owner_type = 'opportunities' AND owner_id = 2;
      DELETE FROM custom_field_values WHERE record_id = 2 AND field_id IN (SELECT id FROM custom_field_definitions WHERE entity = 'opportunities');
      DELETE FROM opportunities WHERE id = 2;`);
    // Person 3 and company 3 deleted, with their activities and task.
    db.exec(`DELETE FROM tasks WHERE id = 5; DELETE FROM activities WHERE id IN (6, 7, 8);
      DELETE FROM persons WHERE id = 3; DELETE FROM companies WHERE id = 3;`);
    // Unrelated deletions under other types with the same id 2: must stay deleted.
    db.exec(`DELETE FROM activities WHERE id = 5; DELETE FROM files WHERE id = 2; DELETE FROM custom_field_values WHERE id = 4;`);
    // Ordinary work after the snapshot.
    db.exec(`UPDATE companies SET name = 'Acme GmbH', updated_at = '2025-06-02T08:00:00.000Z' WHERE id = 1;
      UPDATE opportunities SET stage = 'won', closed_at = '2025-06-02T09:00:00.000Z' WHERE id = 1;`);
    insertRow(db, 'companies', { id: 10, name: 'Hooli' });
    insertRow(db, 'opportunities', { id: 10, title: 'Hooli deal', company_id: 10, stage: 'lead' });
    insertRow(db, 'activities', { id: 20, subject_type: 'opportunities', subject_id: 10, kind: 'call', occurred_at: '2025-06-02T10:00:00.000Z', subject: 'First call' });
  })();
  db.close();
}

type Dump = Record<string, Map<string, string>>;

/** Every row of every table, keyed by id (schema_meta by key), each as exact SQL literals. */
function dump(path: string): Dump {
  const db = new Database(path, { readonly: true });
  try {
    const out: Dump = {};
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    for (const t of tables) {
      const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]).map((c) => `quote("${c}")`);
      const m = new Map<string, string>();
      for (const row of db.prepare(`SELECT ${cols.join(', ')} FROM "${t}"`).raw().all() as string[][]) m.set(row[0]!, JSON.stringify(row));
      out[t] = m;
    }
    return out;
  } finally {
    db.close();
  }
}

const fileHash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

let dir: string;
let snapshotPath: string;
let livePath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custos-selective-'));
  snapshotPath = join(dir, 'snapshot.sqlite');
  livePath = join(dir, 'live.sqlite');
  seedTenant(snapshotPath);
  copyFileSync(snapshotPath, livePath);
  liveDay(livePath);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const plan = (selection: RecordRef[]) => planSelection({ snapshotPath, livePath, selection });

describe('selective restore', () => {
  it('brings back a deleted opportunity with exactly its children and changes nothing else', () => {
    const before = dump(livePath);
    const hashes = [fileHash(snapshotPath), fileHash(livePath)];
    const p = plan([{ entity: 'opportunities', id: 2 }]);
    expect([fileHash(snapshotPath), fileHash(livePath)]).toEqual(hashes); // planning never writes

    expect(p.refusals).toEqual([]);
    expect(p.conflicts).toEqual([]);
    expect(p.addedParents).toEqual([]);
    expect(p.insert).toEqual({ opportunities: [2], tasks: [1, 2], activities: [1, 2], opportunity_lines: [1, 2], files: [1], custom_field_values: [1, 2] });
    expect(p.totalRows).toBe(10);
    expect(p.addedChildren).toHaveLength(9);
    expect(p.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const result = applySelection({ snapshotPath, livePath, plan: p });
    expect(result).toEqual({ inserted: { opportunities: 1, tasks: 2, activities: 2, opportunity_lines: 2, files: 1, custom_field_values: 2 }, total: 10 });

    // Expected live = live before + the snapshot's rows for the restored ids, byte for byte.
    const snap = dump(snapshotPath);
    const expected: Dump = {};
    for (const [t, rows] of Object.entries(before)) {
      expected[t] = new Map(rows);
      for (const id of p.insert[t as EntityName] ?? []) {
        const row = snap[t]!.get(String(id));
        expect(row).toBeDefined();
        expected[t]!.set(String(id), row!);
      }
    }
    const after = dump(livePath);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const t of Object.keys(after)) expect([...after[t]!].sort(), t).toEqual([...expected[t]!].sort());
    expect(fileHash(snapshotPath)).toBe(hashes[0]);
  });

  it('reports a requested record that exists in live as a conflict and never overwrites it', () => {
    const p = plan([
      { entity: 'companies', id: 1 },
      { entity: 'opportunities', id: 2 },
    ]);
    expect(p.conflicts).toEqual([{ entity: 'companies', id: 1, reason: expect.stringContaining('exists in the live database') }]);
    expect(p.insert.companies).toBeUndefined();
    expect(p.refusals).toEqual([]);
    applySelection({ snapshotPath, livePath, plan: p });
    const live = new Database(livePath, { readonly: true });
    expect(live.prepare('SELECT name FROM companies WHERE id = 1').pluck().get()).toBe('Acme GmbH');
    expect(live.prepare('SELECT title FROM opportunities WHERE id = 2').pluck().get()).toBe('Acme rollout');
    live.close();

    // Only a conflict: nothing to insert, nothing changes.
    const before = dump(livePath);
    const only = plan([{ entity: 'companies', id: 1 }]);
    expect(only.totalRows).toBe(0);
    expect(applySelection({ snapshotPath, livePath, plan: only })).toEqual({ inserted: {}, total: 0 });
    expect(dump(livePath)).toEqual(before);
  });

  it('brings back a deleted parent, but not its other children; refuses a parent missing everywhere', () => {
    const p = plan([{ entity: 'persons', id: 3 }]);
    expect(p.refusals).toEqual([]);
    expect(p.addedParents).toEqual([{ entity: 'companies', id: 3 }]);
    // Person 3's own children come along; company 3's other children (activity 6) do not,
    // and task 5 comes along as person 3's child, not as company 3's.
    expect(p.insert).toEqual({ companies: [3], persons: [3], tasks: [5], activities: [7] });
    const r = applySelection({ snapshotPath, livePath, plan: p });
    expect(r.total).toBe(4);
    const live = new Database(livePath, { readonly: true });
    expect(live.prepare('SELECT company_id FROM persons WHERE id = 3').pluck().get()).toBe(3);
    expect(live.prepare('SELECT count(*) FROM activities WHERE id = 6').pluck().get()).toBe(0);
    live.close();

    const orphan = plan([{ entity: 'activities', id: 8 }]);
    expect(orphan.refusals).toEqual([
      { entity: 'activities', id: 8, reason: 'activities 8 (subject_id) references persons 77, which is in neither the snapshot nor the live database.' },
    ]);
    const before = dump(livePath);
    expect(() => applySelection({ snapshotPath, livePath, plan: orphan })).toThrow(expect.objectContaining({ code: 'RESTORE_REFUSED', message: expect.stringContaining('persons 77') }));
    expect(dump(livePath)).toEqual(before);

    expect(plan([{ entity: 'opportunities', id: 999 }]).refusals).toEqual([{ entity: 'opportunities', id: 999, reason: 'opportunities 999 is not in the snapshot.' }]);
  });

  it('is all-or-nothing: a row created in live since the preview refuses the whole apply', () => {
    const p = plan([{ entity: 'opportunities', id: 2 }]);
    const live = new Database(livePath);
    insertRow(live, 'tasks', { id: 2, title: 'Created meanwhile', done: 0 });
    live.close();
    const before = dump(livePath);
    let err: unknown;
    try {
      applySelection({ snapshotPath, livePath, plan: p });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'RESTORE_REFUSED', hint: 'Preview the selection again', details: { conflicts: [{ entity: 'tasks', id: 2 }] } });
    expect(dump(livePath)).toEqual(before);
  });

  it('rolls back inserts already made when a later entity fails or the job is cancelled', () => {
    const p = plan([{ entity: 'opportunities', id: 2 }]);
    const before = dump(livePath);

    // Cancelled after opportunities and tasks went in.
    let checks = 0;
    const signal = { get aborted() { return ++checks > 2; } } as AbortSignal;
    expect(() => applySelection({ snapshotPath, livePath, plan: p, signal })).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(checks).toBe(3);
    expect(dump(livePath)).toEqual(before);

    // The last entity fails inside SQLite.
    const live = new Database(livePath);
    live.exec("CREATE TRIGGER boom BEFORE INSERT ON custom_field_values BEGIN SELECT RAISE(ABORT, 'boom'); END");
    live.close();
    expect(() => applySelection({ snapshotPath, livePath, plan: p })).toThrow(/boom/);
    expect(dump(livePath)).toEqual(before);
  });

  it('refuses when a parent was deleted from live since the preview', () => {
    const p = plan([{ entity: 'opportunities', id: 2 }]);
    const live = new Database(livePath);
    live.pragma('foreign_keys = OFF');
    live.exec('DELETE FROM spaces WHERE id = 1');
    live.close();
    const before = dump(livePath);
    expect(() => applySelection({ snapshotPath, livePath, plan: p })).toThrow(expect.objectContaining({ code: 'RESTORE_REFUSED', hint: 'Preview the selection again' }));
    expect(dump(livePath)).toEqual(before);
  });

  it('binds the fingerprint to the exact snapshot content of the rows', () => {
    const p1 = plan([{ entity: 'opportunities', id: 2 }]);
    expect(plan([{ entity: 'opportunities', id: 2 }]).fingerprint).toBe(p1.fingerprint);

    const snap = new Database(snapshotPath);
    snap.prepare('UPDATE opportunity_lines SET amount = ? WHERE id = 2').run('-3000.51');
    snap.close();
    const p2 = plan([{ entity: 'opportunities', id: 2 }]);
    expect(p2.insert).toEqual(p1.insert);
    expect(p2.fingerprint).not.toBe(p1.fingerprint);

    // Same bytes, other storage class (blob instead of text) is a difference too.
    const snap2 = new Database(snapshotPath);
    snap2.prepare('UPDATE opportunity_lines SET amount = ? WHERE id = 2').run(Buffer.from('-3000.51'));
    snap2.close();
    expect(plan([{ entity: 'opportunities', id: 2 }]).fingerprint).not.toBe(p2.fingerprint);

    // The approved plan no longer matches the snapshot: refused, live untouched.
    const before = dump(livePath);
    expect(() => applySelection({ snapshotPath, livePath, plan: p1 })).toThrow(expect.objectContaining({ code: 'RESTORE_REFUSED', hint: 'Preview the selection again' }));
    expect(dump(livePath)).toEqual(before);

    // A plan whose insert set was edited after approval does not match its fingerprint.
    const edited = { ...p2, insert: { ...p2.insert, tasks: [1] } };
    expect(() => applySelection({ snapshotPath, livePath, plan: edited })).toThrow(expect.objectContaining({ code: 'RESTORE_REFUSED' }));
  });

  it('caps the selection and plans 10,000 records well under a second', () => {
    const tooMany = Array.from({ length: MAX_SELECTION + 1 }, (_, i) => ({ entity: 'opportunities' as const, id: i + 1 }));
    expect(() => plan(tooMany)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));

    const big = join(dir, 'big-snapshot.sqlite');
    const bigLive = join(dir, 'big-live.sqlite');
    createTestTenantDb(big, { rows: 12_000 });
    copyFileSync(big, bigLive);
    const live = new Database(bigLive);
    live.pragma('foreign_keys = OFF');
    live.exec('DELETE FROM opportunities WHERE id > 10 AND id <= 10010');
    live.close();
    const selection = Array.from({ length: MAX_SELECTION }, (_, i) => ({ entity: 'opportunities' as const, id: i + 11 }));
    // Best of two, so a busy CI machine does not make the timing flaky.
    let ms = Infinity;
    let p = planSelection({ snapshotPath: big, livePath: bigLive, selection: [] });
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      p = planSelection({ snapshotPath: big, livePath: bigLive, selection });
      ms = Math.min(ms, performance.now() - started);
    }
    expect(p.refusals).toEqual([]);
    expect(p.insert.opportunities).toHaveLength(MAX_SELECTION);
    expect(ms).toBeLessThan(1000);
  });
});
