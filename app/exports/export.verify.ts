import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CustosError } from '../shared/errors';
import { noProgress, throwIfAborted, type ProgressSink } from '../shared/progress';
import { readCsvRecords } from './csv.reader';
import { readFileChunks } from './file-chunks';
import { IdSet } from './id-set';
import { readTarGz } from './tar.reader';
import { readSheetRows, readZipDirectory, workbookSheets, type ZipEntryInfo } from './xlsx.reader';

/**
 * `custos export verify <dir>` (issue 4): re-checks a package from the disk alone.
 *
 * 1. SHA256SUMS: every file listed, no file unlisted (symlinks and other oddities are
 *    problems too), every hash right.
 * 2. Every list: its header is its Table Schema's fields, its row count is the one
 *    datapackage.json records, IDs are present and strictly ascending (so unique),
 *    and every foreign key resolves — except dangling references that report.json
 *    lists, which must then match in number exactly. The XLSX copy of a list must hold
 *    the same rows (count and the sequence of IDs) as the CSV copy.
 * 3. Every archive entry matches, in order, a files-list row with status ok: the
 *    volume named in `archive`, the path in `archive_path`, its size and SHA-256; no
 *    ok row without its entry; each volume ends with tar's end blocks.
 *
 * `inspectExport` returns the findings; `verifyExport` throws EXPORT_VERIFY_FAILED
 * naming the first problem's file and row.
 */
export type VerifyProblemCode =
  | 'MANIFEST_INVALID'
  | 'CHECKSUMS_INVALID'
  | 'FILE_NOT_LISTED'
  | 'FILE_MISSING'
  | 'FILE_UNEXPECTED_TYPE'
  | 'CHECKSUM_MISMATCH'
  | 'RESOURCE_HASH_MISMATCH'
  | 'HEADER_MISMATCH'
  | 'ROW_SHAPE'
  | 'ROW_COUNT'
  | 'PRIMARY_KEY'
  | 'FOREIGN_KEY'
  | 'FORMATS_DIFFER'
  | 'ARCHIVE_INVALID'
  | 'ARCHIVE_ENTRY'
  | 'ARCHIVE_ENTRY_MISSING'
  | 'FILES_LIST';

export interface VerifyProblem {
  code: VerifyProblemCode;
  file: string;
  /** Data row number within the file (1 = first row after the header), when the problem is in a row. */
  row?: number;
  sheet?: string;
  id?: string;
  column?: string;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  dir: string;
  files: number;
  bytes: number;
  lists: { name: string; rows: number; expectedRows: number }[];
  danglingReferences: { list: string; column: string; references: string; count: number }[];
  archives: { path: string; entries: number; bytes: number }[];
  problems: VerifyProblem[];
  problemsTotal: number;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  progress?: ProgressSink;
}

const MAX_PROBLEMS = 200;

const fieldSchema = z.looseObject({ name: z.string(), type: z.string() });
const fkSchema = z.looseObject({
  fields: z.union([z.string(), z.array(z.string())]),
  reference: z.looseObject({ resource: z.string(), fields: z.union([z.string(), z.array(z.string())]) }),
});
const resourceSchema = z.looseObject({
  name: z.string(),
  path: z.string(),
  format: z.string().optional(),
  bytes: z.number().optional(),
  hash: z.string().optional(),
  schema: z.looseObject({ fields: z.array(fieldSchema), primaryKey: z.union([z.string(), z.array(z.string())]).optional(), foreignKeys: z.array(fkSchema).optional() }).optional(),
  custos: z
    .looseObject({
      rows: z.number().int().nonnegative(),
      xlsx: z.looseObject({ path: z.string(), sheets: z.array(z.string()), hash: z.string().optional() }).optional(),
    })
    .optional(),
});
const packageSchema = z.looseObject({ resources: z.array(resourceSchema), custos: z.looseObject({ profile: z.string(), formats: z.array(z.string()) }) });
type Resource = z.infer<typeof resourceSchema>;

const reportSchema = z.looseObject({
  warnings: z.array(z.looseObject({ code: z.string(), list: z.string().optional(), column: z.string().optional(), count: z.number() })),
});

const SAFE_INT = /^(?:0|-?[1-9]\d{0,14})$/;
const INT = /^-?\d+$/;

function asArray(x: string | string[] | undefined): string[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

/** -1, 0, 1 ordering of two ID texts: numerically when both are integers. */
function compareIds(a: string, b: string): number {
  if (SAFE_INT.test(a) && SAFE_INT.test(b)) return Math.sign(Number(a) - Number(b));
  if (INT.test(a) && INT.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

class Problems {
  readonly list: VerifyProblem[] = [];
  total = 0;
  add(p: VerifyProblem): void {
    this.total++;
    if (this.list.length < MAX_PROBLEMS) this.list.push(p);
  }
}

async function sha256File(p: string, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<string> {
  const h = createHash('sha256');
  for await (const c of readFileChunks(p, signal ? { signal } : {})) {
    h.update(c);
    onBytes(c.length);
  }
  return h.digest('hex');
}

async function walk(root: string, rel = ''): Promise<{ rel: string; size: number; kind: 'file' | 'other' }[]> {
  const out: { rel: string; size: number; kind: 'file' | 'other' }[] = [];
  for (const name of (await readdir(path.join(root, rel))).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = await lstat(path.join(root, r));
    if (st.isDirectory()) out.push(...(await walk(root, r)));
    else out.push({ rel: r, size: st.size, kind: st.isFile() ? 'file' : 'other' });
  }
  return out;
}

type TableItem = { kind: 'header'; fields: string[]; sheet?: string } | { kind: 'row'; fields: string[]; row: number; sheet?: string };

/** Rows of one list from CSV, or from the sheets of an XLSX workbook (header of every sheet included). */
async function* tableRows(
  dir: string,
  format: 'csv' | 'xlsx',
  rel: string,
  sheets: readonly string[],
  options: { signal?: AbortSignal; onChunk?: (b: Buffer) => void; firstCellOnly?: boolean } = {},
): AsyncGenerator<TableItem> {
  const abs = path.join(dir, rel);
  const signal = options.signal;
  if (format === 'csv') {
    for await (const rec of readCsvRecords(abs, { ...(signal ? { signal } : {}), ...(options.onChunk ? { onChunk: options.onChunk } : {}) })) {
      if (rec.record === 1) yield { kind: 'header', fields: rec.fields };
      else yield { kind: 'row', fields: rec.fields, row: rec.record - 1 };
    }
    return;
  }
  const entries = await readZipDirectory(abs);
  const inBook = await workbookSheets(abs, entries);
  let row = 0;
  for (const name of sheets) {
    const sheet = inBook.find((s) => s.name === name);
    if (!sheet) throw new Error(`sheet "${name}" is not in the workbook`);
    const entry = entries.get(sheet.entry) as ZipEntryInfo;
    if (!entry) throw new Error(`sheet "${name}" has no part in the workbook`);
    for await (const r of readSheetRows(abs, entry, { ...(signal ? { signal } : {}), firstCellOnly: options.firstCellOnly ?? false })) {
      if (r.r === 1) yield { kind: 'header', fields: r.cells, sheet: name };
      else yield { kind: 'row', fields: r.cells, row: ++row, sheet: name };
    }
  }
}

interface ListCheck {
  rows: number;
  idDigest: string;
}

export async function inspectExport(dirIn: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const dir = path.resolve(dirIn);
  const signal = options.signal;
  const progress = options.progress ?? noProgress;
  const problems = new Problems();
  const report: VerifyReport = { ok: false, dir, files: 0, bytes: 0, lists: [], danglingReferences: [], archives: [], problems: problems.list, problemsTotal: 0 };
  const finish = (): VerifyReport => {
    report.problemsTotal = problems.total;
    report.ok = problems.total === 0;
    return report;
  };

  // --- 1. SHA256SUMS against the folder.
  const files = await walk(dir);
  const totalBytes = files.reduce((a, f) => a + f.size, 0);
  let bytesDone = 0;
  let lastEmit = 0;
  const onBytes = (n: number): void => {
    bytesDone += n;
    const now = Date.now();
    if (now - lastEmit > 200) {
      lastEmit = now;
      progress({ phase: 'verify', item: 'checksums', done: bytesDone, total: totalBytes, bytesDone, bytesTotal: totalBytes });
    }
  };
  let sumsText: string;
  try {
    sumsText = await readFile(path.join(dir, 'SHA256SUMS'), 'utf8');
  } catch {
    problems.add({ code: 'CHECKSUMS_INVALID', file: 'SHA256SUMS', detail: 'SHA256SUMS is missing' });
    return finish();
  }
  const listed = new Map<string, string>();
  sumsText.split('\n').forEach((line, i) => {
    if (line === '') return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m || m[2] === undefined) {
      problems.add({ code: 'CHECKSUMS_INVALID', file: 'SHA256SUMS', row: i + 1, detail: 'a line is not "<sha256>  <path>"' });
      return;
    }
    const rel = m[2];
    if (rel.startsWith('/') || rel.includes('\\') || rel.split('/').some((s) => s === '..' || s === '.' || s === '')) {
      problems.add({ code: 'CHECKSUMS_INVALID', file: 'SHA256SUMS', row: i + 1, detail: `the path ${JSON.stringify(rel)} is not inside the package` });
      return;
    }
    listed.set(rel, m[1] as string);
  });
  const onDisk = new Map(files.map((f) => [f.rel, f]));
  for (const f of files) {
    if (f.rel === 'SHA256SUMS') continue;
    if (f.kind !== 'file') problems.add({ code: 'FILE_UNEXPECTED_TYPE', file: f.rel, detail: 'not a regular file (a link or a device): packages hold plain files only' });
    else if (!listed.has(f.rel)) problems.add({ code: 'FILE_NOT_LISTED', file: f.rel, detail: 'the file is not in SHA256SUMS' });
  }
  for (const rel of listed.keys()) {
    const f = onDisk.get(rel);
    if (!f || f.kind !== 'file') problems.add({ code: 'FILE_MISSING', file: rel, detail: 'listed in SHA256SUMS but not in the package' });
  }
  // Every file is read once: lists and archives are hashed while they are checked, the rest at the end.
  const actualHash = new Map<string, string>();
  const hashing = (rel: string): { onChunk: (b: Buffer) => void; done: () => void } => {
    const h = createHash('sha256');
    let bytes = 0;
    return {
      onChunk: (b: Buffer) => {
        h.update(b);
        bytes += b.length;
        onBytes(b.length);
      },
      done: () => {
        if (bytes === onDisk.get(rel)?.size && !actualHash.has(rel)) actualHash.set(rel, h.digest('hex'));
      },
    };
  };
  report.files = files.length;
  report.bytes = totalBytes;

  // --- 2. The manifest and the lists.
  let pkg: z.infer<typeof packageSchema>;
  try {
    pkg = packageSchema.parse(JSON.parse(await readFile(path.join(dir, 'datapackage.json'), 'utf8')));
  } catch (e) {
    problems.add({ code: 'MANIFEST_INVALID', file: 'datapackage.json', detail: `datapackage.json is missing or not a Custos package description (${(e as Error).message.slice(0, 200)})` });
    return finish();
  }
  const reported = new Map<string, number>();
  try {
    const rep = reportSchema.parse(JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')));
    for (const w of rep.warnings) if (w.code === 'DANGLING_REFERENCE' && w.list && w.column) reported.set(`${w.list}.${w.column}`, w.count);
  } catch (e) {
    problems.add({ code: 'MANIFEST_INVALID', file: 'report.json', detail: `report.json is missing or unreadable (${(e as Error).message.slice(0, 200)})` });
  }
  for (const r of pkg.resources) {
    if (!listed.has(r.path)) problems.add({ code: 'FILE_MISSING', file: r.path, detail: `resource ${r.name} points to a file not in the package` });
  }
  const tables = pkg.resources.filter((r) => r.schema && r.custos);
  const byName = new Map(tables.map((r) => [r.name, r]));
  // Referenced lists first, so their IDs are known when the referencing list is read.
  const order: Resource[] = [];
  const visiting = new Set<string>();
  const visit = (r: Resource): void => {
    if (order.includes(r) || visiting.has(r.name)) return;
    visiting.add(r.name);
    for (const fk of r.schema?.foreignKeys ?? []) {
      const target = byName.get(fk.reference.resource);
      if (target && target !== r) visit(target);
    }
    order.push(r);
  };
  tables.forEach(visit);
  const referenced = new Set(tables.flatMap((r) => (r.schema?.foreignKeys ?? []).map((fk) => fk.reference.resource)));
  const idSets = new Map<string, IdSet>();
  for (const fk of tables.flatMap((r) => r.schema?.foreignKeys ?? [])) {
    if (!byName.has(fk.reference.resource)) problems.add({ code: 'MANIFEST_INVALID', file: 'datapackage.json', detail: `a foreign key points to the resource ${fk.reference.resource}, which is not in the package` });
  }

  const checkList = async (r: Resource, format: 'csv' | 'xlsx', rel: string, sheets: readonly string[], full: boolean): Promise<ListCheck | null> => {
    const hasher = format === 'csv' && !actualHash.has(rel) ? hashing(rel) : null;
    const fields = (r.schema?.fields ?? []).map((f) => f.name);
    const idAt = fields.indexOf('id');
    const fks = (r.schema?.foreignKeys ?? []).map((fk) => ({ col: asArray(fk.fields)[0] as string, at: fields.indexOf(asArray(fk.fields)[0] as string), target: fk.reference.resource }));
    // A list that references itself needs all of its IDs before its references are checked.
    const selfRef = full && fks.some((fk) => fk.target === r.name);
    const ids = full && referenced.has(r.name) && !selfRef ? new IdSet() : null;
    if (selfRef) {
      const own = new IdSet();
      for await (const item of tableRows(dir, format, rel, sheets, { ...(signal ? { signal } : {}), firstCellOnly: true })) if (item.kind === 'row') own.add(item.fields[0] ?? '');
      idSets.set(r.name, own);
    }
    const dangling = new Map<string, { count: number; first: VerifyProblem | null }>();
    const digest = createHash('sha256');
    let rows = 0;
    let prev: string | null = null;
    try {
      for await (const item of tableRows(dir, format, rel, sheets, {
        ...(signal ? { signal } : {}),
        ...(hasher ? { onChunk: hasher.onChunk } : {}),
        firstCellOnly: !full,
      })) {
        if (item.kind === 'header') {
          if (item.fields.length !== fields.length || item.fields.some((f, i) => f !== fields[i])) {
            problems.add({ code: 'HEADER_MISMATCH', file: rel, ...(item.sheet ? { sheet: item.sheet } : {}), detail: `the header is not the columns datapackage.json describes for ${r.name}` });
            return null;
          }
          continue;
        }
        rows++;
        const where = { file: rel, row: item.row, ...(item.sheet ? { sheet: item.sheet } : {}) };
        // XLSX leaves empty cells out, so a short row is fine there; a long one never is.
        if (full && (format === 'csv' ? item.fields.length !== fields.length : item.fields.length > fields.length)) {
          problems.add({ code: 'ROW_SHAPE', ...where, detail: `the row has ${item.fields.length} fields, the header ${fields.length}` });
          continue;
        }
        const id = item.fields[idAt] ?? '';
        digest.update(id + '\n');
        if (id === '') problems.add({ code: 'PRIMARY_KEY', ...where, detail: 'a row without an ID' });
        else if (prev !== null && compareIds(prev, id) >= 0) problems.add({ code: 'PRIMARY_KEY', ...where, id, detail: `IDs are not strictly ascending (${prev} then ${id}): duplicate or out of order` });
        prev = id;
        if (!full) continue;
        ids?.add(id);
        for (const fk of fks) {
          const v = item.fields[fk.at] ?? '';
          if (v === '') continue;
          const target = idSets.get(fk.target);
          if (!target || target.has(v)) continue;
          const k = `${r.name}.${fk.col}`;
          let d = dangling.get(k);
          if (!d) dangling.set(k, (d = { count: 0, first: null }));
          d.count++;
          d.first ??= { code: 'FOREIGN_KEY', ...where, id, column: fk.col, detail: `${fk.col} ${v} is not an ID in ${fk.target}` };
        }
      }
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      problems.add({ code: 'ROW_SHAPE', file: rel, detail: `the file cannot be read: ${(e as Error).message.slice(0, 200)}` });
      return null;
    }
    hasher?.done();
    if (full) {
      if (ids) idSets.set(r.name, ids);
      if (selfRef && idAt !== 0) problems.add({ code: 'MANIFEST_INVALID', file: rel, detail: 'a self-referencing list must start with its ID' });
      for (const fk of fks) {
        const k = `${r.name}.${fk.col}`;
        const got = dangling.get(k)?.count ?? 0;
        const said = reported.get(k) ?? 0;
        if (got > 0 || said > 0) report.danglingReferences.push({ list: r.name, column: fk.col, references: fk.target, count: got });
        if (got !== said) {
          const first = dangling.get(k)?.first;
          problems.add(
            first
              ? { ...first, detail: `${first.detail}; ${got} such reference(s) in ${r.name}.${fk.col}, report.json lists ${said}` }
              : { code: 'FOREIGN_KEY', file: rel, column: fk.col, detail: `report.json lists ${said} dangling reference(s) in ${r.name}.${fk.col}, there are ${got}` },
          );
        }
      }
    }
    return { rows, idDigest: digest.digest('hex') };
  };

  for (const r of order) {
    throwIfAborted(signal ?? new AbortController().signal);
    progress({ phase: 'verify', item: r.name, done: 0, total: r.custos?.rows ?? null, bytesDone, bytesTotal: totalBytes });
    const expected = r.custos?.rows ?? 0;
    const primaryFormat = r.format === 'xlsx' ? 'xlsx' : 'csv';
    const primarySheets = primaryFormat === 'xlsx' ? (r.custos?.xlsx?.sheets ?? []) : [];
    const primary = await checkList(r, primaryFormat, r.path, primarySheets, true);
    if (primary) {
      report.lists.push({ name: r.name, rows: primary.rows, expectedRows: expected });
      if (primary.rows !== expected) problems.add({ code: 'ROW_COUNT', file: r.path, detail: `${primary.rows} rows, datapackage.json says ${expected}` });
    }
    const x = r.custos?.xlsx;
    if (x && primaryFormat === 'csv') {
      const second = await checkList(r, 'xlsx', x.path, x.sheets, false);
      if (second && primary && (second.rows !== primary.rows || second.idDigest !== primary.idDigest)) {
        problems.add({ code: 'FORMATS_DIFFER', file: x.path, detail: `the XLSX copy of ${r.name} holds ${second.rows} rows, the CSV ${primary.rows}${second.rows === primary.rows ? ', with other IDs' : ''}` });
      }
    }
  }

  // --- 3. Archives against the files list.
  const filesRes = tables.find((r) => (r.schema?.fields ?? []).some((f) => f.name === 'archive_path'));
  const volumes = files.filter((f) => /^attachments\/[^/]+\.tar\.gz$/.test(f.rel)).map((f) => f.rel);
  if (filesRes) {
    const fields = (filesRes.schema?.fields ?? []).map((f) => f.name);
    const at = (n: string): number => fields.indexOf(n);
    const [iId, iSize, iSha, iStatus, iArchive, iPath] = ['id', 'size', 'sha256', 'status', 'archive', 'archive_path'].map(at) as [number, number, number, number, number, number];
    const format = filesRes.format === 'xlsx' ? 'xlsx' : 'csv';
    const rowsIt = tableRows(dir, format, filesRes.path, format === 'xlsx' ? (filesRes.custos?.xlsx?.sheets ?? []) : [], signal ? { signal } : {})[Symbol.asyncIterator]();
    const nextOk = async (): Promise<{ f: string[]; row: number } | null> => {
      for (;;) {
        const n = await rowsIt.next();
        if (n.done) return null;
        if (n.value.kind !== 'row') continue;
        const f = n.value.fields;
        if (f[iStatus] === 'ok') return { f, row: n.value.row };
        if ((f[iArchive] ?? '') !== '' || (f[iPath] ?? '') !== '') {
          problems.add({ code: 'FILES_LIST', file: filesRes.path, row: n.value.row, id: f[iId] ?? '', detail: `a file with status ${f[iStatus]} names an archive` });
        }
      }
    };
    try {
      let expected = await nextOk();
      for (const vol of volumes) {
        let entries = 0;
        let bytes = 0;
        const hasher = hashing(vol);
        try {
          for await (const e of readTarGz(path.join(dir, vol), { ...(signal ? { signal } : {}), onChunk: hasher.onChunk })) {
            entries++;
            bytes += e.size;
            if (!expected) {
              problems.add({ code: 'ARCHIVE_ENTRY', file: vol, detail: `the entry ${JSON.stringify(e.path)} matches no files-list row with status ok` });
              continue;
            }
            const f = expected.f;
            const mismatch =
              e.type !== 'File'
                ? 'it is not a plain file'
                : f[iArchive] !== vol
                  ? `the files list puts file ${f[iId]} in ${f[iArchive]}`
                  : f[iPath] !== e.path
                    ? `the files list expects ${JSON.stringify(f[iPath])} next`
                    : String(e.size) !== f[iSize]
                      ? `its size is ${e.size}, the files list says ${f[iSize]}`
                      : e.sha256 !== (f[iSha] ?? '').toLowerCase()
                        ? 'its SHA-256 differs from the files list'
                        : null;
            if (mismatch) problems.add({ code: 'ARCHIVE_ENTRY', file: vol, row: expected.row, id: f[iId] ?? '', detail: `entry ${JSON.stringify(e.path)}: ${mismatch}` });
            expected = await nextOk();
          }
        } catch (err) {
          if ((err as Error).name === 'AbortError') throw err;
          problems.add({ code: 'ARCHIVE_INVALID', file: vol, detail: `the archive cannot be read to the end: ${(err as Error).message.slice(0, 200)}` });
        }
        hasher.done();
        report.archives.push({ path: vol, entries, bytes });
        progress({ phase: 'verify', item: vol, done: entries, total: null, bytesDone, bytesTotal: totalBytes });
      }
      while (expected) {
        problems.add({ code: 'ARCHIVE_ENTRY_MISSING', file: expected.f[iArchive] || filesRes.path, row: expected.row, id: expected.f[iId] ?? '', detail: `file ${expected.f[iId]} has status ok but is not in its archive` });
        expected = await nextOk();
      }
    } finally {
      await rowsIt.return?.(undefined);
    }
  } else if (volumes.length) {
    problems.add({ code: 'FILES_LIST', file: volumes[0] as string, detail: 'archives without a files list' });
  }
  // --- 4. Whatever was not read above, then every hash against SHA256SUMS and datapackage.json.
  for (const [rel] of listed) {
    const f = onDisk.get(rel);
    if (!f || f.kind !== 'file' || actualHash.has(rel)) continue;
    throwIfAborted(signal ?? new AbortController().signal);
    actualHash.set(rel, await sha256File(path.join(dir, rel), signal, onBytes));
  }
  for (const [rel, expected] of listed) {
    const got = actualHash.get(rel);
    if (got !== undefined && got !== expected) problems.add({ code: 'CHECKSUM_MISMATCH', file: rel, detail: `SHA-256 is ${got}, SHA256SUMS says ${expected}` });
  }
  for (const r of pkg.resources) {
    const h = actualHash.get(r.path);
    if (r.hash && h && r.hash !== `sha256:${h}`) problems.add({ code: 'RESOURCE_HASH_MISMATCH', file: r.path, detail: 'datapackage.json records another hash than the file has' });
    const x = r.custos?.xlsx;
    const xh = x ? actualHash.get(x.path) : undefined;
    if (x?.hash && xh && x.hash !== `sha256:${xh}`) problems.add({ code: 'RESOURCE_HASH_MISMATCH', file: x.path, detail: 'datapackage.json records another hash than the file has' });
  }
  progress({ phase: 'verify', done: totalBytes, total: totalBytes, bytesDone: totalBytes, bytesTotal: totalBytes });
  return finish();
}

export function verifyFailure(report: VerifyReport, dir = report.dir): CustosError {
  const first = report.problems[0];
  const where = first ? `${first.file}${first.sheet ? ` (sheet ${first.sheet})` : ''}${first.row !== undefined ? `, row ${first.row}` : ''}${first.id ? `, ID ${first.id}` : ''}` : dir;
  return new CustosError(
    'EXPORT_VERIFY_FAILED',
    `The export package failed its check: ${first?.detail ?? 'unknown problem'} — in ${where}${report.problemsTotal > 1 ? ` (and ${report.problemsTotal - 1} more problem(s))` : ''}.`,
    'Do not hand this package to the customer. Run the export again; if the check fails again, send the report to the engineering team.',
    { dir, problems: report.problems.slice(0, 20), problemsTotal: report.problemsTotal },
  );
}

/** Verifies a package; throws EXPORT_VERIFY_FAILED with the first problem's file and row. */
export async function verifyExport(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const report = await inspectExport(dir, options);
  if (!report.ok) throw verifyFailure(report);
  return report;
}
