import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '../control-plane/tenant-record';
import { CUSTOM_FIELD_TYPES, ENTITIES, SUBJECT_ENTITIES } from '../schema';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { objectKeys, type ObjectStore } from '../storage/object-store/object-store.port';
import { SqliteTenantDatabase } from '../storage/sqlite';
import { HOSTILE_COMPANY_NAMES, HOSTILE_FILE_NAMES, LONG_NOTE } from './hostile-cases';
import { generateFleet, generateTenant } from './fleet.generator';
import { DEMO_TRAPS } from './tenant-profile';

const asOf = new Date('2026-01-31T00:00:00Z');
let root: string;

interface Run {
  dir: string;
  store: LocalObjectStore;
  records: TenantRecord[];
}

const runs: Run[] = [];

async function run(name: string, seed: number, tenants: number): Promise<Run> {
  const dir = join(root, name);
  const store = new LocalObjectStore({ dir: join(dir, 'objects') });
  const records = await generateFleet({ tenantsDir: join(dir, 'tenants'), objectStore: store, tenants, size: 'small', seed, asOf });
  const r = { dir, store, records };
  runs.push(r);
  return r;
}

function sha256File(p: string): string {
  return createHash('sha256').update(readFileSync(p)).digest('hex');
}

async function sha256Stream(s: Readable): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of s) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

async function objectListing(store: ObjectStore): Promise<{ key: string; size: number; sha256: string }[]> {
  const out: { key: string; size: number; sha256: string }[] = [];
  for await (const o of store.list('tenants/')) {
    const { sha256, size } = await sha256Stream(await store.get(o.key));
    expect(size).toBe(o.size);
    out.push({ key: o.key, size, sha256 });
  }
  return out;
}

function dbFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(join(dir, 'tenants')).sort()) out[f] = sha256File(join(dir, 'tenants', f));
  return out;
}

function withDb<T>(r: Run, record: TenantRecord, fn: (db: Database.Database) => T): T {
  const db = new Database(join(r.dir, 'tenants', record.dbLocation), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

let a: Run;
let b: Run;
let other: Run;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'custos-demo-test-'));
  a = await run('a', 1, 3);
  b = await run('b', 1, 3);
  other = await run('other', 2, 3);
});

afterAll(async () => {
  for (const r of runs) await r.store.close();
  rmSync(root, { recursive: true, force: true });
});

describe('determinism (CONVENTIONS.md §11)', () => {
  it('the same seed gives byte-identical databases, identical objects and identical records', async () => {
    const filesA = dbFiles(a.dir);
    expect(Object.keys(filesA)).toEqual(['t-000001.sqlite', 't-000002.sqlite', 't-000003.sqlite']); // no -journal, no .partial
    expect(dbFiles(b.dir)).toEqual(filesA);
    const objectsA = await objectListing(a.store);
    expect(objectsA.length).toBeGreaterThan(20);
    expect(await objectListing(b.store)).toEqual(objectsA);
    expect(b.records).toEqual(a.records);
  });

  it('another seed gives another fleet', async () => {
    const filesA = dbFiles(a.dir);
    const filesOther = dbFiles(other.dir);
    for (const name of Object.keys(filesA)) expect(filesOther[name], name).not.toBe(filesA[name]);
    const hashes = new Set((await objectListing(a.store)).map((o) => o.sha256));
    const shared = (await objectListing(other.store)).filter((o) => hashes.has(o.sha256));
    expect(shared).toEqual([]);
    expect(other.records.map((r) => r.name)).not.toEqual(a.records.map((r) => r.name));
  });
});

describe('the records', () => {
  it('describe the generated databases and attachments', () => {
    for (const r of a.records) {
      expect(r.id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(r).toMatchObject({ dbEngine: 'sqlite', dbLocation: `${r.id}.sqlite`, lastSnapshotAt: null });
      expect(r.dbSizeBytes).toBe(statSync(join(a.dir, 'tenants', r.dbLocation)).size);
      withDb(a, r, (db) => {
        const t = db.prepare('SELECT COUNT(*) AS n, SUM(size) AS bytes FROM files').get() as { n: number; bytes: number };
        expect(r.attachmentCount).toBe(t.n);
        expect(r.attachmentBytes).toBe(t.bytes);
      });
    }
  });
});

describe('the data', () => {
  it('passes the schema check and every reference resolves, except the planted dangling ones', async () => {
    for (const r of a.records) {
      const db = await SqliteTenantDatabase.open(join(a.dir, 'tenants', r.dbLocation), r.id, { readonly: true });
      try {
        await db.checkSchema();
      } finally {
        await db.close();
      }
      withDb(a, r, (raw) => {
        const violations = raw.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
        if (r.id === a.records[DEMO_TRAPS.integrityTenantIndex]?.id) {
          expect(violations.map((v) => [v.table, v.rowid, v.parent])).toEqual(DEMO_TRAPS.danglingPersonIds.map((id) => ['persons', id, 'companies']));
        } else {
          expect(violations).toEqual([]);
        }
        // Polymorphic references (activities, files) point at live records too.
        for (const [table, type, id] of [
          ['activities', 'subject_type', 'subject_id'],
          ['files', 'owner_type', 'owner_id'],
        ] as const) {
          for (const subject of SUBJECT_ENTITIES) {
            const { n } = raw.prepare(`SELECT COUNT(*) AS n FROM ${table} t WHERE t.${type} = ? AND t.${id} NOT IN (SELECT id FROM ${subject})`).get(subject) as { n: number };
            expect(n, `${table} → ${subject}`).toBe(0);
          }
        }
        const { n } = raw
          .prepare('SELECT COUNT(*) AS n FROM custom_field_values v JOIN custom_field_definitions d ON d.id = v.field_id WHERE v.record_id NOT IN (SELECT id FROM persons) AND d.entity = \'persons\'')
          .get() as { n: number };
        expect(n).toBe(0);
      });
    }
  });

  it('has activities and files on all four subject types, and custom fields of every type with values', () => {
    for (const r of a.records) {
      withDb(a, r, (db) => {
        const types = (sql: string) => (db.prepare(sql).all() as { t: string }[]).map((x) => x.t).sort();
        expect(types('SELECT DISTINCT subject_type AS t FROM activities')).toEqual([...SUBJECT_ENTITIES].sort());
        expect(types('SELECT DISTINCT owner_type AS t FROM files')).toEqual([...SUBJECT_ENTITIES].sort());
        for (const e of SUBJECT_ENTITIES) {
          const defs = db.prepare('SELECT id, field_type FROM custom_field_definitions WHERE entity = ?').all(e) as { id: number; field_type: string }[];
          expect(defs.map((d) => d.field_type).sort()).toEqual([...CUSTOM_FIELD_TYPES].sort());
          for (const d of defs) {
            const { n } = db.prepare('SELECT COUNT(*) AS n FROM custom_field_values WHERE field_id = ? AND value IS NOT NULL').get(d.id) as { n: number };
            expect(n, `${e}.${d.field_type}`).toBeGreaterThan(0);
          }
        }
        const roles = types('SELECT DISTINCT role AS t FROM colleagues');
        expect(roles).toContain('owner');
        expect(roles).toContain('admin');
      });
    }
  });

  it('dates are coherent: before asOf, updated_at ≥ created_at, history spread over years', () => {
    const end = asOf.toISOString();
    for (const r of a.records) {
      withDb(a, r, (db) => {
        for (const e of ENTITIES) {
          const row = db.prepare(`SELECT MAX(created_at) AS maxC, MAX(updated_at) AS maxU, SUM(updated_at < created_at) AS bad FROM "${e.name}"`).get() as { maxC: string; maxU: string; bad: number };
          expect(row.bad, e.name).toBe(0);
          expect(row.maxC < end, e.name).toBe(true);
          expect(row.maxU < end, e.name).toBe(true);
        }
        const closedBeforeCreated = db.prepare('SELECT COUNT(*) AS n FROM opportunities WHERE closed_at < created_at').get() as { n: number };
        expect(closedBeforeCreated.n).toBe(0);
        const early = db.prepare('SELECT COUNT(*) AS n FROM activities a JOIN persons p ON a.subject_type = \'persons\' AND p.id = a.subject_id WHERE a.occurred_at < p.created_at').get() as { n: number };
        expect(early.n).toBe(0);
        if (r.plan === 'commercial' && Date.parse(r.createdAt) < asOf.getTime() - 3 * 365 * 86_400_000) {
          const years = db.prepare("SELECT COUNT(DISTINCT substr(occurred_at, 1, 4)) AS n FROM activities").get() as { n: number };
          expect(years.n).toBeGreaterThanOrEqual(3);
        }
      });
    }
  });

  it('money is exact decimal text and lines add up', () => {
    for (const r of a.records) {
      withDb(a, r, (db) => {
        const opps = db.prepare('SELECT amount, currency FROM opportunities').all() as { amount: string | null; currency: string }[];
        for (const o of opps) {
          if (o.amount !== null) expect(o.amount).toMatch(/^\d+\.\d{2}$/);
          expect(['EUR', 'GBP', 'SEK', 'PLN']).toContain(o.currency);
        }
        const lines = db.prepare('SELECT quantity, unit_price, amount FROM opportunity_lines').all() as { quantity: string; unit_price: string; amount: string }[];
        expect(lines.length).toBeGreaterThan(0);
        const c = (s: string) => BigInt(s.replace('.', ''));
        for (const l of lines) expect(c(l.quantity) * c(l.unit_price)).toBe(c(l.amount) * 100n);
      });
    }
  });

  it('attachments in the store match their rows (except the planted traps)', async () => {
    for (const r of a.records) {
      const rows = withDb(a, r, (db) => db.prepare('SELECT id, size, sha256, object_key, mime FROM files ORDER BY id').all() as { id: number; size: number; sha256: string; object_key: string; mime: string }[]);
      const sizes = rows.map((f) => f.size);
      expect(Math.max(...sizes)).toBeGreaterThan(50_000);
      for (const f of rows) {
        expect(f.object_key).toBe(objectKeys.attachment(r.id, f.id));
        const integrity = r.id === a.records[DEMO_TRAPS.integrityTenantIndex]?.id;
        if (integrity && f.id === DEMO_TRAPS.missingFileId) {
          expect(await a.store.head(f.object_key)).toBeNull();
          await expect(a.store.get(f.object_key)).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
          continue;
        }
        const got = await sha256Stream(await a.store.get(f.object_key));
        expect(got.size, `${r.id} file ${f.id}`).toBe(f.size);
        if (integrity && f.id === DEMO_TRAPS.mismatchFileId) expect(got.sha256).not.toBe(f.sha256);
        else expect(got.sha256, `${r.id} file ${f.id}`).toBe(f.sha256);
        expect((await a.store.head(f.object_key))?.contentType).toBe(f.mime);
      }
    }
  });

  it('some attachments are text that compresses, others bytes that do not', async () => {
    const { gzipSync } = await import('node:zlib');
    const r = a.records[2] as TenantRecord;
    const rows = withDb(a, r, (db) => db.prepare('SELECT object_key, mime, size FROM files WHERE size > 5000').all() as { object_key: string; mime: string; size: number }[]);
    let text = 0;
    let binary = 0;
    for (const f of rows) {
      const chunks: Buffer[] = [];
      for await (const c of await a.store.get(f.object_key)) chunks.push(c as Buffer);
      const ratio = gzipSync(Buffer.concat(chunks), { level: 1 }).length / f.size;
      if (f.mime.startsWith('text/') || f.mime === 'message/rfc822') {
        expect(ratio, f.mime).toBeLessThan(0.6);
        text++;
      } else {
        expect(ratio, f.mime).toBeGreaterThan(0.95);
        binary++;
      }
    }
    expect(binary).toBeGreaterThan(0);
    expect(text + binary).toBe(rows.length);
  });
});

describe('hostile cases (planted on purpose, see hostile-cases.ts)', () => {
  it('the hostile tenant carries every hostile file name, exactly as uploaded', () => {
    const r = a.records[DEMO_TRAPS.hostileTenantIndex] as TenantRecord;
    withDb(a, r, (db) => {
      const names = (db.prepare('SELECT name FROM files').all() as { name: string }[]).map((x) => x.name);
      for (const h of HOSTILE_FILE_NAMES) expect(names, JSON.stringify(h.name)).toContain(h.name);
      expect(names).toContain('report\u0000.pdf.exe'); // NUL survives the round trip
      expect(names.some((n) => n.length === 300)).toBe(true);
      const nfc = 'Café – Übersicht.pdf'.normalize('NFC');
      const nfd = nfc.normalize('NFD');
      expect(nfc).not.toBe(nfd);
      const owners = db.prepare('SELECT owner_type, owner_id, name FROM files WHERE name IN (?, ?, ?)').all(nfc, nfd, 'contract.pdf') as { owner_type: string; owner_id: number; name: string }[];
      expect(owners).toHaveLength(5);
      expect(new Set(owners.map((o) => `${o.owner_type}/${o.owner_id}`)).size).toBe(1);
    });
  });

  it('text cells start with = + - @, carry quotes, commas, newlines, controls, and one note is over 40,000 characters', () => {
    const r = a.records[DEMO_TRAPS.hostileTenantIndex] as TenantRecord;
    withDb(a, r, (db) => {
      const companies = (db.prepare('SELECT name FROM companies').all() as { name: string }[]).map((x) => x.name);
      for (const name of HOSTILE_COMPANY_NAMES) expect(companies).toContain(name);
      for (const lead of ['=', '+', '-', '@', '\t', '＝']) expect(companies.some((n) => n.startsWith(lead)), lead).toBe(true);
      const bodies = (db.prepare('SELECT body FROM activities WHERE body IS NOT NULL').all() as { body: string }[]).map((x) => x.body);
      const long = bodies.find((x) => x.length > 40_000);
      expect(long).toBe(LONG_NOTE);
      expect((long as string).charCodeAt(32_766)).toBeGreaterThanOrEqual(0xd800); // a surrogate pair straddles the XLSX cut
      expect((long as string).charCodeAt(32_766)).toBeLessThan(0xdc00);
      expect(bodies.some((x) => x.includes('\uFFFF'))).toBe(true);
      const persons = db.prepare('SELECT first_name, last_name FROM persons WHERE id <= 2').all() as { first_name: string; last_name: string }[];
      expect(persons[0]?.first_name).not.toBe(persons[1]?.first_name);
      expect(persons[0]?.first_name.normalize('NFC')).toBe(persons[1]?.first_name.normalize('NFC'));
      const values = (db.prepare('SELECT value FROM custom_field_values WHERE value IS NOT NULL').all() as { value: string }[]).map((x) => x.value);
      expect(values).toContain('12345678901234567890');
      expect(values).toContain('00012345');
      expect(values.some((v) => v.startsWith('='))).toBe(true);
    });
  });

  it('every tenant has international names, quotes and formula-like text in ordinary places', () => {
    for (const r of a.records) {
      withDb(a, r, (db) => {
        const { n } = db.prepare("SELECT COUNT(*) AS n FROM persons WHERE phone LIKE '+%'").get() as { n: number };
        expect(n).toBeGreaterThan(0);
        const { m } = db.prepare("SELECT COUNT(*) AS m FROM activities WHERE body LIKE '-%' OR body LIKE '@%' OR body LIKE '+%'").get() as { m: number };
        expect(m).toBeGreaterThan(0);
        const nonAscii = db.prepare("SELECT COUNT(*) AS k FROM persons WHERE first_name || last_name GLOB '*[^ -~]*'").get() as { k: number };
        expect(nonAscii.k).toBeGreaterThan(0);
      });
    }
  });
});

describe('generateFleet', () => {
  it('a default-size fleet of 5 tenants finishes, reports progress, and leaves only complete files', async () => {
    const dir = join(root, 'five');
    const store = new LocalObjectStore({ dir: join(dir, 'objects') });
    runs.push({ dir, store, records: [] });
    const reports: { done: number; total: number | null }[] = [];
    const records = await generateFleet({
      tenantsDir: join(dir, 'tenants'),
      objectStore: store,
      tenants: 5,
      size: 'small',
      seed: 1,
      asOf,
      progress: (p) => reports.push({ done: p.done, total: p.total }),
    });
    expect(records.map((r) => r.id)).toEqual(['t-000001', 't-000002', 't-000003', 't-000004', 't-000005']);
    expect(new Set(records.map((r) => r.slug)).size).toBe(5);
    expect(readdirSync(join(dir, 'tenants')).sort()).toEqual(records.map((r) => r.dbLocation));
    expect(reports.at(-1)).toEqual({ done: 5, total: 5 });
    expect(records.slice(0, 3)).toEqual(a.records);
  });

  it('is cancellable and leaves no half-written database behind', async () => {
    const dir = join(root, 'cancelled');
    const store = new LocalObjectStore({ dir: join(dir, 'objects') });
    runs.push({ dir, store, records: [] });
    const ac = new AbortController();
    const pre = new AbortController();
    pre.abort();
    await expect(generateFleet({ tenantsDir: join(dir, 'tenants'), objectStore: store, tenants: 3, size: 'small', seed: 1, asOf, signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const p = generateFleet({
      tenantsDir: join(dir, 'tenants'),
      objectStore: store,
      tenants: 20,
      size: 'small',
      seed: 1,
      asOf,
      signal: ac.signal,
      progress: (x) => {
        if (x.done >= 1) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const left = readdirSync(join(dir, 'tenants'));
    expect(left.filter((f) => !/^t-\d{6}\.sqlite$/.test(f))).toEqual([]);
    expect(left.length).toBeLessThan(20);
  });

  it('refuses bad inputs', async () => {
    const o = { tenantsDir: join(root, 'bad'), objectStore: a.store, tenants: 1, size: 'small' as const, seed: 1, asOf };
    await expect(generateFleet({ ...o, seed: 1.5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(generateFleet({ ...o, size: 'huge' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(generateFleet({ ...o, asOf: new Date('nope') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(generateTenant({ ...o, index: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('regenerating over an existing fleet gives the same bytes (a crashed seed can simply run again)', async () => {
    const before = dbFiles(a.dir);
    await generateTenant({ tenantsDir: join(a.dir, 'tenants'), objectStore: a.store, index: 1, size: 'small', seed: 1, asOf });
    expect(dbFiles(a.dir)).toEqual(before);
  });
});
