/**
 * Pure formatting helpers for the console. Numbers use one fixed grouping
 * (1,234) so that what staff read out on a support call matches what a colleague
 * sees; dates are shown in the reader's local time, with the exact UTC instant in a
 * tooltip (the control plane stores UTC).
 */

const LOCALE = 'en-GB';

// Intl formatters are costly to create (a directory screen formats hundreds of cells per
// scroll frame): build each one once and reuse it.
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 1234 → "1,234". Non-finite values render as an en dash rather than "NaN". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? integer.format(n) : '–';
}

/** "1 tenant", "1,234 tenants". */
export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Human bytes in binary units (what databases and object stores actually allocate):
 * 0 → "0 B", 1536 → "1.5 KiB", 15 728 640 → "15 MiB". One decimal below 10 of a unit,
 * none above, so columns stay short.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${formatCount(Math.round(bytes))} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // 1023.96 KiB would round to "1,024 KiB": step up instead.
  if (Math.round(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = value < 10 ? oneDecimal.format(value) : integer.format(value);
  return `${text} ${BYTE_UNITS[unit]}`;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

const DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
const DATE_TIME: Intl.DateTimeFormatOptions = { ...DATE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(kind: 'date' | 'datetime', timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE, { ...(kind === 'date' ? DATE : DATE_TIME), ...(timeZone ? { timeZone } : {}) });
    formatters.set(key, f);
  }
  return f;
}

/** `timeZone` is for tests; the console always passes nothing (the reader's local zone). */
export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  return d ? dateFormatter('date', timeZone).format(d) : '–';
}

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  return d ? dateFormatter('datetime', timeZone).format(d) : '–';
}

/** The exact instant for a tooltip: "2025-03-30 01:30:00 UTC". */
export function utcTitle(iso: string | null | undefined): string | undefined {
  const d = parse(iso);
  if (!d) return undefined;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
