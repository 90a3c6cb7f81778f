/**
 * PostgreSQL COPY text format (https://www.postgresql.org/docs/15/sql-copy.html,
 * "Text Format"): one row per line, columns separated by TAB, NULL as `\N`, and
 * backslash escapes for backslash, newline, carriage return and TAB. Because
 * newlines inside values are always escaped, a raw 0x0A byte always ends a row,
 * and UTF-8 never uses 0x0A inside a multi-byte character: rows can be cut out of
 * any chunk boundary by bytes.
 */

const NEEDS_ESCAPE = /[\\\n\r\t]/;

/** One text value as a COPY text field (never NULL). Backslash first, so the escapes added after it stay single. */
export function copyTextField(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') : s;
}

export const COPY_NULL = '\\N';

const UNESCAPE_OF: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * A COPY text field back to its value. PostgreSQL's COPY TO writes only the
 * letter escapes above plus `\\`; any other escaped character stands for itself.
 * Octal and hex escapes (which COPY TO never writes for text) are decoded too.
 */
export function parseCopyTextField(field: string): string | null {
  if (field === COPY_NULL) return null;
  if (!field.includes('\\')) return field;
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = field[++i];
    if (n === undefined) break;
    const letter = UNESCAPE_OF[n];
    if (letter !== undefined) {
      out += letter;
    } else if (n >= '0' && n <= '7') {
      let j = i;
      while (j < i + 3 && j < field.length && (field[j] as string) >= '0' && (field[j] as string) <= '7') j++;
      out += String.fromCharCode(parseInt(field.slice(i, j), 8));
      i = j - 1;
    } else if (n === 'x' && /[0-9a-fA-F]/.test(field[i + 1] ?? '')) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(field.slice(i + 1)) as RegExpExecArray;
      out += String.fromCharCode(parseInt(m[0], 16));
      i += m[0].length;
    } else {
      out += n;
    }
  }
  return out;
}

/**
 * Splits a stream of COPY text chunks into lines. Keeps the bytes after the last
 * newline until the next chunk (a chunk may end inside a row or a character).
 */
export class CopyLineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  /** The complete lines in `chunk` (plus what was left over), without their newline. */
  push(chunk: Buffer): string[] {
    const buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const last = buf.lastIndexOf(0x0a);
    if (last < 0) {
      this.rest = buf;
      return [];
    }
    this.rest = Buffer.from(buf.subarray(last + 1));
    return buf.toString('utf8', 0, last).split('\n');
  }

  /** Throws if the stream ended inside a row. */
  end(): void {
    if (this.rest.length > 0) throw new Error('COPY output ended in the middle of a row');
  }
}
