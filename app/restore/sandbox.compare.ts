/**
 * Sandbox vs live (issue 6): per entity, rows only in the snapshot (deleted since),
 * only live (created since), and changed (same ID, any column differs — updated_at
 * alone is not trusted, a CRM import may rewrite rows without touching it).
 *
 * Both files are read in one read-only connection (the live one ATTACHed, which
 * inherits the read-only flag), so SQLite does the set arithmetic on the primary
 * keys: no rows are pulled into JavaScript to be counted.
 */
import Database from 'better-sqlite3';
import { ENTITIES, ENTITY_ORDER, entity, type EntityName } from '../schema';
import { quoteIdent } from '../backups/snapshot.sqlite';
import { CustosError } from '../shared/errors';

export interface EntityComparison {
  entity: EntityName;
  label: string;
  snapshot: number;
  live: number;
  onlySnapshot: number;
  onlyLive: number;
  changed: number;
}

export type DiffFilter = 'all' | 'onlySnapshot' | 'onlyLive' | 'changed';

function openPair(sandboxPath: string, livePath: string): Database.Database {
  const db = new Database(sandboxPath, { readonly: true, fileMustExist: true });
  try {
    db.prepare('ATTACH DATABASE ? AS live').run(livePath);
  } catch (e) {
    db.close();
    throw new CustosError('TENANT_DATABASE_MISSING', `The live database cannot be opened for the comparison: ${(e as Error).message}.`, 'Check the tenant database on the tenant page.');
  }
  return db;
}

function differs(e: EntityName, a: string, b: string): string {
  return entity(e)
    .columns.filter((c) => c.name !== 'id')
    .map((c) => `${a}.${quoteIdent(c.name)} IS NOT ${b}.${quoteIdent(c.name)}`)
    .join(' OR ');
}

export function compareWithLive(sandboxPath: string, livePath: string): EntityComparison[] {
  const db = openPair(sandboxPath, livePath);
  try {
    return ENTITY_ORDER.map((name) => {
      const t = quoteIdent(name);
      const n = (q: string) => (db.prepare(q).get() as { n: number }).n;
      return {
        entity: name,
        label: entity(name).label,
        snapshot: n(`SELECT count(*) AS n FROM main.${t}`),
        live: n(`SELECT count(*) AS n FROM live.${t}`),
        onlySnapshot: n(`SELECT count(*) AS n FROM main.${t} s WHERE NOT EXISTS (SELECT 1 FROM live.${t} l WHERE l.id = s.id)`),
        onlyLive: n(`SELECT count(*) AS n FROM live.${t} l WHERE NOT EXISTS (SELECT 1 FROM main.${t} s WHERE s.id = l.id)`),
        changed: n(`SELECT count(*) AS n FROM main.${t} s JOIN live.${t} l ON l.id = s.id WHERE ${differs(name, 's', 'l')}`),
      };
    });
  } finally {
    db.close();
  }
}

export interface DiffPage {
  columns: string[];
  /** Snapshot rows (live rows for `onlyLive`). */
  rows: Record<string, unknown>[];
  /** For changed rows: the columns whose values differ, by row ID. */
  changedColumns: Record<string, string[]>;
  nextAfterId: number | null;
}

/** One page of an entity's rows in the sandbox, optionally only those in a diff class. */
export function sandboxRecords(sandboxPath: string, livePath: string | null, name: EntityName, filter: DiffFilter, afterId: number, limit: number): DiffPage {
  if (!ENTITIES.some((e) => e.name === name)) throw new CustosError('INVALID_INPUT', `Unknown entity ${name}.`, 'Pick an entity from the list.');
  const cols = entity(name).columns.map((c) => c.name);
  const t = quoteIdent(name);
  const list = (p: string) => cols.map((c) => `${p}.${quoteIdent(c)}`).join(', ');
  if (filter !== 'all' && livePath === null) throw new CustosError('TENANT_DATABASE_MISSING', 'There is no live database to compare with.', 'Browse all records instead.');
  const db = filter === 'all' ? new Database(sandboxPath, { readonly: true, fileMustExist: true }) : openPair(sandboxPath, livePath!);
  try {
    let q: string;
    switch (filter) {
      case 'all':
        q = `SELECT ${list('s')} FROM main.${t} s WHERE s.id > ? ORDER BY s.id LIMIT ?`;
        break;
      case 'onlySnapshot':
        q = `SELECT ${list('s')} FROM main.${t} s WHERE s.id > ? AND NOT EXISTS (SELECT 1 FROM live.${t} l WHERE l.id = s.id) ORDER BY s.id LIMIT ?`;
        break;
      case 'onlyLive':
        q = `SELECT ${list('l')} FROM live.${t} l WHERE l.id > ? AND NOT EXISTS (SELECT 1 FROM main.${t} s WHERE s.id = l.id) ORDER BY l.id LIMIT ?`;
        break;
      case 'changed':
        q = `SELECT ${list('s')} FROM main.${t} s JOIN live.${t} l ON l.id = s.id WHERE s.id > ? AND (${differs(name, 's', 'l')}) ORDER BY s.id LIMIT ?`;
        break;
    }
    const rows = db.prepare(q).all(afterId, limit + 1) as Record<string, unknown>[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const changedColumns: Record<string, string[]> = {};
    if (filter === 'changed' && page.length > 0) {
      const live = db.prepare(`SELECT * FROM live.${t} WHERE id = ?`);
      for (const r of page) {
        const l = live.get(r.id) as Record<string, unknown>;
        changedColumns[String(r.id)] = cols.filter((c) => r[c] !== l[c]);
      }
    }
    return { columns: cols, rows: page, changedColumns, nextAfterId: more ? Number(page[page.length - 1]!.id) : null };
  } finally {
    db.close();
  }
}
