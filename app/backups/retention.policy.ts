import {
  BANDS,
  DEFAULT_FUTURE_TOLERANCE_MS,
  DEFAULT_GRACE_MS,
  bandForAge,
  bucketKey,
  bucketLabel,
  formatHours,
  iso,
  sortedSnapshots,
  type ScheduledSnapshot,
} from './backup-schedule';
import { checkCompliance, type ComplianceReport } from './compliance.policy';

/**
 * Which snapshots may be pruned (BACKUPS.md "Retention"), a pure function of the
 * snapshot facts and `now`. All in UTC.
 *
 * 1. Protected, never pruned: the newest snapshot; anything pending verification,
 *    held, quarantined (failed verification) or dated in the future. Only verified
 *    snapshots are ever pruned, so a snapshot nobody has test-restored never makes
 *    room by replacing one somebody has.
 * 2. Calendar keeps, among verified snapshots, windows measured from the newest
 *    verified snapshot (the anchor), edges inclusive:
 *      UTC day within 15 days · ISO week within 97 days · 30-day epoch within 395 days ·
 *      90-day epoch for ever — the newest verified snapshot of each bucket is kept,
 *    plus the oldest verified snapshot and the anchor itself. 30/90-day epochs count
 *    from 1970-01-01, so they nest and never depend on month lengths.
 * 3. Veto, newest to oldest over the remaining verified snapshots: a candidate is
 *    pruned only if the gap between its nearest remaining verified neighbours stays
 *    within the allowed interval (+ grace) for the age of the gap's newer end. Older
 *    candidates still count as neighbours while newer ones are decided, so after a
 *    missing Sunday the veto keeps the Monday after it, not the Saturday before the
 *    next Sunday (BACKUPS.md: "the veto also keeps 05-19").
 *
 * Why this never breaks the promise, now or as the set ages:
 * - Every prune merges two verified gaps into one and checks the merged gap, so each
 *   gap of the final verified set is either one that already existed or one within
 *   its allowance. A gap of the full coverage set (verified + pending) lies inside
 *   a verified gap whose newer end is no older than its own, so it is within the
 *   allowance too. Endpoints of existing violations are never pruned (merging one
 *   would exceed the allowance), so pruning never creates or lengthens a violation.
 *   The newest snapshot and the first restore point are never pruned, so the gaps to
 *   `now` and from the tenant's creation do not change.
 * - The allowance of a gap only grows as its newer end ages (24 h → 7 d → 30 d →
 *   90 d, bandForAge is monotone), so a gap within its allowance today is within it
 *   on every later day: a snapshot kept because the weekly band needs it can only
 *   become prunable later, never be needed more. A later run that would prune it
 *   goes through the same veto against its own `now`. The property test in
 *   retention.policy.property.test.ts checks exactly this: plans re-applied daily
 *   for a year over random histories never produce a violation.
 * - Ages in the veto are measured from the anchor, not from `now` (anchor ≤ now, so
 *   the allowances are the same or stricter): when backups stop, the plan stops
 *   changing — nothing extra is pruned while compliance raises the alarm.
 */
export interface RetentionOptions {
  graceMs?: number;
  futureToleranceMs?: number;
}

export interface PruneDecision {
  snapshotId: string;
  takenAt: string;
  action: 'keep' | 'prune';
  /** Why it is kept (every reason that applies, the strongest first), or why pruning it is safe. */
  reasons: string[];
}

export interface PrunePlan {
  planAt: string;
  /** The newest verified snapshot: retention windows are measured from it. Null: nothing is pruned. */
  anchor: { snapshotId: string; takenAt: string } | null;
  /** One per input snapshot, oldest first. */
  decisions: PruneDecision[];
  keep: string[];
  prune: string[];
  complianceBefore: ComplianceReport;
  complianceAfter: ComplianceReport;
  /** No violation after pruning that was not there before (always true; checked, not assumed). */
  promiseKept: boolean;
}

export const REASON = {
  newest: 'newest',
  anchor: 'newest verified (retention anchor)',
  oldestVerified: 'oldest verified',
  held: 'held',
  pending: 'pending verification',
  quarantined: 'quarantined: failed verification (never pruned automatically)',
  future: 'dated in the future (clock skew): not trusted, not pruned',
  noVerified: 'no verified snapshot yet: nothing is pruned until one passes verification',
} as const;

export function planPrune(
  snapshots: readonly ScheduledSnapshot[],
  tenantCreatedAt: number | null,
  now: number,
  options: RetentionOptions = {},
): PrunePlan {
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  const futureLimit = now + (options.futureToleranceMs ?? DEFAULT_FUTURE_TOLERANCE_MS);
  const sorted = sortedSnapshots(snapshots);
  const n = sorted.length;
  const reasons: string[][] = Array.from({ length: n }, () => []);
  const pruneNotes: (string | null)[] = new Array<string | null>(n).fill(null);

  // 1. Protected snapshots.
  let newest = -1;
  const verified: number[] = []; // indexes into sorted, ascending
  for (let i = 0; i < n; i++) {
    const s = sorted[i] as ScheduledSnapshot;
    const r = reasons[i] as string[];
    if (s.takenAt > futureLimit) {
      r.push(REASON.future);
      continue;
    }
    newest = i;
    if (s.held) r.push(REASON.held);
    if (s.verification === 'failed') r.push(REASON.quarantined);
    else if (s.verification === 'pending') r.push(REASON.pending);
    else verified.push(i);
  }
  if (newest >= 0) (reasons[newest] as string[]).unshift(REASON.newest);

  let anchor: PrunePlan['anchor'] = null;
  if (verified.length === 0) {
    for (const r of reasons) if (r.length === 0) r.push(REASON.noVerified);
  } else {
    const anchorIdx = verified[verified.length - 1] as number;
    const anchorAt = (sorted[anchorIdx] as ScheduledSnapshot).takenAt;
    anchor = { snapshotId: (sorted[anchorIdx] as ScheduledSnapshot).id, takenAt: iso(anchorAt) };
    (reasons[anchorIdx] as string[]).push(REASON.anchor);
    (reasons[verified[0] as number] as string[]).push(REASON.oldestVerified);

    // 2. Calendar keeps: the newest verified snapshot of each bucket, within each band's window.
    for (const band of BANDS) {
      const winners = new Map<number, number>();
      const newestCovered = new Map<number, number>(); // bucket → newest non-failed trusted time, to word "last verified of"
      for (let i = 0; i < n; i++) {
        const s = sorted[i] as ScheduledSnapshot;
        if (s.takenAt > futureLimit || s.verification === 'failed' || anchorAt - s.takenAt > band.windowMs) continue;
        const key = bucketKey(band.id, s.takenAt);
        newestCovered.set(key, s.takenAt);
        if (s.verification === 'verified') winners.set(key, i);
      }
      for (const [key, i] of winners) {
        const s = sorted[i] as ScheduledSnapshot;
        const lastOfAll = (newestCovered.get(key) as number) <= s.takenAt;
        (reasons[i] as string[]).push(`${lastOfAll ? 'last' : 'last verified'} of ${bucketLabel(band.id, s.takenAt)}`);
      }
    }

    // 3. Veto, newest to oldest, over a linked list of the verified snapshots still remaining.
    const ref = Math.min(anchorAt, now);
    const m = verified.length;
    const prev = Array.from({ length: m }, (_, j) => j - 1);
    const next = Array.from({ length: m }, (_, j) => j + 1);
    const at = (j: number) => (sorted[verified[j] as number] as ScheduledSnapshot).takenAt;
    for (let j = m - 1; j >= 0; j--) {
      const i = verified[j] as number;
      if ((reasons[i] as string[]).length > 0) continue;
      // The first and last verified snapshots are kept, so both neighbours exist.
      const p = prev[j] as number;
      const q = next[j] as number;
      const merged = at(q) - at(p);
      const band = bandForAge(Math.max(0, ref - at(q)));
      const allowed = band.intervalMs + grace;
      if (merged > allowed) {
        (reasons[i] as string[]).push(`veto: pruning would open a ${formatHours(merged)} gap in the ${band.label}`);
      } else {
        next[p] = q;
        prev[q] = p;
      }
    }

    // Say why each pruned snapshot is safe to lose: the final remaining neighbours around it.
    let left = 0;
    for (let j = 1; j < m; j++) {
      if ((reasons[verified[j] as number] as string[]).length === 0) continue;
      const gapMs = at(j) - at(left);
      const band = bandForAge(Math.max(0, ref - at(j)));
      for (let k = left + 1; k < j; k++) {
        pruneNotes[verified[k] as number] =
          `covered: the kept snapshots ${iso(at(left))} and ${iso(at(j))} around it are ${formatHours(gapMs)} apart, ` +
          `within the ${band.label}'s ${formatHours(band.intervalMs + grace)}`;
      }
      left = j;
    }
  }

  const decisions: PruneDecision[] = sorted.map((s, i) => {
    const r = reasons[i] as string[];
    return r.length > 0
      ? { snapshotId: s.id, takenAt: iso(s.takenAt), action: 'keep', reasons: r }
      : { snapshotId: s.id, takenAt: iso(s.takenAt), action: 'prune', reasons: [pruneNotes[i] ?? 'not needed by the schedule'] };
  });
  const keepSet = sorted.filter((_, i) => (reasons[i] as string[]).length > 0);
  const complianceBefore = checkCompliance(sorted, tenantCreatedAt, now, options);
  const complianceAfter = checkCompliance(keepSet, tenantCreatedAt, now, options);
  const before = new Set(complianceBefore.violations.map((g) => `${g.from}|${g.to}`));
  const promiseKept = complianceAfter.violations.every((g) => before.has(`${g.from}|${g.to}`));

  return {
    planAt: iso(now),
    anchor,
    decisions,
    keep: decisions.filter((d) => d.action === 'keep').map((d) => d.snapshotId),
    prune: decisions.filter((d) => d.action === 'prune').map((d) => d.snapshotId),
    complianceBefore,
    complianceAfter,
    promiseKept,
  };
}

/** The snapshots that remain after a plan is applied (for simulations and the UI's "after" view). */
export function applyPlan<T extends ScheduledSnapshot>(snapshots: readonly T[], plan: PrunePlan): T[] {
  const gone = new Set(plan.prune);
  return snapshots.filter((s) => !gone.has(s.id));
}
