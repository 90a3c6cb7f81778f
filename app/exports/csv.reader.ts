import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * A streaming RFC 4180 reader for verifying packages: records as string arrays, the
 * header first. Quoted fields may hold commas, quotes ("") and line breaks; records
 * end with CRLF (or LF). Memory: one chunk plus the record being read.
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

export async function* readCsvRecords(path: string, signal?: AbortSignal): AsyncGenerator<CsvRecord> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let first = true;
  let record = 0;
  let fields: string[] = [];
  // Parser state survives chunk boundaries only at record starts: an unfinished record is re-read with the next chunk.
  const parse = function* (final: boolean): Generator<CsvRecord> {
    let pos = 0;
    const n = buf.length;
    outer: while (pos < n) {
      fields = [];
      let p = pos;
      for (;;) {
        if (p >= n) {
          if (!final) break outer;
          // Last record without a line break.
          fields.push('');
          record++;
          yield { fields, record };
          pos = n;
          break outer;
        }
        let value: string;
        if (buf.charCodeAt(p) === 0x22) {
          let q = p + 1;
          let out = '';
          for (;;) {
            const close = buf.indexOf('"', q);
            if (close < 0) {
              if (!final) break outer;
              throw new CsvSyntaxError('unterminated quoted field', record + 1);
            }
            if (close + 1 >= n && !final) break outer; // cannot tell "" from " yet
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
          if (e >= n && !final) break outer;
          value = buf.slice(p, e);
          p = e;
        }
        fields.push(value);
        if (p >= n) {
          if (!final) break outer;
          record++;
          yield { fields, record };
          pos = n;
          break outer;
        }
        const c = buf.charCodeAt(p);
        if (c === 0x2c) {
          p++;
          continue;
        }
        if (c === 0x0d) {
          if (p + 1 >= n && !final) break outer;
          p += buf.charCodeAt(p + 1) === 0x0a ? 2 : 1;
        } else if (c === 0x0a) p++;
        else throw new CsvSyntaxError('unexpected character after a quoted field', record + 1);
        record++;
        yield { fields, record };
        pos = p;
        break;
      }
    }
    buf = buf.slice(pos);
  };
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) {
    let text = decoder.write(chunk as Buffer);
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

/** Whether a file starts with the UTF-8 byte order mark. */
export async function hasBom(path: string): Promise<boolean> {
  const stream = createReadStream(path, { start: 0, end: 2 });
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  const b = Buffer.concat(parts);
  return b.length === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}
