import type Database from 'better-sqlite3';

/** Small SQLite reads shared by the snapshot writer and verifier. */

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Every user table (the CRM's and schema_meta), sorted. */
export function userTables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

export function countRows(db: Database.Database): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of userTables(db)) out[t] = (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(t)}`).get() as { n: number }).n;
  return out;
}

/** The tenant schema version in schema_meta, or null when it is absent or not a whole number. */
export function readSchemaVersion(db: Database.Database): number | null {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_meta'").get();
  if (!hasMeta) return null;
  const row = db.prepare("SELECT value FROM schema_meta WHERE key = 'schema_version'").get() as { value: unknown } | undefined;
  if (row === undefined) return null;
  const text = String(row.value);
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/** `PRAGMA integrity_check`, at most `maxErrors` lines; `['ok']` when the file is sound. */
export function integrityCheck(db: Database.Database, maxErrors = 20): string[] {
  const rows = db.pragma(`integrity_check(${Math.max(1, Math.floor(maxErrors))})`) as Array<Record<string, unknown>>;
  // One row may carry several lines ("*** in database main ***\nTree 17 page 17 cell 42: …").
  return rows
    .flatMap((r) => String(Object.values(r)[0]).split('\n'))
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\*\*\* in database \w+ \*\*\*$/.test(l));
}

export function sqliteCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export function isCorruptionError(e: unknown): boolean {
  const code = sqliteCode(e) ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB');
}
