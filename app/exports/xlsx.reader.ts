import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { crc32 } from './zip.writer';

/**
 * Reads back what xlsx.writer.ts writes, fast enough to verify a million-row sheet
 * (exceljs's reader is an order of magnitude slower and holds more): the zip's central
 * directory (ZIP64 included), entries inflated as streams with their CRC-32 checked,
 * and sheet rows as arrays of cell texts. Inline strings, numbers and booleans only —
 * the cell kinds the writer produces; a shared-strings workbook is not ours.
 */
export interface ZipEntryInfo {
  name: string;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
}

export class ZipFormatError extends Error {}

export async function readZipDirectory(path: string): Promise<Map<string, ZipEntryInfo>> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError('no end of central directory');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || cdSize === 0xffffffff || count === 0xffff) {
      const locAt = eocd - 20;
      if (locAt < 0 || tail.readUInt32LE(locAt) !== 0x07064b50) throw new ZipFormatError('ZIP64 locator missing');
      const recOffset = Number(tail.readBigUInt64LE(locAt + 8));
      const rec = Buffer.alloc(56);
      await fh.read(rec, 0, 56, recOffset);
      if (rec.readUInt32LE(0) !== 0x06064b50) throw new ZipFormatError('ZIP64 end record missing');
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const out = new Map<string, ZipEntryInfo>();
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new ZipFormatError('bad central directory entry');
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let csize = cd.readUInt32LE(p + 20);
      let usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let offset = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (usize === 0xffffffff) {
            usize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (csize === 0xffffffff) {
            csize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (offset === 0xffffffff) offset = Number(cd.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      out.set(name, { name, method, crc, csize, usize, offset });
      p = extraEnd + commentLen;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** The entry's bytes, inflated, with size and CRC-32 checked at the end. */
export async function* readZipEntry(path: string, entry: ZipEntryInfo, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  let dataStart: number;
  try {
    const lh = Buffer.alloc(30);
    await fh.read(lh, 0, 30, entry.offset);
    if (lh.readUInt32LE(0) !== 0x04034b50) throw new ZipFormatError(`bad local header for ${entry.name}`);
    dataStart = entry.offset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  if (entry.method !== 8 && entry.method !== 0) throw new ZipFormatError(`unsupported compression in ${entry.name}`);
  const raw = createReadStream(path, { start: dataStart, end: dataStart + entry.csize - 1, highWaterMark: 256 * 1024, ...(signal ? { signal } : {}) });
  const source = entry.method === 8 ? raw.pipe(zlib.createInflateRaw({ chunkSize: 1 << 16 })) : raw;
  raw.on('error', (e) => source.destroy(e));
  let crc = 0;
  let size = 0;
  for await (const chunk of source) {
    const b = chunk as Buffer;
    crc = crc32(b, crc);
    size += b.length;
    yield b;
  }
  if (entry.csize === 0 && entry.usize === 0) return;
  if (size !== entry.usize || crc >>> 0 !== entry.crc) throw new ZipFormatError(`${entry.name} is damaged (size or CRC-32 differs)`);
}

export async function readZipText(path: string, entry: ZipEntryInfo): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of readZipEntry(path, entry)) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function xmlUnescape(s: string): string {
  let out = s.indexOf('&') < 0 ? s : s.replace(ENTITY, (_, name: string | undefined, dec: string | undefined, hex: string | undefined) =>
    name ? (NAMED[name] as string) : String.fromCodePoint(dec ? Number(dec) : parseInt(hex as string, 16)),
  );
  // SpreadsheetML's own escape: _xHHHH_ is one UTF-16 unit (the writer escapes literal ones as _x005F_…).
  if (out.indexOf('_x') >= 0) out = out.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return out;
}

export interface WorkbookSheet {
  name: string;
  /** Entry name inside the zip, e.g. xl/worksheets/sheet1.xml. */
  entry: string;
}

export async function workbookSheets(path: string, dir?: Map<string, ZipEntryInfo>): Promise<WorkbookSheet[]> {
  const entries = dir ?? (await readZipDirectory(path));
  const wb = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (!wb || !rels) throw new ZipFormatError('not a workbook (xl/workbook.xml missing)');
  const wbXml = await readZipText(path, wb);
  const relXml = await readZipText(path, rels);
  const targets = new Map<string, string>();
  for (const m of relXml.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const attrs = m[1] as string;
    const id = /\bId="([^"]*)"/.exec(attrs)?.[1];
    const target = /\bTarget="([^"]*)"/.exec(attrs)?.[1];
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  const out: WorkbookSheet[] = [];
  for (const m of wbXml.matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const attrs = m[1] as string;
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    const rid = /\br:id="([^"]*)"/.exec(attrs)?.[1];
    const entry = rid ? targets.get(rid) : undefined;
    if (name === undefined || !entry) throw new ZipFormatError('workbook sheet without a target');
    out.push({ name: xmlUnescape(name), entry });
  }
  return out;
}

function columnIndex(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64);
  return n - 1;
}

const CELL = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
const FIRST_CELL = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/; // not global: no lastIndex shared between calls
const INLINE_T = /<t\b[^>]*>([\s\S]*?)<\/t>|<t\b[^>]*\/>/g;

function cellText(attrs: string, inner: string | undefined): string {
  const t = /\bt="([^"]*)"/.exec(attrs)?.[1];
  if (inner === undefined) return '';
  if (t === 'inlineStr') {
    let s = '';
    for (const m of inner.matchAll(INLINE_T)) s += m[1] ?? '';
    return xmlUnescape(s);
  }
  if (t === 's') throw new ZipFormatError('shared strings are not produced by Custos');
  const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1] ?? '';
  if (t === 'b') return v === '1' ? 'true' : 'false';
  return xmlUnescape(v);
}

export interface SheetRow {
  /** Row number in the sheet (1 = header). */
  r: number;
  cells: string[];
}

/**
 * Rows of one sheet, in order, as cell texts (empty string for absent cells). With
 * `firstCellOnly`, data rows carry only column A (the ID): enough to compare an XLSX
 * copy with its CSV, at a fraction of the cost.
 */
export async function* readSheetRows(path: string, entry: ZipEntryInfo, options: { signal?: AbortSignal; firstCellOnly?: boolean } = {}): AsyncGenerator<SheetRow> {
  const signal = options.signal;
  const firstOnly = options.firstCellOnly ?? false;
  if (firstOnly) {
    yield* readFirstCells(path, entry, signal);
    return;
  }
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let started = false;
  const rowsIn = function* (): Generator<SheetRow> {
    let pos = 0;
    for (;;) {
      const start = buf.indexOf('<row', pos);
      if (start < 0) break;
      const tagEnd = buf.indexOf('>', start);
      if (tagEnd < 0) break;
      let body: string;
      let next: number;
      if (buf.charCodeAt(tagEnd - 1) === 0x2f) {
        // <row …/>: an empty row
        body = '';
        next = tagEnd + 1;
      } else {
        const end = buf.indexOf('</row>', tagEnd);
        if (end < 0) break;
        body = buf.slice(tagEnd + 1, end);
        next = end + 6;
      }
      const r = Number(/\br="(\d+)"/.exec(buf.slice(start, tagEnd))?.[1] ?? '0');
      const cells: string[] = [];
      if (firstOnly && r > 1) {
        const m = FIRST_CELL.exec(body);
        if (m && /\br="A\d+"/.test(m[1] as string)) cells.push(cellText(m[1] as string, m[2]));
        yield { r, cells };
        pos = next;
        continue;
      }
      for (const m of body.matchAll(CELL)) {
        const attrs = m[1] as string;
        const ref = /\br="([A-Z]+)\d+"/.exec(attrs)?.[1];
        const idx = ref ? columnIndex(ref) : cells.length;
        while (cells.length < idx) cells.push('');
        cells[idx] = cellText(attrs, m[2]);
      }
      yield { r, cells };
      pos = next;
    }
    buf = buf.slice(pos);
  };
  for await (const chunk of readZipEntry(path, entry, signal)) {
    buf += decoder.write(chunk);
    if (!started) {
      const i = buf.indexOf('<sheetData');
      if (i < 0) continue;
      buf = buf.slice(i);
      started = true;
    }
    yield* rowsIn();
  }
  buf += decoder.end();
  yield* rowsIn();
}

const ROW_OPEN = Buffer.from('<row');
const ROW_CLOSE = Buffer.from('</row>');
const CELL_OPEN = Buffer.from('<c ');
const V_OPEN = Buffer.from('<v>');
const V_CLOSE = Buffer.from('</v>');
const T_OPEN = Buffer.from('<t');
const T_CLOSE = Buffer.from('</t>');
const INLINE = Buffer.from('t="inlineStr"');
const R_ATTR = Buffer.from(' r="');

/**
 * The header row in full and, for every other row, only its column-A cell — scanned
 * in the inflated bytes without turning the sheet into JS strings (a million-row
 * sheet is ~500 MB of XML; verify only needs its IDs to compare with the CSV).
 */
async function* readFirstCells(path: string, entry: ZipEntryInfo, signal?: AbortSignal): AsyncGenerator<SheetRow> {
  let pending: Buffer = Buffer.alloc(0);
  const flushRows = function* (data: Buffer, final: boolean): Generator<SheetRow> {
    let pos = 0;
    for (;;) {
      const start = data.indexOf(ROW_OPEN, pos);
      if (start < 0) {
        pos = Math.max(pos, data.length - ROW_OPEN.length); // a "<ro" cut at the chunk's end
        break;
      }
      const tagEnd = data.indexOf(0x3e, start); // '>'
      if (tagEnd < 0) break;
      const rAt = data.indexOf(R_ATTR, start);
      const r = rAt > 0 && rAt < tagEnd ? Number(data.toString('latin1', rAt + 4, data.indexOf(0x22, rAt + 4))) : 0;
      if (data[tagEnd - 1] === 0x2f) {
        yield { r, cells: [] };
        pos = tagEnd + 1;
        continue;
      }
      const end = data.indexOf(ROW_CLOSE, tagEnd);
      if (end < 0) break;
      if (r === 1) {
        // The header: every cell, the slow and exact way.
        const body = data.toString('utf8', tagEnd + 1, end);
        const cells: string[] = [];
        for (const m of body.matchAll(CELL)) cells.push(cellText(m[1] as string, m[2]));
        yield { r, cells };
      } else {
        const c = data.indexOf(CELL_OPEN, tagEnd);
        const cells: string[] = [];
        if (c >= 0 && c < end) {
          const cTagEnd = data.indexOf(0x3e, c);
          const cr = data.indexOf(R_ATTR, c);
          if (cr > 0 && cr < cTagEnd && data[cr + 4] === 0x41 /* A */ && data[cr + 5]! >= 0x30 && data[cr + 5]! <= 0x39 && data[cTagEnd - 1] !== 0x2f) {
            const inline = data.indexOf(INLINE, c);
            if (inline > 0 && inline < cTagEnd) {
              const t = data.indexOf(T_OPEN, cTagEnd);
              const tEnd = data.indexOf(0x3e, t);
              const close = data.indexOf(T_CLOSE, tEnd);
              cells.push(xmlUnescape(data.toString('utf8', tEnd + 1, close)));
            } else {
              const v = data.indexOf(V_OPEN, cTagEnd);
              const close = data.indexOf(V_CLOSE, v);
              cells.push(v > 0 && v < end ? xmlUnescape(data.toString('utf8', v + 3, close)) : '');
            }
          }
        }
        yield { r, cells };
      }
      pos = end + ROW_CLOSE.length;
    }
    pending = final ? Buffer.alloc(0) : Buffer.from(data.subarray(pos));
  };
  for await (const chunk of readZipEntry(path, entry, signal)) {
    yield* flushRows(pending.length ? Buffer.concat([pending, chunk]) : chunk, false);
  }
  if (pending.length) yield* flushRows(pending, true);
}
