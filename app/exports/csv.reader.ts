import { StringDecoder } from 'node:string_decoder';
import { readFileChunks } from './file-chunks';

/**
 * A streaming RFC 4180 reader for verifying packages: records as string arrays, the
 * header first. Quoted fields may hold commas, quotes ("") and line breaks; records
 * end with CRLF (or LF). Memory: one chunk plus the record being read.
 *
 * Fast path: a line without a quote is split on commas; only lines with quotes go
 * through the state machine (most rows of an export have none).
 */
export interface CsvRecord {
  fields: string[];
  /** 1-based record number (the header is record 1). */
  record: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly record: number,
  ) {
    super(message);
  }
}

export interface CsvReadOptions {
  signal?: AbortSignal;
  /** Sees every raw chunk, e.g. to hash the file in the same read. */
  onChunk?: (chunk: Buffer) => void;
}

/** Parses one record starting at `pos` with quotes; null when the buffer ends before the record does. */
function parseQuoted(buf: string, pos: number, final: boolean, record: number): { fields: string[]; next: number } | null {
  const n = buf.length;
  const fields: string[] = [];
  let p = pos;
  for (;;) {
    if (p >= n) {
      if (!final) return null;
      fields.push('');
      return { fields, next: n };
    }
    let value: string;
    if (buf.charCodeAt(p) === 0x22) {
      let q = p + 1;
      let out = '';
      for (;;) {
        const close = buf.indexOf('"', q);
        if (close < 0) {
          if (!final) return null;
          throw new CsvSyntaxError('unterminated quoted field', record);
        }
        if (close + 1 >= n && !final) return null; // cannot tell "" from " yet
        if (buf.charCodeAt(close + 1) === 0x22) {
          out += buf.slice(q, close + 1);
          q = close + 2;
          continue;
        }
        out += buf.slice(q, close);
        p = close + 1;
        break;
      }
      value = out;
    } else {
      let e = p;
      while (e < n) {
        const c = buf.charCodeAt(e);
        if (c === 0x2c || c === 0x0a || c === 0x0d) break;
        e++;
      }
      if (e >= n && !final) return null;
      value = buf.slice(p, e);
      p = e;
    }
    fields.push(value);
    if (p >= n) {
      if (!final) return null;
      return { fields, next: n };
    }
    const c = buf.charCodeAt(p);
    if (c === 0x2c) {
      p++;
      continue;
    }
    if (c === 0x0d) {
      if (p + 1 >= n && !final) return null;
      p += buf.charCodeAt(p + 1) === 0x0a ? 2 : 1;
    } else if (c === 0x0a) p++;
    else throw new CsvSyntaxError('unexpected character after a quoted field', record);
    return { fields, next: p };
  }
}

export async function* readCsvRecords(path: string, options: CsvReadOptions = {}): AsyncGenerator<CsvRecord> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let first = true;
  let record = 0;
  const parse = function* (final: boolean): Generator<CsvRecord> {
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      const nl = buf.indexOf('\n', pos);
      if (nl < 0 && !final) break;
      const end = nl < 0 ? n : nl;
      const line = buf.slice(pos, end);
      if (line.indexOf('"') < 0) {
        record++;
        yield { fields: (line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line).split(','), record };
        pos = nl < 0 ? n : nl + 1;
        continue;
      }
      const r = parseQuoted(buf, pos, final, record + 1);
      if (!r) break;
      record++;
      yield { fields: r.fields, record };
      pos = r.next;
    }
    buf = buf.slice(pos);
  };
  for await (const chunk of readFileChunks(path, options.signal ? { signal: options.signal } : {})) {
    options.onChunk?.(chunk);
    let text = decoder.write(chunk);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    buf += text;
    yield* parse(false);
  }
  buf += decoder.end();
  if (buf.length > 0) yield* parse(true);
}
