import {
  BANDS,
  DEFAULT_FUTURE_TOLERANCE_MS,
  DEFAULT_GRACE_MS,
  bandForAge,
  hours,
  iso,
  sortedSnapshots,
  type BandId,
  type ScheduledSnapshot,
} from './backup-schedule';

/**
 * Is the backup promise kept *now*? (PRODUCT.md "Backups", BACKUPS.md "Compliance")
 *
 * The recovery-point reading: for every past moment t there must be a snapshot
 * r ≤ t with t − r ≤ I(age of t). Between two consecutive snapshots a < b the worst
 * moment is just before b, so the gap b − a must be at most I(now − b) + grace — the
 * band is set by the age of the gap's NEWER end. The gap from the newest snapshot to
 * `now` has a newer end of age 0: at most 24 h + grace. The tenant's creation counts
 * as the first restore point (an empty database is a known state), so the gap from
 * creation to the first snapshot is checked too, and a tenant with no snapshot at all
 * is compliant only during its first 24 h + grace.
 *
 * What counts as coverage (a decision, documented here):
 * - `verified` and `pending` snapshots count. Verification is a test-restore and is
 *   run on samples and new snapshots, not on every snapshot of two years; demanding
 *   a verified snapshot for every day would mark the whole fleet red and hide the
 *   gaps that matter. `coverage: 'verified-only'` gives the strict reading.
 * - `failed` snapshots are quarantined and count as NO coverage (BACKUPS.md rule 3):
 *   the gap around them is reported like any other.
 * - snapshots dated more than `futureToleranceMs` after `now` are clock skew: flagged,
 *   not trusted, no coverage. Within the tolerance they count, with age 0.
 */
export interface ComplianceOptions {
  /** Schedule jitter allowed on top of every interval. Default 2 h. */
  graceMs?: number;
  futureToleranceMs?: number;
  coverage?: 'not-failed' | 'verified-only';
  /** Also return the gaps within their allowance (the calendar view draws them). Default: violations only. */
  allGaps?: boolean;
}

export interface ComplianceGap {
  from: string;
  to: string;
  /** `tenant-created`: the gap before the first snapshot. */
  fromKind: 'snapshot' | 'tenant-created';
  /** `now`: the gap since the newest snapshot. */
  toKind: 'snapshot' | 'now';
  fromSnapshotId: string | null;
  toSnapshotId: string | null;
  hours: number;
  /** The band of the gap's newer end, which sets the allowance. */
  band: BandId;
  /** Interval of the band plus grace. */
  allowedHours: number;
  ok: boolean;
}

export type ComplianceFlag =
  | { kind: 'clock-skew'; snapshotId: string; takenAt: string; aheadHours: number }
  | { kind: 'quarantined'; snapshotId: string; takenAt: string }
  | { kind: 'never-backed-up' }
  | { kind: 'no-verified-snapshot' };

export interface BandSummary {
  band: BandId;
  /** Largest gap whose newer end lies in this band, or null when there is none. */
  largestGapHours: number | null;
  allowedHours: number;
  ok: boolean;
}

export interface ComplianceReport {
  checkedAt: string;
  compliant: boolean;
  /** No snapshot counts as coverage (none at all, or all quarantined / in the future). */
  neverBackedUp: boolean;
  newestAt: string | null;
  newestAgeHours: number | null;
  newestVerifiedAt: string | null;
  newestVerifiedAgeHours: number | null;
  /** Gaps over their allowance, oldest first. */
  violations: ComplianceGap[];
  /** Every gap, oldest first; only with `allGaps`. */
  gaps?: ComplianceGap[];
  bands: BandSummary[];
  flags: ComplianceFlag[];
  counts: { total: number; verified: number; pending: number; failed: number; future: number };
}

/**
 * Compliance of one tenant's snapshots at `now`. Pure; linear in the number of
 * snapshots when they arrive sorted (the index returns them so).
 *
 * @param tenantCreatedAt epoch ms of the tenant's creation, or null when unknown
 *   (then coverage is checked from the first snapshot on).
 */
export function checkCompliance(
  snapshots: readonly ScheduledSnapshot[],
  tenantCreatedAt: number | null,
  now: number,
  options: ComplianceOptions = {},
): ComplianceReport {
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  const futureLimit = now + (options.futureToleranceMs ?? DEFAULT_FUTURE_TOLERANCE_MS);
  const verifiedOnly = options.coverage === 'verified-only';
  const wantAll = options.allGaps === true;

  const sorted = sortedSnapshots(snapshots);
  const counts = { total: sorted.length, verified: 0, pending: 0, failed: 0, future: 0 };
  const flags: ComplianceFlag[] = [];
  const violations: ComplianceGap[] = [];
  const gaps: ComplianceGap[] = [];
  const largest = new Map<BandId, number>();

  let prevAt: number | null = null;
  let prevId: string | null = null;
  let newestVerified: number | null = null;

  const gap = (fromAt: number, fromId: string | null, toAt: number, toId: string | null, toNow: boolean): void => {
    const length = toAt - fromAt;
    if (length <= 0) return; // duplicate timestamps: no gap between them
    const band = bandForAge(Math.max(0, now - toAt));
    const allowed = band.intervalMs + grace;
    const ok = length <= allowed;
    if (length > (largest.get(band.id) ?? -1)) largest.set(band.id, length);
    if (ok && !wantAll) return;
    const g: ComplianceGap = {
      from: iso(fromAt),
      to: iso(toAt),
      fromKind: fromId === null ? 'tenant-created' : 'snapshot',
      toKind: toNow ? 'now' : 'snapshot',
      fromSnapshotId: fromId,
      toSnapshotId: toId,
      hours: hours(length),
      band: band.id,
      allowedHours: hours(allowed),
      ok,
    };
    if (!ok) violations.push(g);
    if (wantAll) gaps.push(g);
  };

  for (const s of sorted) {
    if (s.takenAt > futureLimit) {
      counts.future++;
      flags.push({ kind: 'clock-skew', snapshotId: s.id, takenAt: iso(s.takenAt), aheadHours: hours(s.takenAt - now) });
      continue;
    }
    if (s.verification === 'failed') {
      counts.failed++;
      flags.push({ kind: 'quarantined', snapshotId: s.id, takenAt: iso(s.takenAt) });
      continue;
    }
    if (s.verification === 'verified') {
      counts.verified++;
      newestVerified = s.takenAt;
    } else {
      counts.pending++;
      if (verifiedOnly) continue;
    }
    if (prevAt === null) {
      // The tenant's creation is the first restore point, if it precedes the first snapshot.
      if (tenantCreatedAt !== null && tenantCreatedAt < s.takenAt) gap(tenantCreatedAt, null, s.takenAt, s.id, false);
    } else {
      gap(prevAt, prevId, s.takenAt, s.id, false);
    }
    prevAt = s.takenAt;
    prevId = s.id;
  }

  const neverBackedUp = prevAt === null;
  if (prevAt !== null) {
    gap(prevAt, prevId, Math.max(now, prevAt), null, true);
  } else if (tenantCreatedAt !== null && tenantCreatedAt <= now) {
    gap(tenantCreatedAt, null, now, null, true);
  }
  if (neverBackedUp) flags.push({ kind: 'never-backed-up' });
  else if (newestVerified === null) flags.push({ kind: 'no-verified-snapshot' });

  const bands: BandSummary[] = BANDS.map((b) => {
    const l = largest.get(b.id);
    const allowed = b.intervalMs + grace;
    return { band: b.id, largestGapHours: l === undefined ? null : hours(l), allowedHours: hours(allowed), ok: l === undefined || l <= allowed };
  });

  // Unknown creation and nothing to restore: nothing proves the promise is kept.
  const compliant = violations.length === 0 && !(neverBackedUp && tenantCreatedAt === null);

  const report: ComplianceReport = {
    checkedAt: iso(now),
    compliant,
    neverBackedUp,
    newestAt: prevAt === null ? null : iso(prevAt),
    newestAgeHours: prevAt === null ? null : hours(Math.max(0, now - prevAt)),
    newestVerifiedAt: newestVerified === null ? null : iso(newestVerified),
    newestVerifiedAgeHours: newestVerified === null ? null : hours(Math.max(0, now - newestVerified)),
    violations,
    bands,
    flags,
    counts,
  };
  if (wantAll) report.gaps = gaps;
  return report;
}

export interface TenantSnapshots {
  tenantId: string;
  /** epoch ms, or null when unknown */
  createdAt: number | null;
  snapshots: readonly ScheduledSnapshot[];
}

export interface FleetGap {
  tenantId: string;
  gap: ComplianceGap;
  /** hours / allowedHours: how many times over the promise (sort key of "worst gaps"). */
  ratio: number;
}

export interface FleetComplianceSummary {
  checkedAt: string;
  tenants: number;
  compliant: number;
  nonCompliant: number;
  neverBackedUp: number;
  neverBackedUpTenantIds: string[];
  /** Newest snapshot older than 24 h + grace (the "stale backups" alarm). */
  stale: number;
  clockSkewTenants: string[];
  quarantinedSnapshots: number;
  /** Tenants with at least one verified snapshot, and with one verified in the last 7 days. */
  verification: { withVerifiedSnapshot: number; verifiedWithin7Days: number };
  /** Worst violations across the fleet, worst first (at most `worstLimit`). */
  worstGaps: FleetGap[];
}

/** Fleet backup health from per-tenant reports (the screen's numbers). */
export function summarizeFleetCompliance(
  reports: ReadonlyArray<{ tenantId: string; report: ComplianceReport }>,
  now: number,
  options: { worstLimit?: number; idLimit?: number } = {},
): FleetComplianceSummary {
  const worstLimit = options.worstLimit ?? 20;
  const idLimit = options.idLimit ?? 1000;
  const out: FleetComplianceSummary = {
    checkedAt: iso(now),
    tenants: reports.length,
    compliant: 0,
    nonCompliant: 0,
    neverBackedUp: 0,
    neverBackedUpTenantIds: [],
    stale: 0,
    clockSkewTenants: [],
    quarantinedSnapshots: 0,
    verification: { withVerifiedSnapshot: 0, verifiedWithin7Days: 0 },
    worstGaps: [],
  };
  const worst: FleetGap[] = [];
  for (const { tenantId, report } of reports) {
    if (report.compliant) out.compliant++;
    else out.nonCompliant++;
    if (report.neverBackedUp) {
      out.neverBackedUp++;
      if (out.neverBackedUpTenantIds.length < idLimit) out.neverBackedUpTenantIds.push(tenantId);
    }
    if (report.violations.some((g) => g.toKind === 'now')) out.stale++;
    if (report.counts.future > 0 && out.clockSkewTenants.length < idLimit) out.clockSkewTenants.push(tenantId);
    out.quarantinedSnapshots += report.counts.failed;
    if (report.newestVerifiedAgeHours !== null) {
      out.verification.withVerifiedSnapshot++;
      if (report.newestVerifiedAgeHours <= 7 * 24) out.verification.verifiedWithin7Days++;
    }
    for (const gap of report.violations) {
      const ratio = Math.round((gap.hours / gap.allowedHours) * 100) / 100;
      // Keep only the worst few while scanning: the fleet has 10,000 tenants.
      if (worst.length >= worstLimit && ratio <= (worst[worst.length - 1] as FleetGap).ratio) continue;
      worst.push({ tenantId, gap, ratio });
      worst.sort((a, b) => b.ratio - a.ratio);
      if (worst.length > worstLimit) worst.pop();
    }
  }
  out.worstGaps = worst;
  return out;
}

/** Compliance for every tenant, then the fleet summary. */
export function checkFleetCompliance(
  tenants: readonly TenantSnapshots[],
  now: number,
  options: ComplianceOptions & { worstLimit?: number } = {},
): { reports: Array<{ tenantId: string; report: ComplianceReport }>; summary: FleetComplianceSummary } {
  const reports = tenants.map((t) => ({ tenantId: t.tenantId, report: checkCompliance(t.snapshots, t.createdAt, now, options) }));
  return { reports, summary: summarizeFleetCompliance(reports, now, options) };
}
