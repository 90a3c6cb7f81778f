/**
 * The selective-restore scenario shared by both engines' tests (selective.test.ts,
 * selective.postgres.test.ts).
 */
import Database from 'better-sqlite3';
import { entity, tenantDdl, type EntityName } from '../schema';

/*
 * A small realistic tenant is written, copied as yesterday's snapshot, and then "today"
 * happens to live: opportunity 2 is deleted with everything hanging off it, person 3 and
 * its company 3 are deleted, a few unrelated rows are deleted (some share ids with the
 * opportunity's children under another type), and other rows are created and modified.
 */

export const T0 = '2025-06-01T09:00:00.000Z';

export function insertRow(db: Database.Database, e: EntityName, row: Record<string, unknown>): void {
  const cols = entity(e).columns.map((c) => c.name);
  const full = { created_at: T0, updated_at: T0, ...row };
  db.prepare(`INSERT INTO "${e}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
    ...cols.map((c) => (c in full ? full[c as keyof typeof full] : null)),
  );
}

export function seedTenant(path: string): void {
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

export function liveDay(path: string): void {
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

export type Dump = Record<string, Map<string, string>>;

/** Every row of every table, keyed by id (schema_meta by key), each as exact SQL literals. */
export function dump(path: string): Dump {
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

