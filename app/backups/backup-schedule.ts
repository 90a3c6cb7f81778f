/**
 * The backup promise as data (PRODUCT.md "Backups", BACKUPS.md "Retention"):
 *
 *   data of the last 14 days   — one backup every 24 hours
 *   data of the last 90 days   — one every 7 days
 *   data of the last 365 days  — one every 30 days
 *   older than 365 days        — one every 90 days (back to the tenant's creation)
 *
 * Everything here works on UTC epoch milliseconds. Calendar buckets are UTC days,
 * ISO weeks and 30/90-day epochs counted from 1970-01-01, so DST and month lengths
 * never move a bucket edge (the UI shows local time; the policy never does).
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export type BandId = 'daily' | 'weekly' | 'monthly' | 'quarterly';

export interface Band {
  id: BandId;
  /** Ages up to and including this many days fall in the band (Infinity for the last). */
  maxAgeDays: number;
  /** The promised interval between backups for data of this age. */
  intervalMs: number;
  /** Retention window, measured from the newest verified snapshot: the band's age limit plus one interval. */
  windowMs: number;
  /** "7-day band": how staff read it in reasons and reports. */
  label: string;
}

export const BANDS: readonly Band[] = [
  { id: 'daily', maxAgeDays: 14, intervalMs: DAY_MS, windowMs: 15 * DAY_MS, label: '24-hour band' },
  { id: 'weekly', maxAgeDays: 90, intervalMs: 7 * DAY_MS, windowMs: 97 * DAY_MS, label: '7-day band' },
  { id: 'monthly', maxAgeDays: 365, intervalMs: 30 * DAY_MS, windowMs: 395 * DAY_MS, label: '30-day band' },
  { id: 'quarterly', maxAgeDays: Infinity, intervalMs: 90 * DAY_MS, windowMs: Infinity, label: '90-day band' },
];

const DAILY = BANDS[0] as Band;
const WEEKLY = BANDS[1] as Band;
const MONTHLY = BANDS[2] as Band;
const QUARTERLY = BANDS[3] as Band;

export const DEFAULT_GRACE_MS = 2 * HOUR_MS;
/** Clocks of the servers taking snapshots may run a little ahead; beyond this a snapshot is "in the future". */
export const DEFAULT_FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The band for data of this age. Edges are inclusive: data exactly 14 days old is
 * still promised a 24-hour interval (the stricter reading).
 *
 * The allowed interval never shrinks as data ages. That monotonicity is what makes
 * the schedule safe to prune against: a gap that is within its allowance today is
 * within it for ever after (see retention.policy.ts).
 */
export function bandForAge(ageMs: number): Band {
  if (ageMs <= 14 * DAY_MS) return DAILY;
  if (ageMs <= 90 * DAY_MS) return WEEKLY;
  if (ageMs <= 365 * DAY_MS) return MONTHLY;
  return QUARTERLY;
}

export function bandById(id: BandId): Band {
  return BANDS.find((b) => b.id === id) as Band;
}

export function epochDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** ISO week index: weeks start on Monday; epoch day 4 (1970-01-05) is the first Monday. */
export function isoWeekIndex(day: number): number {
  return Math.floor((day - 4) / 7);
}

export function epoch30Index(day: number): number {
  return Math.floor(day / 30);
}

export function epoch90Index(day: number): number {
  return Math.floor(day / 90);
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** "2026-W05" for any day of that ISO week (the ISO year is the year of the week's Thursday). */
export function isoWeekLabel(day: number): string {
  const monday = isoWeekIndex(day) * 7 + 4;
  const thursday = new Date((monday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = epochDay(Date.UTC(year, 0, 1));
  const week = Math.floor((monday + 3 - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Bucket of a snapshot in a band's retention rule (cheap: no strings). */
export function bucketKey(band: BandId, ms: number): number {
  const day = epochDay(ms);
  switch (band) {
    case 'daily':
      return day;
    case 'weekly':
      return isoWeekIndex(day);
    case 'monthly':
      return epoch30Index(day);
    case 'quarterly':
      return epoch90Index(day);
  }
}

/** The bucket in the words of a "kept because" reason: "UTC day 2026-01-31", "ISO week 2026-W05", … */
export function bucketLabel(band: BandId, ms: number): string {
  const day = epochDay(ms);
  switch (band) {
    case 'daily':
      return `UTC day ${isoDate(day)}`;
    case 'weekly':
      return `ISO week ${isoWeekLabel(day)}`;
    case 'monthly': {
      const k = epoch30Index(day);
      return `30-day epoch ${k} (${isoDate(k * 30)} – ${isoDate(k * 30 + 29)})`;
    }
    case 'quarterly': {
      const k = epoch90Index(day);
      return `90-day epoch ${k} (${isoDate(k * 90)} – ${isoDate(k * 90 + 89)})`;
    }
  }
}

export function hours(ms: number): number {
  return Math.round((ms / HOUR_MS) * 100) / 100;
}

/** "192 h", "25.5 h": for messages. */
export function formatHours(ms: number): string {
  return `${hours(ms)} h`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * What the policies know about one snapshot: facts from the control plane's
 * snapshot index (or the catalog), never the bytes.
 *
 * `verification`:
 * - `pending`  — not (yet) test-restored. Counts as coverage (see compliance.policy.ts)
 *               and is never pruned (BACKUPS.md rule 2).
 * - `verified` — the last test-restore passed. The only state retention may prune.
 * - `failed`   — the last test-restore failed: quarantined, no coverage, never pruned
 *               automatically (BACKUPS.md rule 3).
 */
export type VerificationState = 'verified' | 'pending' | 'failed';

export interface ScheduledSnapshot {
  id: string;
  /** When the snapshot was taken, UTC epoch milliseconds. */
  takenAt: number;
  verification: VerificationState;
  /** A restore or a legal reason is using it: never pruned. */
  held?: boolean;
}

/** Ascending by time; ties by id so that equal timestamps still have one order everywhere. */
export function compareSnapshots(a: ScheduledSnapshot, b: ScheduledSnapshot): number {
  return a.takenAt - b.takenAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The input sorted (without copying when it already is: the index hands them over ordered). */
export function sortedSnapshots<T extends ScheduledSnapshot>(snapshots: readonly T[]): readonly T[] {
  for (let i = 1; i < snapshots.length; i++) {
    if (compareSnapshots(snapshots[i - 1] as T, snapshots[i] as T) > 0) return [...snapshots].sort(compareSnapshots);
  }
  return snapshots;
}
