import { createHash } from 'node:crypto';
import path from 'node:path';
import { HOSTILE_COMPANY_NAMES, HOSTILE_FILE_NAMES, HOSTILE_NOTES, HOSTILE_PERSONS, LONG_NOTE } from '../demo/hostile-cases';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { objectKeys } from '../storage/object-store/object-store.port';
import { createTenantDatabaseFile, SqliteTenantDatabase } from '../storage/sqlite/sqlite.tenant-database';

/**
 * A small tenant built to break exports (tests only; deterministic, CONVENTIONS.md §11).
 * It reuses the demo fleet's hostile strings and adds what an export must survive:
 * dangling references in every kind of reference column, values of the wrong type,
 * an activity of an unknown kind, a file whose object is missing, one with a flipped
 * byte, one longer than recorded, one whose key points at another tenant, an empty
 * file, one larger than a small volume limit, an owner of an unknown kind, a 16-digit
 * ID, custom fields of every type with duplicates, orphans and an unknown field.
 */
export const FIXTURE_TENANT_ID = 't-export-fixture';
export const FIXTURE_SLUG = 'export-fixture';

export interface ExportFixture {
  dbPath: string;
  storeDir: string;
  store: LocalObjectStore;
  tenantId: string;
  slug: string;
  /** Rows per list the export must produce. */
  expectedRows: Record<string, number>;
  special: {
    missingFile: number;
    mismatchFile: number;
    longerFile: number;
    refusedFile: number;
    bogusOwnerFile: number;
    emptyFile: number;
    bigFile: number;
    bigPersonId: number;
    longNoteActivity: number;
    alienActivity: number;
    danglingPersonCompany: number[];
  };
  /** file id → bytes stored (ok files only). */
  fileBytes: Map<number, Buffer>;
  open(): Promise<SqliteTenantDatabase>;
}

function bytesFor(id: number, size: number): Buffer {
  // Incompressible but deterministic: SHA-256 in counter mode.
  const out = Buffer.alloc(size);
  for (let off = 0, n = 0; off < size; off += 32, n++) createHash('sha256').update(`file-${id}-${n}`).digest().copy(out, off);
  return out;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const T0 = Date.UTC(2024, 0, 15, 9, 30, 0);
const iso = (i: number): string => new Date(T0 + i * 3_600_000).toISOString();

export async function buildExportFixture(dir: string, options: { persons?: number; fileSize?: number } = {}): Promise<ExportFixture> {
  const personsCount = Math.max(options.persons ?? 60, HOSTILE_PERSONS.length + 2);
  const fileSize = options.fileSize ?? 24 * 1024;
  const dbPath = path.join(dir, 'tenant.sqlite');
  const storeDir = path.join(dir, 'store');
  const store = new LocalObjectStore({ dir: storeDir });
  const tenantId = FIXTURE_TENANT_ID;
  const db = createTenantDatabaseFile(dbPath);
  const fileBytes = new Map<number, Buffer>();
  const puts: { key: string; body: Buffer }[] = [];
  const special = {
    missingFile: 900,
    mismatchFile: 901,
    longerFile: 902,
    refusedFile: 903,
    bogusOwnerFile: 904,
    emptyFile: 905,
    bigFile: 906,
    bigPersonId: 1_234_567_890_123_456,
    longNoteActivity: 1,
    alienActivity: 5,
    danglingPersonCompany: [2, 7],
  };
  const rows: Record<string, number> = {};
  try {
    db.pragma('foreign_keys = OFF'); // dangling references on purpose
    db.pragma('synchronous = OFF');
    db.transaction(() => {
      const col = db.prepare('INSERT INTO colleagues (id, first_name, last_name, email, role, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      col.run(1, 'Ada', 'Lovelace', 'ada@example.com', 'owner', 1, iso(0), iso(1));
      col.run(2, '=HYPERLINK("http://evil.example")', 'Bob', 'bob@example.com', 'member', 0, iso(0), iso(2));
      col.run(3, 'Émile', 'Zola', 'emile@example.com', 'admin', 1, iso(0), '2024-01-15 10:30:00+01:00');
      rows.colleagues = 3;

      const co = db.prepare(
        'INSERT INTO companies (id, name, industry, website, phone, email, street, city, postcode, country, owner_colleague_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      HOSTILE_COMPANY_NAMES.forEach((name, i) => co.run(i + 1, name, i % 2 ? 'Retail' : null, null, '+46 8 123 45 67', `info${i}@example.com`, 'Storgatan 1', 'Stockholm', '01234', 'SE', i === 4 ? 99 : (i % 3) + 1, iso(i), iso(i + 1)));
      co.run(100, 'Plain AB', 'Software', 'https://plain.example', null, null, null, null, null, null, null, iso(3), iso(4));
      rows.companies = HOSTILE_COMPANY_NAMES.length + 1;

      const pe = db.prepare('INSERT INTO persons (id, first_name, last_name, job_title, email, phone, company_id, owner_colleague_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      HOSTILE_PERSONS.forEach((p, i) => pe.run(i + 1, p.first, p.last, '-Dash title', `p${i + 1}@example.com`, '+1-555-0100', special.danglingPersonCompany.includes(i + 1) ? 777 : 1, 1, iso(i), iso(i)));
      for (let id = HOSTILE_PERSONS.length + 1; id < personsCount; id++) pe.run(id, `First${id}`, `Last ${id}, "the ${id}th"`, 'Engineer', `person${id}@example.com`, null, (id % 5) + 1, (id % 3) + 1, iso(id), iso(id + 1));
      pe.run(special.bigPersonId, 'Big', 'Id', null, null, null, 100, 2, iso(50), iso(51));
      rows.persons = personsCount;

      const sp = db.prepare('INSERT INTO spaces (id, name, description, owner_colleague_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
      sp.run(1, 'Sales "EMEA"', '@here: all deals', 1, iso(1), iso(2));
      sp.run(2, 'Support', null, null, iso(1), iso(2));
      rows.spaces = 2;

      const op = db.prepare(
        'INSERT INTO opportunities (id, title, company_id, person_id, space_id, owner_colleague_id, stage, amount, currency, probability, expected_close_on, closed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      op.run(1, 'Big deal', 1, 1, 1, 1, 'proposal', '1234.50', 'EUR', 60, '2025-06-30', null, iso(5), iso(6));
      op.run(2, '-negative framing', 2, special.bigPersonId, 2, 2, 'won', '12345678901234567890.12', 'SEK', 100, '2025-01-31', '2025-06-30 14:05:00+02:00', iso(5), iso(6));
      op.run(3, 'Leap', 3, 3, 42, 3, 'lost', '-99.99', 'USD', '=1', '2025-02-29', '1899-12-31T00:00:00.000Z', iso(5), iso(6));
      rows.opportunities = 3;

      const ta = db.prepare('INSERT INTO tasks (id, title, due_at, done, assignee_colleague_id, person_id, company_id, opportunity_id, space_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      ta.run(1, 'Call back', iso(10), 1, 1, 1, null, null, null, iso(7), iso(8));
      ta.run(2, '=WEBSERVICE("http://evil")', null, 0, 2, null, 2, 999, 1, iso(7), iso(8));
      ta.run(3, 'Odd flag', null, 'yes-ish', null, null, null, 1, null, iso(7), iso(8));
      rows.tasks = 3;

      const ac = db.prepare('INSERT INTO activities (id, subject_type, subject_id, kind, occurred_at, colleague_id, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      ac.run(1, 'persons', 1, 'note', iso(20), 1, 'Long import', LONG_NOTE, iso(20), iso(20));
      ac.run(2, 'companies', 1, 'call', iso(21), 2, '=1+1', HOSTILE_NOTES[6], iso(21), iso(21));
      ac.run(3, 'opportunities', 1, 'meeting', iso(22), 3, 'Kick-off', 'Bell\u0007 NUL\u0000 and\u001b escape', iso(22), iso(22));
      ac.run(4, 'spaces', 1, 'email', iso(23), null, 'Welcome', '"Quoted, with commas", and a\r\nCRLF', iso(23), iso(23));
      ac.run(special.alienActivity, 'aliens', 1, 'note', iso(24), 1, 'From outer space', null, iso(24), iso(24));
      ac.run(6, 'persons', 777, 'call', iso(25), 1, 'Deleted person', null, iso(25), iso(25));
      ac.run(7, 'persons', 3, 'note', iso(26), 1, 'Lone surrogate', 'a\uD800b and \uDC00 alone', iso(26), iso(26));
      let aid = 8;
      for (const note of HOSTILE_NOTES.slice(1)) ac.run(aid++, 'persons', 4, 'note', iso(aid), 1, `Hostile ${aid}`, note, iso(aid), iso(aid));
      for (let p = 8; p < personsCount; p++) ac.run(aid++, 'persons', p, 'call', iso(aid), (p % 3) + 1, `Call ${p}`, `-${p} called back`, iso(aid), iso(aid));
      for (let c = 1; c <= 3; c++) ac.run(aid++, 'companies', c, 'meeting', iso(aid), 1, `Meeting ${c}`, null, iso(aid), iso(aid));
      rows.history_persons = 3 + (HOSTILE_NOTES.length - 1) + (personsCount - 8);
      rows.history_companies = 1 + 3;
      rows.history_opportunities = 1;
      rows.history_spaces = 1;

      const li = db.prepare('INSERT INTO opportunity_lines (id, opportunity_id, kind, description, quantity, unit_price, amount, currency, booked_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      li.run(1, 1, 'income', 'Licences', '10', '123.45', '1234.50', 'EUR', '2025-01-31', iso(30), iso(30));
      li.run(2, 1, 'expense', '-Discount', '1', '-100.00', '-100.00', 'EUR', '2025-02-01', iso(30), iso(30));
      li.run(3, 555, 'income', 'Orphan line', '1', '1.00', '1.00', 'EUR', '2025-02-02', iso(30), iso(30));
      rows.opportunity_lines = 3;

      const fi = db.prepare(
        'INSERT INTO files (id, owner_type, owner_id, name, mime, size, sha256, object_key, uploaded_by_colleague_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const owners = ['persons', 'companies', 'opportunities', 'spaces'] as const;
      HOSTILE_FILE_NAMES.forEach((f, i) => {
        const id = i + 1;
        const b = bytesFor(id, (id % 3) * 4096 + fileSize - 8192 + id);
        const ownerType = f.sameOwner ? 'persons' : (owners[i % 4] as string);
        fi.run(id, ownerType, 1, f.name, f.mime, b.length, sha(b), objectKeys.attachment(tenantId, id), 1, iso(40 + i), iso(40 + i));
        fileBytes.set(id, b);
        puts.push({ key: objectKeys.attachment(tenantId, id), body: b });
      });
      const add = (id: number, ownerType: string, ownerId: number, name: string, stored: Buffer | null, recorded: Buffer, key = objectKeys.attachment(tenantId, id)): void => {
        fi.run(id, ownerType, ownerId, name, 'application/pdf', recorded.length, sha(recorded), key, 1, iso(60), iso(60));
        if (stored) puts.push({ key, body: stored });
      };
      const m = bytesFor(special.mismatchFile, 5000);
      const flipped = Buffer.from(m);
      flipped[1234] = (flipped[1234] as number) ^ 0xff;
      add(special.missingFile, 'persons', 1, 'gone.pdf', null, bytesFor(special.missingFile, 3000));
      add(special.mismatchFile, 'persons', 1, 'flipped.pdf', flipped, m);
      const longer = bytesFor(special.longerFile, 6000);
      add(special.longerFile, 'companies', 1, 'longer.pdf', longer, longer.subarray(0, 4000));
      const other = bytesFor(special.refusedFile, 1000);
      add(special.refusedFile, 'persons', 1, 'elsewhere.pdf', other, other, objectKeys.attachment('t-someone-else', special.refusedFile));
      const bogus = bytesFor(special.bogusOwnerFile, 700);
      add(special.bogusOwnerFile, 'bogus', 1, 'bogus owner.txt', bogus, bogus);
      fileBytes.set(special.bogusOwnerFile, bogus);
      add(special.emptyFile, 'spaces', 2, 'empty.txt', Buffer.alloc(0), Buffer.alloc(0));
      fileBytes.set(special.emptyFile, Buffer.alloc(0));
      const big = bytesFor(special.bigFile, 100 * 1024);
      add(special.bigFile, 'opportunities', 555, 'big scan.tiff', big, big);
      fileBytes.set(special.bigFile, big);
      rows.files = HOSTILE_FILE_NAMES.length + 7;

      const cfd = db.prepare('INSERT INTO custom_field_definitions (id, entity, key, label, field_type, options, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      cfd.run(1, 'persons', 'vip', 'VIP', 'boolean', null, 1, iso(0), iso(0));
      cfd.run(2, 'persons', 'score', 'Score', 'number', null, 2, iso(0), iso(0));
      cfd.run(3, 'persons', 'birthday', 'Birthday', 'date', null, 3, iso(0), iso(0));
      cfd.run(4, 'persons', 'tags', 'Tags', 'multiselect', '["a","b"]', 4, iso(0), iso(0));
      cfd.run(5, 'persons', 'Lead Source!', 'Lead source', 'text', null, 5, iso(0), iso(0));
      cfd.run(6, 'companies', 'tier', 'Tier', 'select', '["gold","silver"]', 1, iso(0), iso(0));
      cfd.run(7, 'companies', 'rating', 'Rating', 'stars', null, 2, iso(0), iso(0));
      cfd.run(8, 'opportunities', 'signed_at', 'Signed', 'datetime', null, 1, iso(0), iso(0));
      cfd.run(9, 'spaces', 'color', 'Colour', 'text', null, 1, iso(0), iso(0));
      const cfv = db.prepare('INSERT INTO custom_field_values (id, field_id, record_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
      const values: [number, number, number, string | null][] = [
        [1, 1, 1, 'true'],
        [2, 2, 1, '42.5'],
        [3, 3, 1, '1990-02-28'],
        [4, 4, 1, '["a","b"]'],
        [5, 5, 1, "=cmd|' /C calc'!A0"],
        [6, 1, 2, 'maybe'],
        [7, 2, 2, '12345678901234567890'],
        [8, 1, 1, 'false'],
        [9, 6, 1, 'gold'],
        [10, 7, 1, '5'],
        [11, 999, 1, 'no such field'],
        [12, 1, 99_999, 'true'],
        [13, 8, 1, '2025-06-30T12:00:00Z'],
        [14, 9, 1, 'red'],
        [15, 5, 3, '00012345'],
        [16, 2, special.bigPersonId, '-0.5'],
      ];
      for (const [id, field, rec, v] of values) cfv.run(id, field, rec, v, iso(0), iso(0));
    })();
  } finally {
    db.close();
  }
  for (const p of puts) await store.put(p.key, p.body);
  return {
    dbPath,
    storeDir,
    store,
    tenantId,
    slug: FIXTURE_SLUG,
    expectedRows: rows,
    special,
    fileBytes,
    open: () => SqliteTenantDatabase.open(dbPath, tenantId, { readonly: true }),
  };
}
