/**
 * Pure formatting helpers for the console. Numbers use one fixed grouping
 * (1,234) so that what staff read out on a support call matches what a colleague
 * sees; dates are shown in the reader's local time, with the exact UTC instant in a
 * tooltip (the control plane stores UTC).
 */

const LOCALE = 'en-GB';

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

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
  const digits = value < 10 ? 1 : 0;
  const text = value.toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${text} ${BYTE_UNITS[unit]}`;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** `timeZone` is for tests; the console always passes nothing (the reader's local zone). */
export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  if (!d) return '–';
  return new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', ...(timeZone ? { timeZone } : {}) }).format(d);
}

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  if (!d) return '–';
  return new Intl.DateTimeFormat(LOCALE, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
}

/** The exact instant for a tooltip: "2025-03-30 01:30:00 UTC". */
export function utcTitle(iso: string | null | undefined): string | undefined {
  const d = parse(iso);
  if (!d) return undefined;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
