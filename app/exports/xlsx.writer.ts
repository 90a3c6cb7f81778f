import { canonicalMillis, daysFromCivil, isValidDate, significantDigits, type Cell } from './export.cells';
import type { ValueKind } from './export.lists';
import type { WrittenFile } from './hashing-file';
import { ZipWriter, type ZipEntryWriter } from './zip.writer';

/**
 * XLSX written as sheet XML through a streaming zip (EXPORT.md: exceljs's streaming
 * WorkbookWriter grows without bound unless the row loop yields every ~100 rows, and
 * then runs at ~32–46k rows/s; issue 4 wants ≥ 70k rows/s and < 300 MB whatever the
 * tenant size). The part we need of SpreadsheetML is small:
 *
 * - typed cells: numbers, booleans (`t="b"`), dates and date-times as serial numbers
 *   with a date format (UTC wall-clock time: the README says so), text as inline
 *   strings (no shared-strings table to hold in memory). Text is never a formula, so
 *   XLSX needs no formula neutralising (EXPORT.md);
 * - IDs over 15 digits, numbers with more than 15 significant digits and IDs with
 *   leading zeros are text (Excel keeps 15 significant digits);
 * - header row bold and frozen, column widths from the header and the first rows;
 * - a list longer than the row limit (default 1,048,575 data rows + header = Excel's
 *   1,048,576) continues on further sheets "<list> (2)", … — never cut silently;
 * - text over 32,767 UTF-16 units is cut without splitting a surrogate pair, with a
 *   marker, and reported (the CSV keeps it whole).
 *
 * It validates what exceljs does not (EXPORT.md): sheet names, cell length, and the
 * characters XML cannot hold (already replaced by export.cells.ts).
 */
export const EXCEL_MAX_DATA_ROWS = 1_048_575;
export const EXCEL_MAX_CELL_CHARS = 32_767;
/**
 * Deflate level of the sheets. Compression, not XML, is the XLSX bottleneck (one zlib
 * stream per sheet): level 1 writes ~1.3× faster than level 3 and ~2× faster than 6
 * for files ~15 % larger — the right trade for a one-off download.
 */
export const DEFAULT_XLSX_LEVEL = 1;
/** Well under the 4 GiB a zip entry without ZIP64 sizes may hold. */
export const DEFAULT_MAX_SHEET_XML_BYTES = 3.5 * 1024 ** 3;

export interface XlsxColumn {
  name: string;
  kind: ValueKind;
}

export interface XlsxOptions {
  rowLimit?: number;
  maxSheetXmlBytes?: number;
  /** Deflate level of the workbook's parts. */
  level?: number;
  mtime: Date;
  /** Text appended to a cut cell, e.g. " […cut: full text in csv/persons.csv]". */
  cutMarker: (fullLength: number) => string;
  zip64Threshold?: number;
}

export interface ColumnTally {
  count: number;
  /** IDs (first cell) of the first rows concerned. */
  ids: Cell[];
}

export interface SheetGroupResult {
  sheets: string[];
  rows: number;
  /** Cut cells per column index, with the first row IDs (column A). */
  cutCells: Map<number, ColumnTally>;
  /** Cells per column whose number had to be written as text (over 15 digits). */
  numbersAsText: Map<number, ColumnTally>;
}

const S_HEADER = 1;
const S_DATE = 2;
const S_DATETIME = 3;
const MS_PER_DAY = 86_400_000;
const EPOCH_SERIAL = 25_569; // 1970-01-01 in Excel's 1900 date system
const FIRST_SAFE_SERIAL = 61; // 1900-03-01: before it Excel's fictitious 1900-02-29 shifts every date
const FLUSH_CHARS = 1 << 16;
const SAMPLE_ROWS = 200;

const FORBIDDEN_SHEET_CHARS = /[:\\/?*[\]\uFF1A\uFF3C\uFF0F\uFF1F\uFF0A\uFF3B\uFF3D]/;

/** Excel's rules for sheet names (EXPORT.md: exceljs validates none of them). Returns the reason, or null when valid. */
export function sheetNameProblem(name: string, taken: Iterable<string> = []): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > 31) return 'is longer than 31 characters';
  if (FORBIDDEN_SHEET_CHARS.test(name)) return 'contains one of : \\ / ? * [ ] (or a full-width form)';
  if (name.startsWith("'") || name.endsWith("'")) return "starts or ends with an apostrophe";
  if (name.toLowerCase() === 'history') return 'is "History", which Excel reserves';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return 'contains control characters';
  const lower = name.toLowerCase();
  for (const t of taken) if (t.toLowerCase() === lower) return 'is already used in this workbook (names ignore case)';
  return null;
}

/** A valid, unique sheet name close to `wanted` (forbidden characters replaced, shortened, numbered). */
export function safeSheetName(wanted: string, taken: readonly string[]): string {
  // eslint-disable-next-line no-control-regex
  let base = wanted.replace(new RegExp(FORBIDDEN_SHEET_CHARS.source, 'g'), '_').replace(/[\u0000-\u001f]/g, '').replace(/^'+|'+$/g, '');
  if (base === '' ) base = 'Sheet';
  if (base.toLowerCase() === 'history') base = `${base}_`;
  base = base.slice(0, 31);
  if (sheetNameProblem(base, taken) === null) return base;
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const candidate = base.slice(0, 31 - suffix.length) + suffix;
    if (sheetNameProblem(candidate, taken) === null) return candidate;
  }
}

function columnLetters(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const XML_SPECIAL = /[&<>\r]|_x[0-9A-Fa-f]{4}_/;
const XML_SPECIAL_G = /[&<>\r]|_x[0-9A-Fa-f]{4}_/g;

/**
 * Escapes text for an inline string. `\r` as a character reference (XML parsers turn a
 * raw CR into LF); a literal `_xHHHH_` gets its underscore escaped, because
 * SpreadsheetML reads `_xHHHH_` as an escaped character (ECMA-376 ST_Xstring).
 */
export function xmlText(s: string): string {
  if (!XML_SPECIAL.test(s)) return s;
  return s.replace(XML_SPECIAL_G, (m) => {
    switch (m) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '\r':
        return '&#13;';
      default:
        return `_x005F${m}`;
    }
  });
}

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function needsPreserve(s: string): boolean {
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(s.length - 1);
  return a <= 0x20 || b <= 0x20 || s.includes('\n') || s.includes('\t');
}

/** Cuts text to Excel's cell limit without splitting a surrogate pair. */
export function cutForExcel(s: string, marker: string): string {
  let at = EXCEL_MAX_CELL_CHARS - marker.length;
  const c = s.charCodeAt(at - 1);
  if (c >= 0xd800 && c <= 0xdbff) at--; // would leave a lone high surrogate
  return s.slice(0, at) + marker;
}

function inlineStr(ref: string, s: string): string {
  return needsPreserve(s)
    ? `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(s)}</t></is></c>`
    : `<c r="${ref}" t="inlineStr"><is><t>${xmlText(s)}</t></is></c>`;
}

/** Serial day number of a UTC instant, or null before 1900-03-01 (written as text then). */
export function excelSerial(ms: number): number | null {
  const serial = ms / MS_PER_DAY + EPOCH_SERIAL;
  return serial >= FIRST_SAFE_SERIAL && serial < 2_958_466 ? serial : null; // Excel ends at 9999-12-31
}

const CANONICAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export class XlsxSheetGroup {
  private readonly letters: string[];
  private readonly sheets: string[] = [];
  private entry: ZipEntryWriter | null = null;
  private sample: Cell[][] | null = [];
  private widths: number[] = [];
  private rowInSheet = 0;
  private rowsTotal = 0;
  private buf = '';
  private pending: 'start' | 'roll' | null = null;
  private carry: readonly Cell[] | null = null;
  private readonly cutCells = new Map<number, ColumnTally>();
  private readonly numbersAsText = new Map<number, ColumnTally>();
  private rowId: Cell = null;
  private closed = false;

  constructor(
    private readonly book: XlsxWorkbookWriter,
    private readonly baseName: string,
    private readonly columns: readonly XlsxColumn[],
    private readonly rowLimit: number,
    private readonly maxSheetXmlBytes: number,
    private readonly cutMarker: (n: number) => string,
  ) {
    this.letters = columns.map((_, i) => columnLetters(i));
  }

  private bump(map: Map<number, ColumnTally>, col: number): void {
    let t = map.get(col);
    if (!t) map.set(col, (t = { count: 0, ids: [] }));
    t.count++;
    if (t.ids.length < 20) t.ids.push(this.rowId);
  }

  private cellXml(i: number, ref: string, c: Cell): string {
    if (c === null) return '';
    const kind = (this.columns[i] as XlsxColumn).kind;
    if (typeof c === 'number') {
      if (Math.abs(c) < 1e15) return `<c r="${ref}"><v>${c}</v></c>`;
      this.bump(this.numbersAsText, i);
      return inlineStr(ref, String(c));
    }
    if (typeof c === 'boolean') return `<c r="${ref}" t="b"><v>${c ? 1 : 0}</v></c>`;
    switch (kind) {
      case 'decimal':
      case 'number': {
        const n = Number(c);
        if (c !== '' && Number.isFinite(n) && /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(c)) {
          if (significantDigits(c) <= 15) return `<c r="${ref}"><v>${n}</v></c>`;
          this.bump(this.numbersAsText, i);
        }
        break;
      }
      case 'datetime': {
        // Normalised cells are canonical (export.cells.ts); anything else stays text.
        if (c.length === 24 && CANONICAL_DATETIME.test(c)) {
          const serial = excelSerial(canonicalMillis(c));
          if (serial !== null) return `<c r="${ref}" s="${S_DATETIME}"><v>${serial}</v></c>`;
        }
        break;
      }
      case 'date': {
        if (isValidDate(c)) {
          const serial = excelSerial(daysFromCivil(Number(c.slice(0, 4)), Number(c.slice(5, 7)), Number(c.slice(8, 10))) * MS_PER_DAY);
          if (serial !== null) return `<c r="${ref}" s="${S_DATE}"><v>${serial}</v></c>`;
        }
        break;
      }
      case 'id':
      case 'ref':
      case 'integer':
        // Text ids: over 15 digits or leading zeros; stay text so Excel cannot round them.
        break;
      default:
        break;
    }
    if (c.length > EXCEL_MAX_CELL_CHARS) {
      this.bump(this.cutCells, i);
      return inlineStr(ref, cutForExcel(c, this.cutMarker(c.length)));
    }
    return inlineStr(ref, c);
  }

  private rowXml(cells: readonly Cell[], r: number): string {
    this.rowId = cells[0] ?? null;
    let s = `<row r="${r}">`;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i] as Cell;
      if (c === null) continue;
      s += this.cellXml(i, (this.letters[i] as string) + r, c);
    }
    return s + '</row>';
  }

  private computeWidths(): void {
    const w: number[] = this.columns.map((col): number => {
      switch (col.kind) {
        case 'datetime':
          return 19;
        case 'date':
          return 10;
        case 'boolean':
          return 6;
        case 'id':
        case 'ref':
        case 'integer':
          return 8;
        default:
          return 8;
      }
    });
    for (const row of this.sample ?? []) {
      for (let i = 0; i < row.length; i++) {
        const c = row[i];
        if (c === null || c === undefined) continue;
        const kind = (this.columns[i] as XlsxColumn).kind;
        if (kind === 'datetime' || kind === 'date' || kind === 'boolean') continue;
        const len = typeof c === 'string' ? Math.min(c.length, 60) : String(c).length;
        if (len > (w[i] as number)) w[i] = len;
      }
    }
    this.widths = w.map((x, i) => Math.min(60, Math.max(x, (this.columns[i] as XlsxColumn).name.length) + 2));
  }

  private async startSheet(): Promise<void> {
    const name = this.book.reserveSheetName(this.sheets.length === 0 ? this.baseName : `${this.baseName} (${this.sheets.length + 1})`);
    this.sheets.push(name);
    this.entry = await this.book.beginSheet(name);
    this.rowInSheet = 0;
    let head =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
      '<sheetFormatPr defaultRowHeight="15"/><cols>';
    this.widths.forEach((w, i) => {
      head += `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`;
    });
    head += '</cols><sheetData><row r="1">';
    this.columns.forEach((c, i) => {
      head += `<c r="${this.letters[i]}1" s="${S_HEADER}" t="inlineStr"><is><t>${xmlText(c.name)}</t></is></c>`;
    });
    this.buf = head + '</row>';
  }

  private async endSheet(): Promise<void> {
    if (!this.entry) return;
    this.buf += '</sheetData></worksheet>';
    this.flush();
    await this.entry.drain();
    await this.entry.end();
    this.entry = null;
  }

  private flush(): boolean {
    if (!this.entry || this.buf.length === 0) return false;
    const wait = this.entry.writeString(this.buf);
    this.buf = '';
    return wait;
  }

  private full(): boolean {
    return this.rowInSheet >= this.rowLimit || (this.entry as ZipEntryWriter).uncompressedBytes >= this.maxSheetXmlBytes;
  }

  /** Appends to the open sheet; true when zlib asks the caller to wait. */
  private append(cells: readonly Cell[]): boolean {
    this.rowInSheet++;
    this.buf += this.rowXml(cells, this.rowInSheet + 1);
    return this.buf.length >= FLUSH_CHARS ? this.flush() : false;
  }

  /** Returns true when the caller must `await drain()` before the next row. */
  writeRow(cells: readonly Cell[]): boolean {
    if (this.pending) throw new Error('xlsx: drain() must be awaited before writing more rows');
    this.rowsTotal++;
    if (this.sample) {
      this.sample.push(cells.slice()); // the caller may reuse its array

      if (this.sample.length < SAMPLE_ROWS) return false;
      this.pending = 'start';
      return true;
    }
    if (this.full()) {
      // Roll over only when another row comes: a list of exactly the limit gets no empty extra sheet.
      this.carry = cells.slice();
      this.pending = 'roll';
      return true;
    }
    return this.append(cells);
  }

  private async roll(): Promise<void> {
    await this.endSheet();
    await this.startSheet();
  }

  private async flushSample(): Promise<void> {
    const rows = this.sample ?? [];
    this.sample = null;
    this.computeWidths();
    await this.startSheet();
    for (const r of rows) {
      if (this.full()) await this.roll();
      if (this.append(r)) await this.entry?.drain();
    }
  }

  async drain(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    if (pending === 'start') await this.flushSample();
    if (pending === 'roll') {
      await this.roll();
      const carried = this.carry as readonly Cell[];
      this.carry = null;
      this.append(carried);
    }
    await this.entry?.drain();
  }

  /** Writes one row, awaiting whatever the writer needs (the simple way to drive a group). */
  async writeRowAsync(cells: readonly Cell[]): Promise<void> {
    if (this.writeRow(cells)) await this.drain();
  }

  async close(): Promise<SheetGroupResult> {
    if (this.closed) throw new Error('xlsx: sheet group closed twice');
    this.closed = true;
    if (this.pending) await this.drain();
    if (this.sample) await this.flushSample();
    await this.endSheet();
    this.book.groupDone();
    return { sheets: [...this.sheets], rows: this.rowsTotal, cutCells: this.cutCells, numbersAsText: this.numbersAsText };
  }
}

export class XlsxWorkbookWriter {
  private readonly zip: ZipWriter;
  private readonly sheetNames: string[] = [];
  private group: XlsxSheetGroup | null = null;
  private readonly options: Required<Omit<XlsxOptions, 'zip64Threshold'>>;

  constructor(absPath: string, relPath: string, options: XlsxOptions) {
    this.options = {
      rowLimit: options.rowLimit ?? EXCEL_MAX_DATA_ROWS,
      maxSheetXmlBytes: options.maxSheetXmlBytes ?? DEFAULT_MAX_SHEET_XML_BYTES,
      level: options.level ?? DEFAULT_XLSX_LEVEL,
      mtime: options.mtime,
      cutMarker: options.cutMarker,
    };
    if (!Number.isInteger(this.options.rowLimit) || this.options.rowLimit < 1 || this.options.rowLimit > EXCEL_MAX_DATA_ROWS) {
      throw new Error(`xlsx row limit must be 1..${EXCEL_MAX_DATA_ROWS}`);
    }
    this.zip = new ZipWriter(absPath, relPath, {
      level: this.options.level,
      mtime: options.mtime,
      ...(options.zip64Threshold !== undefined ? { zip64Threshold: options.zip64Threshold } : {}),
    });
  }

  /** Sheets of one list; groups are written one after another, never two at once. */
  beginSheetGroup(baseName: string, columns: readonly XlsxColumn[]): XlsxSheetGroup {
    if (this.group) throw new Error('xlsx: a sheet group is still open');
    this.group = new XlsxSheetGroup(this, baseName, columns, this.options.rowLimit, this.options.maxSheetXmlBytes, this.options.cutMarker);
    return this.group;
  }

  /** @internal */
  reserveSheetName(wanted: string): string {
    const name = safeSheetName(wanted, this.sheetNames);
    this.sheetNames.push(name);
    return name;
  }

  /** @internal */
  beginSheet(_name: string): Promise<ZipEntryWriter> {
    return this.zip.beginEntry(`xl/worksheets/sheet${this.sheetNames.length}.xml`);
  }

  /** @internal */
  groupDone(): void {
    this.group = null;
  }

  get sheets(): readonly string[] {
    return this.sheetNames;
  }

  async close(): Promise<WrittenFile> {
    if (this.group) throw new Error('xlsx: a sheet group is still open at close');
    if (this.sheetNames.length === 0) throw new Error('xlsx: a workbook needs at least one sheet');
    const n = this.sheetNames.length;
    const created = this.options.mtime.toISOString().replace(/\.\d{3}Z$/, 'Z');
    let sheets = '';
    let rels = '';
    let overrides = '';
    for (let i = 1; i <= n; i++) {
      sheets += `<sheet name="${xmlAttr(this.sheetNames[i - 1] as string)}" sheetId="${i}" r:id="rId${i}"/>`;
      rels += `<Relationship Id="rId${i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i}.xml"/>`;
      overrides += `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`;
    }
    const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
    await this.zip.addEntry(
      'xl/workbook.xml',
      `${decl}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="0"/><bookViews><workbookView activeTab="0"/></bookViews><sheets>${sheets}</sheets></workbook>`,
    );
    await this.zip.addEntry(
      'xl/_rels/workbook.xml.rels',
      `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    );
    await this.zip.addEntry(
      'xl/styles.xml',
      `${decl}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>' +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    );
    await this.zip.addEntry(
      'docProps/core.xml',
      `${decl}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Custos</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified></cp:coreProperties>`,
    );
    await this.zip.addEntry(
      'docProps/app.xml',
      `${decl}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Custos</Application></Properties>`,
    );
    await this.zip.addEntry(
      '_rels/.rels',
      `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>',
    );
    await this.zip.addEntry(
      '[Content_Types].xml',
      `${decl}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        overrides +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>',
    );
    return this.zip.close();
  }

  abort(): Promise<void> {
    this.group = null;
    return this.zip.abort();
  }
}
