import type { ValueKind } from './export.lists';

/**
 * Cells: what a value read from a tenant database becomes in the export.
 *
 * A tenant database is data of unknown quality (CONVENTIONS.md §5): SQLite is
 * dynamically typed, and the CRM let customers paste anything. Every value is parsed
 * here, once, into one of four shapes the writers understand:
 *
 *   null     empty cell
 *   number   a safe integer (ids, references, integer columns)
 *   boolean
 *   string   everything else: canonical text of decimals ("1234.50"), dates
 *            ("2025-06-30"), date-times (ISO 8601 UTC, "2025-06-30T02:00:00.000Z"),
 *            text, and ids too large or too odd to be a number ("0042").
 *
 * Nothing is dropped: a value that does not fit its column's type is kept as text and
 * reported (`type_mismatch`). Text is made safe for every format (EXPORT.md "Bad
 * inputs"): C0 controls other than TAB, LF and CR are removed, U+FFFE, U+FFFF and lone
 * surrogates become U+FFFD, and that is reported (`replaced_characters`).
 */
export type Cell = null | string | number | boolean;

export type CellIssueKind = 'replaced_characters' | 'type_mismatch';

/** Where normalisers report what they changed (counted per list and column by the caller). */
export interface CellIssueSink {
  cellIssue(kind: CellIssueKind, column: number): void;
}

// Anything the slow path must look at: C0 except TAB LF CR, any surrogate, U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Returns the text made safe, or the same string when nothing needed changing (fast path). */
export function sanitiseText(s: string): string {
  if (!SUSPECT.test(s)) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
      out += s.slice(from, i);
      from = i + 1;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const n = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++; // a valid pair
        continue;
      }
      out += s.slice(from, i) + '\uFFFD';
      from = i + 1;
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      out += s.slice(from, i) + '\uFFFD';
      from = i + 1;
    }
  }
  return out + s.slice(from);
}

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * OWASP CSV injection defence: a cell a spreadsheet would run as a formula (leading
 * `= + - @`, TAB, CR, or their full-width forms) gets a leading apostrophe. Plain
 * numbers (`-12.50`, `+3`) are exempt: they are data, not formulas.
 */
export function neutraliseFormula(s: string): string {
  if (s.length === 0) return s;
  const c = s.charCodeAt(0);
  if (
    c === 0x3d || // =
    c === 0x2b || // +
    c === 0x2d || // -
    c === 0x40 || // @
    c === 0x09 ||
    c === 0x0d ||
    c === 0xff1d || // ＝
    c === 0xff0b || // ＋
    c === 0xff0d || // －
    c === 0xff20 // ＠
  ) {
    return PLAIN_NUMBER.test(s) ? s : `'${s}`;
  }
  return s;
}

export const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^-?\d+$/;
const SAFE_INTEGER_TEXT = /^(?:0|-?[1-9]\d{0,14})$/; // up to 15 digits: always exact, no leading zeros
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const CANONICAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LOOSE_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function otherToText(v: unknown): string {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return `base64:${Buffer.from(v).toString('base64')}`;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/** Canonical ISO 8601 UTC text of a date-time value, or null when it is not one. Zone-less values are read as UTC. */
export function canonicalDateTime(s: string): string | null {
  if (s.length === 24 && CANONICAL_DATETIME.test(s)) {
    const ms = Date.parse(s);
    return !Number.isNaN(ms) && new Date(ms).toISOString() === s ? s : null;
  }
  const m = LOOSE_DATETIME.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const ms = Math.round(Number(`0.${frac || '0'}`) * 1000);
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (Number.isNaN(t) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offMin * 60_000;
  }
  const out = new Date(t);
  return Number.isNaN(out.getTime()) ? null : out.toISOString();
}

export function isValidDate(s: string): boolean {
  const m = DATE_TEXT.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export type Normaliser = (v: unknown, issues: CellIssueSink, column: number) => Cell;

function mismatch(v: unknown, issues: CellIssueSink, column: number): Cell {
  issues.cellIssue('type_mismatch', column);
  const t = sanitiseText(typeof v === 'string' ? v : otherToText(v));
  if (typeof v === 'string' && t !== v) issues.cellIssue('replaced_characters', column);
  return t;
}

const normText: Normaliser = (v, issues, column) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const t = sanitiseText(v);
    if (t !== v) issues.cellIssue('replaced_characters', column);
    return t;
  }
  // SQLite TEXT affinity turns numbers into text on insert, but other engines may not: same cell either way.
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return mismatch(v, issues, column);
};

const normInteger: Normaliser = (v, issues, column) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : mismatch(v, issues, column);
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'string') {
    // PostgreSQL returns bigint as text: small ones become numbers, others stay exact text.
    if (SAFE_INTEGER_TEXT.test(v)) return Number(v);
    if (INTEGER_TEXT.test(v)) return v;
  }
  return mismatch(v, issues, column);
};

const normDecimal: Normaliser = (v, issues, column) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return DECIMAL.test(v) ? v : mismatch(v, issues, column);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : mismatch(v, issues, column);
  if (typeof v === 'bigint') return v.toString();
  return mismatch(v, issues, column);
};

const normNumber: Normaliser = (v, issues, column) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (v === '') return null; // custom field values are text: an empty one is no value
    return NUMBER_TEXT.test(v) && Number.isFinite(Number(v)) ? v : mismatch(v, issues, column);
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : mismatch(v, issues, column);
  if (typeof v === 'bigint') return v.toString();
  return mismatch(v, issues, column);
};

const TRUE_TEXT = new Set(['1', 'true', 'TRUE', 'True', 'yes', 'Yes', 'YES']);
const FALSE_TEXT = new Set(['0', 'false', 'FALSE', 'False', 'no', 'No', 'NO']);

const normBoolean: Normaliser = (v, issues, column) => {
  if (v === null || v === undefined) return null;
  if (v === 1 || v === true || v === 1n) return true;
  if (v === 0 || v === false || v === 0n) return false;
  if (typeof v === 'string') {
    if (v === '') return null;
    if (TRUE_TEXT.has(v)) return true;
    if (FALSE_TEXT.has(v)) return false;
  }
  return mismatch(v, issues, column);
};

const normDate: Normaliser = (v, issues, column) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (v === '') return null;
    if (isValidDate(v)) return v;
  }
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  return mismatch(v, issues, column);
};

const normDateTime: Normaliser = (v, issues, column) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (v === '') return null;
    const c = canonicalDateTime(v);
    if (c !== null) return c;
  }
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
  return mismatch(v, issues, column);
};

export function normaliserFor(kind: ValueKind): Normaliser {
  switch (kind) {
    case 'id':
    case 'ref':
    case 'integer':
      return normInteger;
    case 'decimal':
      return normDecimal;
    case 'number':
      return normNumber;
    case 'boolean':
      return normBoolean;
    case 'date':
      return normDate;
    case 'datetime':
      return normDateTime;
    case 'text':
      return normText;
  }
}

/** Text of a cell for CSV and for messages: ids and numbers as digits, booleans as true/false. */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'boolean') return c ? 'true' : 'false';
  return String(c);
}

/** Number of significant digits of a decimal text ("0012.3400" → 4: 1,2,3,4 with trailing zeros after the point not counted). */
export function significantDigits(s: string): number {
  let digits = s.replace(/^[+-]/, '');
  const e = digits.search(/[eE]/);
  if (e >= 0) digits = digits.slice(0, e);
  let [int = '', frac = ''] = digits.split('.');
  int = int.replace(/^0+/, '');
  frac = frac.replace(/0+$/, '');
  const all = (int + frac).replace(/^0+/, '');
  return all.length;
}
