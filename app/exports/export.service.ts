import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { TENANT_SCHEMA_VERSION, type EntityName } from '../schema';
import type { Clock } from '../shared/clock.port';
import { CustosError } from '../shared/errors';
import { fsyncDir } from '../shared/fs-atomic';
import { throwIfAborted, type ProgressReport, type ProgressSink } from '../shared/progress';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { objectKeys } from '../storage/object-store/object-store.port';
import type { TenantDatabase } from '../storage/sqlite/tenant-database.port';
import { AttachmentArchiver, type AttachmentRow } from './attachments.archiver';
import { CsvListWriter } from './csv.list-writer';
import { CustomFieldIndex, type CustomFieldLookup } from './custom-fields.index';
import { cellText, normaliserFor, type Cell, type CellIssueKind, type CellIssueSink, type Normaliser } from './export.cells';
import {
  checkExportDestination,
  estimateExportBytes,
  folderTimestamp,
  freeFolderNames,
  removeStalePartials,
  writeLock,
} from './export.destination';
import {
  deriveLists,
  isKnownCustomFieldType,
  referencedEntities,
  writeOrder,
  type CustomFieldDefinition,
  type ExportColumn,
  type ExportFormat,
  type ExportList,
  type ExportProfile,
} from './export.lists';
import { buildDataPackage, buildReadme, type ListOutcome, type PackageMeta } from './export.manifest';
import { ExportReport, type ExportWarning } from './export.report';
import { DEFAULT_EXPORT_BATCH, rowBatches } from './export.row-source';
import { inspectExport, verifyFailure, type VerifyReport } from './export.verify';
import { HashingFile, type WrittenFile } from './hashing-file';
import { IdSet } from './id-set';
import { DEFAULT_GZIP_LEVEL, DEFAULT_VOLUME_LIMIT_BYTES, TarGzVolumes } from './tar-gz.volumes';
import { EXCEL_MAX_DATA_ROWS, XlsxWorkbookWriter, type ColumnTally, type XlsxSheetGroup } from './xlsx.writer';

/**
 * The export job (issue 4, PRODUCT.md "Exports"): every list of the profile as CSV
 * and/or XLSX, the attached files in .tar.gz volumes, datapackage.json, README.txt,
 * report.json/.txt and SHA256SUMS — written under a temporary name, verified by
 * reading it all back, and only then renamed into place (CONVENTIONS.md §8), so a
 * cancel or a crash never leaves anything under the final name.
 *
 * Memory is bounded whatever the tenant size: rows stream in batches, writers respect
 * backpressure, custom field values wait in a scratch SQLite file, and the only thing
 * that grows with the tenant is the ID sets of referenced lists (8 bytes an ID).
 */
export interface RunExportInput {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  db: TenantDatabase;
  objectStore: ObjectStore;
  profile: ExportProfile;
  formats: ExportFormat[];
  outDir: string;
  /** OWASP formula neutralising in CSV (default true; false for machine re-import). */
  neutraliseFormulas?: boolean;
  /** UTF-8 BOM in CSV (default: on for people, i.e. follows neutraliseFormulas). */
  csvByteOrderMark?: boolean;
  volumeLimitBytes?: number;
  xlsxRowLimit?: number;
  staff: { id: string; label: string };
  billing: { status: 'free' | 'billable'; reference?: string };
  appVersion: string;
  clock: Clock;
  signal: AbortSignal;
  progress: ProgressSink;
  /** Head of the audit chain when the export started, recorded in datapackage.json. */
  auditHead?: unknown;
  /** Attachment keys must start with this (default: the tenant's own area of the store). */
  attachmentKeyPrefix?: string;
  gzipLevel?: number;
  batchSize?: number;
}

export interface ExportResult {
  path: string;
  /** SHA-256 of the SHA256SUMS file: one value that pins the whole package (for the audit log and the ledger). */
  sha256sumsDigest: string;
  status: 'completed' | 'completed_with_warnings';
  counts: Record<string, number>;
  warnings: ExportWarning[];
  /** Total bytes of the package. */
  bytes: number;
  files: { ok: number; missing: number; mismatch: number; refused: number; volumes: string[] };
  startedAt: string;
  finishedAt: string;
  verify: Pick<VerifyReport, 'files' | 'bytes' | 'danglingReferences'>;
}

/** Progress with an overall fraction for an ETA: `phase`/`item`/`done`/`total` describe the current list or stage. */
export interface ExportProgressReport extends ProgressReport {
  overallDone: number;
  overallTotal: number;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SILENT: CellIssueSink = { cellIssue() {} };
const PROGRESS_EVERY_MS = 200;

function invalidInput(message: string, hint: string): CustosError {
  return new CustosError('INVALID_INPUT', message, hint);
}

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Error).name === 'AbortError';
}

/** Parses custom field definitions at the boundary: a damaged row is reported, not trusted. */
async function readCustomFieldDefinitions(db: TenantDatabase, report: ExportReport, signal: AbortSignal, batchSize: number): Promise<CustomFieldDefinition[]> {
  const defs: CustomFieldDefinition[] = [];
  const cols = ['id', 'entity', 'key', 'label', 'field_type', 'options', 'position'];
  for await (const batch of rowBatches(db, 'custom_field_definitions', { columns: cols, batchSize, signal })) {
    for (const [id, entity, key, label, fieldType, options, position] of batch) {
      const idNum = typeof id === 'bigint' ? Number(id) : id;
      if (typeof idNum !== 'number' || !Number.isSafeInteger(idNum)) {
        report.add('TYPE_MISMATCH', { list: 'custom_field_definitions', column: 'id' }, 1, { id: String(id) });
        continue;
      }
      const def: CustomFieldDefinition = {
        id: idNum,
        entity: String(entity),
        key: String(key ?? ''),
        label: String(label ?? key ?? ''),
        fieldType: String(fieldType ?? 'text'),
        options: options === null || options === undefined ? null : String(options),
        position: typeof position === 'number' ? position : Number(position) || 0,
      };
      if (!isKnownCustomFieldType(def.fieldType)) report.add('CUSTOM_FIELD_TYPE_UNKNOWN', { list: def.entity, column: def.key }, 1, { id: def.id, value: def.fieldType });
      defs.push(def);
    }
  }
  return defs;
}

interface PreparedColumn {
  col: ExportColumn;
  norm: Normaliser;
  /** Index in the raw row, for column and polymorphic sources. */
  idx: number;
  typeIdx: number;
  target: string | null;
  fieldId: number;
  computed: 'status' | 'archive' | 'archive_path' | null;
  refSet: IdSet | null;
}

interface ListSinks {
  list: ExportList;
  columns: PreparedColumn[];
  csv: CsvListWriter | null;
  xlsxBook: XlsxWorkbookWriter | null;
  xlsx: XlsxSheetGroup | null;
  /** The workbook is shared (basic profile) and closed by the caller. */
  sharedBook: boolean;
  rows: number;
  total: number;
  outcome: ListOutcome;
  /** For a list with exploded polymorphic references: where the pair is in the raw row. */
  poly: { typeIdx: number; idIdx: number; typeColumn: string; targets: Set<string> } | null;
}

class IssueCollector implements CellIssueSink {
  list = '';
  columns: readonly PreparedColumn[] = [];
  rowId: string | number | null = null;
  constructor(private readonly report: ExportReport) {}
  cellIssue(kind: CellIssueKind, column: number): void {
    this.report.cellIssue(kind, this.list, this.columns[column]?.col.name ?? String(column), this.rowId);
  }
}

export async function runExport(input: RunExportInput): Promise<ExportResult> {
  const { db, signal, clock } = input;
  if (!SLUG.test(input.tenantSlug)) throw invalidInput('The tenant slug is not usable in a folder name.', 'Use the tenant’s catalogue slug (lower-case letters, digits and dashes).');
  const formats = [...new Set(input.formats)].filter((f): f is ExportFormat => f === 'csv' || f === 'xlsx');
  if (formats.length === 0) throw invalidInput('Choose at least one format for the export.', 'Pick CSV, XLSX or both.');
  if (input.billing.status === 'billable' && !input.billing.reference?.trim()) {
    throw new CustosError(
      'EXPORT_BILLING_REFERENCE_REQUIRED',
      'This export is billable and needs a billing reference before it starts.',
      'Enter the order or ticket reference under which the export is charged, then start it again.',
    );
  }
  const neutralise = input.neutraliseFormulas ?? true;
  const bom = input.csvByteOrderMark ?? neutralise;
  const rowLimit = input.xlsxRowLimit ?? EXCEL_MAX_DATA_ROWS;
  const volumeLimit = input.volumeLimitBytes ?? DEFAULT_VOLUME_LIMIT_BYTES;
  const batchSize = input.batchSize ?? DEFAULT_EXPORT_BATCH;
  if (!Number.isInteger(rowLimit) || rowLimit < 1 || rowLimit > EXCEL_MAX_DATA_ROWS) throw invalidInput(`The XLSX row limit must be from 1 to ${EXCEL_MAX_DATA_ROWS}.`, 'Leave it at the default unless testing.');
  if (!Number.isFinite(volumeLimit) || volumeLimit < 64 * 1024) throw invalidInput('The archive volume limit must be at least 64 KiB.', 'Leave it at the default (2 GiB) unless the customer needs smaller parts.');

  const startedAt = clock.now();
  const ts = folderTimestamp(startedAt);
  const report = new ExportReport();
  let lastEmit = 0;
  let overallDone = 0;
  let overallTotal = 1;
  let lastOverall = 0;
  const emit = (p: ProgressReport, force = false): void => {
    const now = Date.now();
    if (!force && now - lastEmit < PROGRESS_EVERY_MS) return;
    lastEmit = now;
    // Estimates can be off (files longer than recorded, rows added meanwhile): never let the bar go back.
    lastOverall = Math.max(lastOverall, Math.min(overallDone, overallTotal));
    const full: ExportProgressReport = { ...p, overallDone: lastOverall, overallTotal };
    input.progress(full);
  };

  // --- Prepare: schema, counts, lists, size; all before touching the destination.
  emit({ phase: 'prepare', done: 0, total: null }, true);
  await db.checkSchema();
  const counts = await db.counts();
  throwIfAborted(signal);
  const defs = await readCustomFieldDefinitions(db, report, signal, batchSize);
  const lists = deriveLists(input.profile, defs);
  const listTotals = new Map<string, number>();
  const splitCounts = new Map<EntityName, Record<string, number>>();
  for (const l of lists) {
    if (l.filter) {
      let by = splitCounts.get(l.entity);
      if (!by) splitCounts.set(l.entity, (by = await db.countBy(l.entity, l.filter.column)));
      listTotals.set(l.name, by[l.filter.equals] ?? 0);
    } else listTotals.set(l.name, counts[l.entity]);
  }
  const filesList = lists.find((l) => l.attachments);
  let attachmentBytes = 0;
  if (filesList) {
    for await (const batch of rowBatches(db, filesList.entity, { columns: ['size'], batchSize: 5000, signal })) {
      for (const [size] of batch) if (typeof size === 'number' && size > 0) attachmentBytes += size;
    }
  }
  const dbBytes = await db.sizeBytes();
  const need = estimateExportBytes({ databaseBytes: dbBytes, attachmentBytes, formats });
  const { dir } = await checkExportDestination(input.outDir, need);
  await removeStalePartials(dir, input.tenantSlug, startedAt);
  const names = await freeFolderNames(dir, input.tenantSlug, ts);
  try {
    await mkdir(names.partial, { mode: 0o755 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CustosError('TENANT_BUSY', 'Another export of this tenant started in this folder at the same moment.', 'Wait for it to finish, then start this one again if it is still needed.');
    }
    throw new CustosError('EXPORT_DESTINATION_INVALID', `Custos could not create the export folder in ${dir}.`, 'Check that the folder is writable and not full, then try again.', {
      problem: 'not_writable',
      path: dir,
      cause: (e as NodeJS.ErrnoException).code,
    });
  }
  const lockPath = await writeLock(names.partial, startedAt);
  const partial = names.partial;
  const workDir = path.join(partial, '.work');

  const totalRows = [...listTotals.values()].reduce((a, b) => a + b, 0);
  const perRowWeight = (formats.includes('csv') ? 1 : 0) + (formats.includes('xlsx') ? 3 : 0);
  const verifyUnits = totalRows + attachmentBytes / 65_536;
  overallTotal = Math.max(1, totalRows * perRowWeight + attachmentBytes / 16_384 + verifyUnits);

  const opened: { abort(): Promise<void> }[] = [];
  let customIndex: CustomFieldIndex | null = null;
  let volumes: TarGzVolumes | null = null;
  const written: WrittenFile[] = [];
  try {
    await mkdir(workDir);
    if (formats.includes('csv')) await mkdir(path.join(partial, 'csv'));
    if (formats.includes('xlsx')) await mkdir(path.join(partial, 'xlsx'));

    // Custom field values, re-sorted by record (see custom-fields.index.ts).
    const exportedEntities = new Set<string>(lists.map((l) => l.entity));
    const anyCustom = lists.some((l) => l.columns.some((c) => c.custom));
    if (anyCustom) {
      emit({ phase: 'prepare', item: 'custom fields', done: 0, total: counts.custom_field_values }, true);
      customIndex = await CustomFieldIndex.build(db, defs, exportedEntities, workDir, report, signal);
    }
    const custom: CustomFieldLookup | null = customIndex;

    // ID sets of referenced lists; a pre-pass only where the write order cannot provide them.
    const order = writeOrder(lists, input.profile === 'basic' ? 'as-listed' : 'dependencies');
    const idSets = new Map<EntityName, IdSet>();
    for (const e of referencedEntities(lists)) idSets.set(e, new IdSet());
    for (const e of order.prepass) {
      const set = idSets.get(e) as IdSet;
      for await (const batch of rowBatches(db, e, { columns: ['id'], batchSize: 10_000, signal })) for (const [id] of batch) set.add(normaliserFor('id')(id, SILENT, 0));
    }
    const prepassed = new Set(order.prepass);

    const cutMarker = (list: string) => (n: number) =>
      formats.includes('csv') ? ` […cut: ${n} characters in all; the whole text is in csv/${list}.csv]` : ` […cut: ${n} characters in all]`;
    const sharedBook =
      input.profile === 'basic' && formats.includes('xlsx')
        ? new XlsxWorkbookWriter(path.join(partial, 'xlsx', 'lists.xlsx'), 'xlsx/lists.xlsx', { mtime: startedAt, rowLimit, cutMarker: () => ' […cut]' })
        : null;
    if (sharedBook) opened.push(sharedBook);
    const outcomes = new Map<string, ListOutcome>();
    const sharedSheets = new Map<string, string[]>();

    if (filesList) {
      volumes = new TarGzVolumes({ absDir: path.join(partial, 'attachments'), relDir: 'attachments', limitBytes: volumeLimit, level: input.gzipLevel ?? DEFAULT_GZIP_LEVEL });
      opened.push(volumes);
    }
    const archiver =
      filesList && volumes
        ? new AttachmentArchiver({
            store: input.objectStore,
            keyPrefix: input.attachmentKeyPrefix ?? objectKeys.tenantRoot(input.tenantId),
            volumes,
            workDir,
            signal,
            onBytes: (n) => {
              attachmentsRead += n;
              overallDone += n / 16_384;
            },
          })
        : null;
    let attachmentsRead = 0;

    const issues = new IssueCollector(report);

    for (const entity of order.entities) {
      throwIfAborted(signal);
      const entityLists = lists.filter((l) => l.entity === entity);
      // Raw columns this entity's lists need.
      const rawCols: string[] = ['id'];
      const rawIndex = (c: string): number => {
        let i = rawCols.indexOf(c);
        if (i < 0) i = rawCols.push(c) - 1;
        return i;
      };
      const sinks: ListSinks[] = [];
      for (const l of entityLists) {
        const columns: PreparedColumn[] = l.columns.map((col) => {
          const p: PreparedColumn = { col, norm: normaliserFor(col.kind), idx: -1, typeIdx: -1, target: null, fieldId: -1, computed: null, refSet: null };
          const s = col.source;
          if (s.kind === 'column') p.idx = rawIndex(s.column);
          else if (s.kind === 'polymorphic') {
            p.idx = rawIndex(s.idColumn);
            p.typeIdx = rawIndex(s.typeColumn);
            p.target = s.target;
          } else if (s.kind === 'custom') p.fieldId = s.fieldId;
          else p.computed = s.key;
          if (col.references) p.refSet = idSets.get(col.references.entity) ?? null;
          return p;
        });
        if (l.filter) rawIndex(l.filter.column);
        const header = l.columns.map((c) => c.name);
        const csv = formats.includes('csv') ? new CsvListWriter(path.join(partial, 'csv', `${l.name}.csv`), `csv/${l.name}.csv`, header, { bom, neutraliseFormulas: neutralise }) : null;
        if (csv) opened.push(csv);
        let xlsxBook: XlsxWorkbookWriter | null = null;
        let xlsx: XlsxSheetGroup | null = null;
        const xcols = l.columns.map((c) => ({ name: c.name, kind: c.kind }));
        if (formats.includes('xlsx')) {
          if (sharedBook) xlsx = sharedBook.beginSheetGroup(l.name, xcols);
          else {
            xlsxBook = new XlsxWorkbookWriter(path.join(partial, 'xlsx', `${l.name}.xlsx`), `xlsx/${l.name}.xlsx`, { mtime: startedAt, rowLimit, cutMarker: cutMarker(l.name) });
            opened.push(xlsxBook);
            xlsx = xlsxBook.beginSheetGroup(l.name, xcols);
          }
        }
        const outcome: ListOutcome = { list: l, rows: 0 };
        outcomes.set(l.name, outcome);
        emit({ phase: l.attachments ? 'attachments' : 'list', item: l.name, done: 0, total: listTotals.get(l.name) ?? 0, ...(l.attachments ? { bytesDone: 0, bytesTotal: attachmentBytes } : {}) }, true);
        const polyCols = l.columns.map((c) => c.source).filter((x) => x.kind === 'polymorphic');
        const firstPoly = polyCols[0];
        const poly = firstPoly
          ? { typeIdx: rawIndex(firstPoly.typeColumn), idIdx: rawIndex(firstPoly.idColumn), typeColumn: firstPoly.typeColumn, targets: new Set<string>(polyCols.map((x) => x.target)) }
          : null;
        sinks.push({ list: l, columns, csv, xlsxBook, xlsx, sharedBook: sharedBook !== null, rows: 0, total: listTotals.get(l.name) ?? 0, outcome, poly });
      }
      if (sharedBook && sinks.length > 1) throw new Error('basic profile: one list per entity expected');
      const filterIdx = entityLists[0]?.filter ? rawCols.indexOf(entityLists[0].filter.column) : -1;
      const byFilter = new Map<string, ListSinks>();
      for (const s of sinks) if (s.list.filter) byFilter.set(s.list.filter.equals, s);
      const idSet = idSets.get(entity) && !prepassed.has(entity) ? (idSets.get(entity) as IdSet) : null;
      const hasCustom = sinks.some((s) => s.columns.some((c) => c.fieldId >= 0));
      const idNorm = normaliserFor('id');
      let current = sinks[0] as ListSinks;

      // Per list, the row plan as flat arrays: this loop runs for every row of the tenant.
      const plans = new Map(
        sinks.map((sink) => [
          sink,
          {
            n: sink.columns.length,
            idx: Int32Array.from(sink.columns.map((p) => p.idx)),
            typeIdx: Int32Array.from(sink.columns.map((p) => p.typeIdx)),
            targets: sink.columns.map((p) => p.target),
            fieldIds: Int32Array.from(sink.columns.map((p) => p.fieldId)),
            norms: sink.columns.map((p) => p.norm),
            refSets: sink.columns.map((p) => p.refSet),
            /** Reused for every row of the list: writers copy what they keep (files rows wait for their archive, so they get their own). */
            scratch: new Array<Cell>(sink.columns.length),
          },
        ]),
      );
      const buildRow = (sink: ListSinks, raw: unknown[], customVals: Map<number, unknown> | undefined): Cell[] => {
        const plan = plans.get(sink) as NonNullable<ReturnType<typeof plans.get>>;
        if (issues.list !== sink.list.name) {
          issues.list = sink.list.name;
          issues.columns = sink.columns;
        }
        const n = plan.n;
        const cells = sink.list.attachments ? new Array<Cell>(n) : plan.scratch;
        for (let i = 0; i < n; i++) {
          const at = plan.idx[i] as number;
          let v: unknown = null;
          if (at >= 0) {
            const target = plan.targets[i];
            v = target === null || raw[plan.typeIdx[i] as number] === target ? raw[at] : null;
          } else if ((plan.fieldIds[i] as number) >= 0 && customVals) v = customVals.get(plan.fieldIds[i] as number) ?? null;
          const c = (plan.norms[i] as Normaliser)(v, issues, i);
          cells[i] = c;
          if (c !== null) {
            const ref = plan.refSets[i];
            if (ref && !ref.has(c)) {
              const p = sink.columns[i] as PreparedColumn;
              report.dangling(sink.list.name, p.col.name, p.col.references?.list ?? '', issues.rowId, c as string | number);
            }
          }
        }
        return cells;
      };

      /** Writes a row to every format; true when a writer asks to be drained first. */
      const writeCells = (sink: ListSinks, cells: Cell[]): boolean => {
        sink.rows++;
        overallDone += perRowWeight;
        const a = sink.csv ? sink.csv.writeRow(cells) : false;
        const b = sink.xlsx ? sink.xlsx.writeRow(cells) : false;
        return a || b;
      };
      const drainSink = async (sink: ListSinks): Promise<void> => {
        if (sink.csv) await sink.csv.drain();
        if (sink.xlsx) await sink.xlsx.drain();
      };
      let tick = 0;

      for await (const batch of rowBatches(db, entity, { columns: rawCols, batchSize, signal })) {
        const customMap = hasCustom && custom ? custom.valuesFor(entity, batch.map((r) => r[0])) : null;
        const pendingFiles: { cells: Cell[]; row: AttachmentRow }[] = [];
        for (const raw of batch) {
          const id = idNorm(raw[0], SILENT, 0);
          issues.rowId = typeof id === 'boolean' ? String(id) : id;
          if (idSet) idSet.add(id);
          let sink: ListSinks | undefined = current;
          if (filterIdx >= 0) {
            const t = raw[filterIdx];
            sink = byFilter.get(typeof t === 'string' ? t : String(t));
            if (!sink) {
              report.add('ROWS_NOT_EXPORTED', { list: entity, column: (entityLists[0] as ExportList).filter?.column as string }, 1, { id: issues.rowId, value: cellText(normaliserFor('text')(t, SILENT, 0)) });
              continue;
            }
            current = sink;
          }
          const cells = buildRow(sink, raw, customMap?.get(String(raw[0])));
          // A polymorphic owner of an unknown kind: the row is kept, its owner cannot be linked.
          const poly = sink.poly;
          if (poly && !poly.targets.has(raw[poly.typeIdx] as string)) {
            report.add('TYPE_MISMATCH', { list: sink.list.name, column: poly.typeColumn }, 1, {
              id: issues.rowId,
              value: `${String(raw[poly.typeIdx])} ${String(raw[poly.idIdx])}`,
              detail: 'unknown owner kind: the owner ID cannot be linked',
            });
          }
          if (sink.list.attachments) {
            const col = (name: string): Cell => cells[sink.columns.findIndex((p) => p.col.name === name)] ?? null;
            const when = col('updated_at') ?? col('created_at');
            const ms = typeof when === 'string' ? Date.parse(when) : NaN;
            pendingFiles.push({ cells, row: { id: col('id'), name: col('name'), size: col('size'), sha256: col('sha256'), objectKey: col('object_key'), mtime: Number.isNaN(ms) ? startedAt : new Date(ms) } });
            continue;
          }
          if (writeCells(sink, cells)) await drainSink(sink);
          if ((++tick & 1023) === 0) emit({ phase: 'list', item: sink.list.name, done: sink.rows, total: sink.total });
        }
        if (pendingFiles.length && archiver) {
          const sink = current;
          const outcomesOfBatch = await archiver.process(pendingFiles.map((f) => f.row));
          const statusAt = sink.columns.findIndex((p) => p.computed === 'status');
          const archiveAt = sink.columns.findIndex((p) => p.computed === 'archive');
          const pathAt = sink.columns.findIndex((p) => p.computed === 'archive_path');
          for (let i = 0; i < pendingFiles.length; i++) {
            const f = pendingFiles[i] as { cells: Cell[]; row: AttachmentRow };
            const o = outcomesOfBatch[i] as (typeof outcomesOfBatch)[number];
            f.cells[statusAt] = o.status;
            f.cells[archiveAt] = o.archive;
            f.cells[pathAt] = o.archivePath;
            const fid = typeof f.row.id === 'boolean' ? String(f.row.id) : f.row.id;
            if (o.status === 'ok') {
              report.files.ok++;
              report.files.archivedBytes += o.bytes;
              if (o.oversize) report.add('FILE_LARGER_THAN_VOLUME', { list: 'files' }, 1, { id: fid, value: typeof f.row.name === 'string' ? f.row.name : null, detail: `alone in ${o.archive}` });
            } else {
              report.files[o.status]++;
              report.file(o.status, fid, typeof f.row.name === 'string' ? f.row.name : null, o.reason ?? '');
            }
            if (writeCells(sink, f.cells)) await drainSink(sink);
          }
          emit({ phase: 'attachments', item: sink.list.name, done: sink.rows, total: sink.total, bytesDone: attachmentsRead, bytesTotal: attachmentBytes });
        }
        throwIfAborted(signal);
      }

      for (const s of sinks) {
        if (s.csv) {
          const f = await s.csv.close();
          s.outcome.csv = f;
          written.push(f);
        }
        if (s.xlsx) {
          const g = await s.xlsx.close();
          const tally = (code: 'CELL_CUT' | 'NUMBER_AS_TEXT', m: Map<number, ColumnTally>): void => {
            for (const [col, t] of m) {
              const where = { list: s.list.name, column: s.list.columns[col]?.name ?? String(col), format: 'xlsx' as const };
              t.ids.forEach((id, i) => report.add(code, where, i === 0 ? t.count : 0, { id: typeof id === 'boolean' ? String(id) : id }, 20));
            }
          };
          tally('CELL_CUT', g.cutCells);
          tally('NUMBER_AS_TEXT', g.numbersAsText);
          if (g.sheets.length > 1) report.add('CONTINUATION_SHEETS', { list: s.list.name, format: 'xlsx' }, g.sheets.length - 1, { id: null, detail: g.sheets.join(', ') });
          if (s.xlsxBook) {
            const f = await s.xlsxBook.close();
            s.outcome.xlsx = { file: f, sheets: g.sheets };
            written.push(f);
          } else sharedSheets.set(s.list.name, g.sheets);
        }
        s.outcome.rows = s.rows;
        emit({ phase: s.list.attachments ? 'attachments' : 'list', item: s.list.name, done: s.rows, total: s.rows, ...(s.list.attachments ? { bytesDone: attachmentsRead, bytesTotal: attachmentBytes } : {}) }, true);
      }
    }

    if (sharedBook) {
      const f = await sharedBook.close();
      written.push(f);
      for (const [name, sheets] of sharedSheets) (outcomes.get(name) as ListOutcome).xlsx = { file: f, sheets };
    }
    const volumeFiles = volumes ? await volumes.close() : [];
    written.push(...volumeFiles);
    report.files.volumes = volumeFiles.length;
    customIndex?.reportLeftovers(report);
    customIndex?.close();
    customIndex = null;
    await rm(workDir, { recursive: true, force: true });

    // --- Manifest, README, report; SHA256SUMS last.
    emit({ phase: 'manifest', done: 0, total: 1 }, true);
    const ordered = lists.map((l) => outcomes.get(l.name) as ListOutcome);
    const reportJson = report.toJson();
    const meta: PackageMeta = {
      name: path.basename(names.final).toLowerCase(),
      tenant: { id: input.tenantId, slug: input.tenantSlug, name: input.tenantName },
      createdAt: startedAt.toISOString(),
      profile: input.profile,
      formats,
      appVersion: input.appVersion,
      staff: input.staff,
      billing: input.billing.status === 'billable' ? { status: 'billable', reference: (input.billing.reference as string).trim() } : { status: 'free' },
      neutraliseFormulas: neutralise,
      bom,
      xlsxRowLimit: rowLimit,
      volumeLimitBytes: volumeLimit,
      ...(input.auditHead !== undefined ? { auditHead: input.auditHead } : {}),
      report: reportJson,
      volumes: volumeFiles,
      schemaVersion: TENANT_SCHEMA_VERSION,
    };
    const writeText = async (rel: string, text: string): Promise<void> => {
      const f = new HashingFile(path.join(partial, rel), rel);
      f.write(Buffer.from(text, 'utf8'));
      written.push(await f.close());
    };
    await writeText('datapackage.json', JSON.stringify(buildDataPackage(meta, ordered), null, 2) + '\n');
    await writeText('README.txt', buildReadme(meta, ordered));
    await writeText('report.json', JSON.stringify({ tenant: meta.tenant, createdAt: meta.createdAt, profile: meta.profile, ...reportJson }, null, 2) + '\n');
    await writeText(
      'report.txt',
      report.toText(`Export report — ${input.tenantName} (${input.tenantSlug}), ${meta.createdAt}, ${input.profile} profile`),
    );
    const sums = written
      .map((f) => f.path)
      .sort()
      .map((p) => `${(written.find((f) => f.path === p) as WrittenFile).sha256}  ${p}\n`)
      .join('');
    const sumsFile = new HashingFile(path.join(partial, 'SHA256SUMS'), 'SHA256SUMS');
    sumsFile.write(Buffer.from(sums, 'utf8'));
    const sumsWritten = await sumsFile.close();
    fsyncDir(partial);

    // --- Verify what is on disk, then (and only then) the final name.
    const verifyStart = Math.max(overallDone, lastOverall);
    const verifyTotal = Math.max(1, verifyUnits);
    overallTotal = Math.max(overallTotal, verifyStart + verifyTotal);
    emit({ phase: 'verify', done: 0, total: null }, true);
    const verify = await inspectExport(partial, {
      signal,
      progress: (p) => {
        if (p.bytesTotal) overallDone = verifyStart + verifyTotal * Math.min(1, (p.bytesDone ?? 0) / p.bytesTotal);
        emit(p);
      },
    });
    if (!verify.ok) throw verifyFailure(verify, partial);
    throwIfAborted(signal);
    await rename(partial, names.final);
    fsyncDir(dir);
    await rm(lockPath, { force: true });
    overallDone = overallTotal;
    emit({ phase: 'done', done: 1, total: 1 }, true);
    const total = written.reduce((a, f) => a + f.bytes, 0) + sumsWritten.bytes;
    const countsOut: Record<string, number> = {};
    for (const o of ordered) countsOut[o.list.name] = o.rows;
    return {
      path: names.final,
      sha256sumsDigest: sumsWritten.sha256,
      status: reportJson.status,
      counts: countsOut,
      warnings: reportJson.warnings,
      bytes: total,
      files: { ok: report.files.ok, missing: report.files.missing, mismatch: report.files.mismatch, refused: report.files.refused, volumes: volumeFiles.map((v) => v.path) },
      startedAt: startedAt.toISOString(),
      finishedAt: clock.now().toISOString(),
      verify: { files: verify.files, bytes: verify.bytes, danglingReferences: verify.danglingReferences },
    };
  } catch (e) {
    for (const o of opened.reverse()) await o.abort().catch(() => {});
    customIndex?.close();
    const keepForInspection = e instanceof CustosError && e.code === 'EXPORT_VERIFY_FAILED';
    if (!keepForInspection) await rm(partial, { recursive: true, force: true }).catch(() => {});
    else await rm(workDir, { recursive: true, force: true }).catch(() => {});
    await rm(lockPath, { force: true }).catch(() => {});
    if (isAbort(e) || signal.aborted) {
      throw new CustosError('JOB_CANCELLED', 'The export was cancelled; nothing was left under the final name.', 'Start it again when needed.');
    }
    throw e;
  }
}
