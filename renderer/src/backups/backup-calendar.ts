/**
 * The backup calendar's model: for each day of the last 24 months, whether a snapshot
 * covers it, which age band it falls in and whether it lies inside a gap that breaks
 * the promise. Pure: (snapshots, violations, now, time zone) → months of days.
 *
 * Days are the reader's local calendar days (the UI shows local time); the gaps come
 * from the server's compliance report, computed in UTC (BACKUPS.md). A gap is mapped
 * onto the local days it touches, so "2025-03-29T23:30Z" and "2025-03-30T00:30Z" are
 * two UTC days but one Berlin day here, and the tooltip shows both clocks.
 */
import { bandForAgeDays, type BandId } from './backup-bands';

/** What the calendar needs of a snapshot (a subset of the contract's snapshot row). */
export interface CalendarSnapshot {
  snapshotId: string;
  takenAt: string;
  state: string;
  verification: 'pending' | 'verified' | 'failed';
}

/** What the calendar needs of a compliance gap. */
export interface CalendarGap {
  from: string;
  to: string;
  hours: number;
  band: string;
  allowedHours: number;
  ok: boolean;
}

/** none | snapshot | gap: the `data-state` the e2e tests read. */
export type DayState = 'none' | 'snapshot' | 'gap';

export interface CalendarDay<S extends CalendarSnapshot = CalendarSnapshot, G extends CalendarGap = CalendarGap> {
  /** Local date, YYYY-MM-DD. */
  date: string;
  day: number;
  state: DayState;
  band: BandId;
  /** Snapshots taken on this local day, oldest first (all of them, covering or not). */
  snapshots: S[];
  /** Snapshots of this day that give no coverage: failed verification (quarantined), incomplete or in the future. */
  uncovered: number;
  /** Violations touching this day (a day with a snapshot can still be a gap's edge). */
  violations: G[];
  beforeCreation: boolean;
}

export interface CalendarMonth<S extends CalendarSnapshot = CalendarSnapshot, G extends CalendarGap = CalendarGap> {
  /** YYYY-MM */
  key: string;
  year: number;
  /** 1–12 */
  month: number;
  /** Monday-first weeks; null = a cell outside the month, or after today. */
  weeks: (CalendarDay<S, G> | null)[][];
}

/** Snapshots dated this far after `now` are clock skew: flagged by the server, no coverage here either. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

const DAY_MS = 86_400_000;

const keyFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone (default: the reader's), as YYYY-MM-DD. */
export function dayKey(ms: number, timeZone?: string): string {
  const k = timeZone ?? '';
  let f = keyFormatters.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timeZone ? { timeZone } : {}) });
    keyFormatters.set(k, f);
  }
  let y = '';
  let m = '';
  let d = '';
  for (const p of f.formatToParts(new Date(ms))) {
    if (p.type === 'year') y = p.value;
    else if (p.type === 'month') m = p.value;
    else if (p.type === 'day') d = p.value;
  }
  return `${y.padStart(4, '0')}-${m}-${d}`;
}

/** Days from calendar date a to calendar date b (pure date arithmetic: no zone, no DST). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dateMs(b) - dateMs(a)) / DAY_MS);
}

function dateMs(key: string): number {
  return Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10)));
}

function keyOf(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * The band a whole day falls in, by its age in calendar days from today: the promise
 * for a day is set by its newest moment (the compliance rule: a gap's band is its
 * newer end's), so the day 14 days ago is still daily and the one before is weekly.
 */
export function bandForDay(date: string, today: string): BandId {
  return bandForAgeDays(Math.max(0, daysBetween(date, today)));
}

/** Does this snapshot count as a restore point? Same rule as the server's compliance. */
export function isCoverage(s: CalendarSnapshot, now: number): boolean {
  if (s.state !== 'complete' || s.verification === 'failed') return false;
  const t = Date.parse(s.takenAt);
  return Number.isFinite(t) && t <= now + FUTURE_TOLERANCE_MS;
}

/**
 * One day's state: a covering snapshot wins; otherwise a day touched by a gap that
 * breaks the promise is a gap; otherwise nothing (the promise may well allow an
 * empty day: the weekly band needs one snapshot in seven days, not every day).
 */
export function classifyDay(hasCoverage: boolean, inViolation: boolean): DayState {
  if (hasCoverage) return 'snapshot';
  return inViolation ? 'gap' : 'none';
}

export interface BuildCalendarInput<S extends CalendarSnapshot, G extends CalendarGap> {
  snapshots: readonly S[];
  /** The violations (gaps over their allowance); ok gaps are ignored. */
  gaps: readonly G[];
  now: number;
  /** The tenant's creation, when known: earlier days are drawn as "before the tenant existed". */
  createdAt?: string | null;
  /** How many months back, the current one included. */
  months?: number;
  /** For tests; the console passes nothing (the reader's zone). */
  timeZone?: string;
}

export function buildCalendar<S extends CalendarSnapshot, G extends CalendarGap>(input: BuildCalendarInput<S, G>): CalendarMonth<S, G>[] {
  const { now, timeZone } = input;
  const count = input.months ?? 24;
  const today = dayKey(now, timeZone);
  const ty = Number(today.slice(0, 4));
  const tm = Number(today.slice(5, 7));
  const created = input.createdAt ? Date.parse(input.createdAt) : Number.NaN;
  const createdKey = Number.isFinite(created) ? dayKey(created, timeZone) : null;

  // First day shown: the 1st of the oldest month.
  const firstMonthIndex = ty * 12 + (tm - 1) - (count - 1);
  const firstKey = keyOf(Math.floor(firstMonthIndex / 12), (firstMonthIndex % 12) + 1, 1);

  const byDay = new Map<string, S[]>();
  const covered = new Set<string>();
  for (const s of input.snapshots) {
    const t = Date.parse(s.takenAt);
    if (!Number.isFinite(t)) continue;
    const k = dayKey(t, timeZone);
    if (k < firstKey || k > today) continue;
    let list = byDay.get(k);
    if (!list) byDay.set(k, (list = []));
    list.push(s);
    if (isCoverage(s, now)) covered.add(k);
  }
  for (const list of byDay.values()) list.sort((a, b) => Date.parse(a.takenAt) - Date.parse(b.takenAt));

  // Each violation touches the local days from its start's to its end's, both included.
  const touching = new Map<string, G[]>();
  for (const g of input.gaps) {
    if (g.ok) continue;
    const from = Date.parse(g.from);
    const to = Date.parse(g.to);
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) continue;
    let k = dayKey(from, timeZone);
    const last = dayKey(Math.min(to, now), timeZone);
    if (k < firstKey) k = firstKey;
    for (let guard = 0; k <= last && k <= today && guard < 800; guard++) {
      let list = touching.get(k);
      if (!list) touching.set(k, (list = []));
      list.push(g);
      k = nextKey(k);
    }
  }

  const out: CalendarMonth<S, G>[] = [];
  for (let i = 0; i < count; i++) {
    const mi = firstMonthIndex + i;
    const year = Math.floor(mi / 12);
    const month = (mi % 12) + 1;
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const lead = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7; // Monday = 0
    const cells: (CalendarDay<S, G> | null)[] = Array.from({ length: lead }, () => null);
    for (let d = 1; d <= daysInMonth; d++) {
      const date = keyOf(year, month, d);
      if (date > today) {
        cells.push(null);
        continue;
      }
      const snaps = byDay.get(date) ?? [];
      const violations = touching.get(date) ?? [];
      const hasCoverage = covered.has(date);
      cells.push({
        date,
        day: d,
        state: classifyDay(hasCoverage, violations.length > 0),
        band: bandForDay(date, today),
        snapshots: snaps,
        uncovered: snaps.filter((s) => !isCoverage(s, now)).length,
        violations,
        beforeCreation: createdKey !== null && date < createdKey,
      });
    }
    while (cells.length % 7 !== 0) cells.push(null);
    const weeks: (CalendarDay<S, G> | null)[][] = [];
    for (let w = 0; w < cells.length; w += 7) weeks.push(cells.slice(w, w + 7));
    out.push({ key: keyOf(year, month, 1).slice(0, 7), year, month, weeks });
  }
  return out;
}

function nextKey(k: string): string {
  const d = new Date(dateMs(k) + DAY_MS);
  return keyOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Counts for the calendar's caption: days with a snapshot, days in a gap. */
export function calendarTotals(months: readonly CalendarMonth[]): { snapshotDays: number; gapDays: number } {
  let snapshotDays = 0;
  let gapDays = 0;
  for (const m of months)
    for (const w of m.weeks)
      for (const d of w) {
        if (d?.state === 'snapshot') snapshotDays++;
        else if (d?.state === 'gap') gapDays++;
      }
  return { snapshotDays, gapDays };
}

/** The class list that draws one day: its state, its band's colour, and the edge/quarantine marks. */
export function dayClassName(d: Pick<CalendarDay, 'state' | 'band' | 'violations' | 'uncovered' | 'beforeCreation'>): string {
  const c = ['calendar-day', `calendar-day--${d.state}`, `band--${d.band}`];
  if (d.state === 'snapshot' && d.violations.length > 0) c.push('calendar-day--gap-edge');
  if (d.uncovered > 0) c.push('calendar-day--uncovered');
  if (d.beforeCreation) c.push('calendar-day--before');
  return c.join(' ');
}
