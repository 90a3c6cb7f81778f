import Database from 'better-sqlite3';
import { ENTITY_ORDER, entity, tenantDdl, type ColumnDef } from '../schema';

/**
 * Test and benchmark tenant databases made from the schema description (not the demo
 * generator): `rows` rows in every table, deterministic values, optional padding to
 * make the file larger. Returns nothing open.
 */
export interface TenantDbFixtureOptions {
  rows?: number;
  /** Overrides schema_meta's schema_version (e.g. a version this console cannot restore). */
  schemaVersion?: number;
  journalMode?: 'DELETE' | 'WAL';
  /** Extra characters in each activity body (file size knob). */
  bodyChars?: number;
  /** Rows of activities alone (the big table), default = rows. */
  activities?: number;
}

const WORDS = ['call', 'meeting', 'offer', 'renewal', 'invoice', 'follow-up', 'demo', 'contract', 'budget', 'quarter', 'review', 'support', 'lunch', 'visit'];

function value(c: ColumnDef, i: number, bodyChars: number): unknown {
  switch (c.type) {
    case 'ref':
      return 1 + (i % 5);
    case 'integer':
      return i;
    case 'boolean':
      return i % 2;
    case 'decimal':
      return `${i % 1000}.50`;
    case 'datetime':
      return new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    case 'date':
      return '2025-01-01';
    default: {
      if (c.enum) return c.enum[i % c.enum.length];
      if (c.name === 'body' && bodyChars > 0) {
        let s = '';
        for (let k = 0; s.length < bodyChars; k++) s += `${WORDS[(i * 7 + k * 3) % WORDS.length]} ${(i * 31 + k) % 997} `;
        return s.slice(0, bodyChars);
      }
      return `${c.name} ${i}`;
    }
  }
}

export function createTestTenantDb(path: string, options: TenantDbFixtureOptions = {}): void {
  const rows = options.rows ?? 20;
  const bodyChars = options.bodyChars ?? 0;
  const db = new Database(path);
  try {
    db.pragma(`journal_mode = ${options.journalMode ?? 'DELETE'}`);
    db.transaction(() => {
      for (const stmt of tenantDdl()) db.exec(stmt);
    })();
    if (options.schemaVersion !== undefined) {
      db.prepare("UPDATE schema_meta SET value = ? WHERE key = 'schema_version'").run(String(options.schemaVersion));
    }
    for (const name of ENTITY_ORDER) {
      const e = entity(name);
      const cols = e.columns.filter((c) => c.type !== 'id');
      const insert = db.prepare(`INSERT INTO "${e.name}" (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      const n = name === 'activities' ? (options.activities ?? rows) : rows;
      const batch = 10_000;
      for (let start = 0; start < n; start += batch) {
        db.transaction(() => {
          for (let i = start; i < Math.min(n, start + batch); i++) insert.run(...cols.map((c) => value(c, i, bodyChars)));
        })();
      }
    }
  } finally {
    db.close();
  }
}

/** Row counts of every table, straight from the file (for assertions). */
export function tableCounts(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, number> = {};
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]) {
      out[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}
