/**
 * Choosing what to restore (issue 6): the snapshot that holds a tenant's data as of a
 * given day. Pure: a function of the snapshot list, the day and `now`, so the band
 * edges are tested without a store.
 *
 * A "day" is a UTC calendar day, the same calendar the schedule and the snapshot IDs
 * use (backup-schedule.ts); the screen says so. The snapshot "of" a day is the last one
 * taken on it, because it holds everything entered that day up to the nightly run.
 * When the day has none (older days keep one snapshot a week, a month, a quarter), the
 * staff member chooses between the nearest before and the nearest after, and the plan
 * explains which band's schedule made the gap.
 */
import { bandForAge, DAY_MS, type BandId } from '../backups/backup-schedule';
import { CustosError } from '../shared/errors';

export interface PlannableSnapshot {
  snapshotId: string;
  takenAt: string;
  /** Only complete snapshots are candidates; incomplete and broken ones never are. */
  state: string;
  verification: 'pending' | 'verified' | 'failed';
}

export interface PlanCandidate {
  snapshotId: string;
  takenAt: string;
  verification: 'pending' | 'verified';
  /** Whole days between the end of the asked day and the snapshot (negative = before). */
  daysFromDay: number;
}

export type RestorePlan =
  | { kind: 'exact'; day: string; snapshot: PlanCandidate; sameDay: PlanCandidate[]; band: BandId; explanation: string; unusable: UnusableSnapshot[] }
  | {
      kind: 'nearest';
      day: string;
      before: PlanCandidate | null;
      after: PlanCandidate | null;
      band: BandId;
      explanation: string;
      unusable: UnusableSnapshot[];
    };

export interface UnusableSnapshot {
  snapshotId: string;
  takenAt: string;
  reason: string;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Start of a UTC day, or INVALID_INPUT for anything that is not a real calendar date. */
export function dayStart(day: string): number {
  const m = DAY_PATTERN.exec(day);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) {
    throw new CustosError('INVALID_INPUT', `"${day}" is not a calendar day.`, 'Give the day as YYYY-MM-DD (UTC), e.g. 2026-03-14.');
  }
  return t;
}

const BAND_TEXT: Record<BandId, string> = {
  daily: 'the last 14 days keep one snapshot every 24 hours',
  weekly: 'data 15–90 days old keeps one snapshot every 7 days',
  monthly: 'data 91–365 days old keeps one snapshot every 30 days',
  quarterly: 'data older than a year keeps one snapshot every 90 days',
};

function fmtDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function planRestore(snapshots: readonly PlannableSnapshot[], day: string, now: Date, tenantCreatedAt: string): RestorePlan {
  const start = dayStart(day);
  const end = start + DAY_MS;
  const nowMs = now.getTime();
  if (start > nowMs) {
    throw new CustosError('INVALID_INPUT', `${day} is in the future.`, 'Pick today or an earlier day.');
  }
  const created = Date.parse(tenantCreatedAt);
  if (end <= created) {
    throw new CustosError('RESTORE_REFUSED', `The tenant was created on ${fmtDay(created)}; it had no data on ${day}.`, `Pick a day from ${fmtDay(created)} on.`);
  }
  const unusable: UnusableSnapshot[] = [];
  const usable: { s: PlannableSnapshot; t: number }[] = [];
  for (const s of snapshots) {
    const t = Date.parse(s.takenAt);
    if (s.state !== 'complete') unusable.push({ snapshotId: s.snapshotId, takenAt: s.takenAt, reason: `not a complete snapshot (${s.state})` });
    else if (s.verification === 'failed') unusable.push({ snapshotId: s.snapshotId, takenAt: s.takenAt, reason: 'failed its last verification' });
    else usable.push({ s, t });
  }
  usable.sort((a, b) => a.t - b.t || a.s.snapshotId.localeCompare(b.s.snapshotId));
  const candidate = ({ s, t }: { s: PlannableSnapshot; t: number }): PlanCandidate => ({
    snapshotId: s.snapshotId,
    takenAt: s.takenAt,
    verification: s.verification as 'pending' | 'verified',
    daysFromDay: t >= end ? Math.ceil((t - end) / DAY_MS) : t < start ? -Math.ceil((start - t) / DAY_MS) : 0,
  });
  // The band is that of the asked day's data today: the schedule that decided what was kept.
  const band = bandForAge(Math.max(0, nowMs - end));
  const onDay = usable.filter((u) => u.t >= start && u.t < end);
  const relevantUnusable = unusable.filter((u) => {
    const t = Date.parse(u.takenAt);
    return t >= start - 120 * DAY_MS && t < end + 120 * DAY_MS;
  });
  if (onDay.length > 0) {
    const last = onDay[onDay.length - 1]!;
    return {
      kind: 'exact',
      day,
      snapshot: candidate(last),
      sameDay: onDay.slice(0, -1).reverse().map(candidate),
      band: band.id,
      explanation: `The last snapshot taken on ${day} (UTC) holds the tenant's data as of ${last.s.takenAt}.`,
      unusable: relevantUnusable,
    };
  }
  const before = [...usable].reverse().find((u) => u.t < start) ?? null;
  const after = usable.find((u) => u.t >= end) ?? null;
  const parts = [`No usable snapshot was taken on ${day} (UTC): ${BAND_TEXT[band.id]}.`];
  if (before) parts.push(`The nearest before (${before.s.takenAt}) misses what was entered after it, up to the end of ${day}.`);
  if (after) parts.push(`The nearest after (${after.s.takenAt}) also holds what changed after ${day}.`);
  if (!before && !after) parts.push('This tenant has no usable snapshot at all.');
  else if (!before) parts.push('There is no usable snapshot before that day.');
  else if (!after) parts.push('There is no usable snapshot after that day.');
  if (relevantUnusable.length > 0) parts.push(`${relevantUnusable.length} snapshot(s) near that day cannot be used (listed below).`);
  return {
    kind: 'nearest',
    day,
    before: before ? candidate(before) : null,
    after: after ? candidate(after) : null,
    band: band.id,
    explanation: parts.join(' '),
    unusable: relevantUnusable,
  };
}
