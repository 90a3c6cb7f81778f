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

function d2(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Whether an already regex-checked canonical text names a real instant (no 30 February, no 24:00). */
function canonicalFieldsValid(s: string): boolean {
  const mo = d2(s, 5);
  const d = d2(s, 8);
  if (mo < 1 || mo > 12 || d < 1 || d2(s, 11) > 23 || d2(s, 14) > 59 || d2(s, 17) > 59) return false;
  return d <= 28 || d <= daysInMonth(Number(s.slice(0, 4)), mo);
}

/**
 * Canonical ISO 8601 UTC text of a date-time value, or null when it is not one.
 * Zone-less values are read as UTC. The canonical form (what the CRM writes) is
 * checked with character arithmetic: this runs for millions of cells.
 */
export function canonicalDateTime(s: string): string | null {
  if (s.length === 24 && s.charCodeAt(23) === 0x5a && CANONICAL_DATETIME.test(s)) return canonicalFieldsValid(s) ? s : null;
  const m = LOOSE_DATETIME.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const ms = Math.round(Number(`0.${frac || '0'}`) * 1000);
  // Not Date.UTC: it reads years 0–99 as 1900–1999.
  let t = daysFromCivil(Number(y), Number(mo), Number(d)) * 86_400_000 + Number(h) * 3_600_000 + Number(mi) * 60_000 + Number(sec) * 1000 + ms;
  if (Number.isNaN(t) || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > daysInMonth(Number(y), Number(mo)) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offMin * 60_000;
  }
  const out = new Date(t);
  return Number.isNaN(out.getTime()) ? null : out.toISOString();
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Milliseconds since the epoch of a canonical date-time text (as canonicalDateTime returns), without Date.parse. */
export function canonicalMillis(s: string): number {
  const days = daysFromCivil(Number(s.slice(0, 4)), d2(s, 5), d2(s, 8));
  return days * 86_400_000 + d2(s, 11) * 3_600_000 + d2(s, 14) * 60_000 + d2(s, 17) * 1000 + (s.charCodeAt(20) - 48) * 100 + d2(s, 21);
}

export function isValidDate(s: string): boolean {
  if (s.length !== 10 || !DATE_TEXT.test(s)) return false;
  const mo = d2(s, 5);
  const d = d2(s, 8);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(Number(s.slice(0, 4)), mo);
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
