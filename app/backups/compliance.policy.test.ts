import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, type BandId, type ScheduledSnapshot } from './backup-schedule';
import { checkCompliance, checkFleetCompliance, type ComplianceOptions } from './compliance.policy';
import { T, daily, snap } from './schedule.fixture';

// BACKUPS.md "Cases to test": daily snapshots at 02:00Z, checked at 2025-06-30T03:00Z, grace 2 h, unless stated.
const NOW = '2025-06-30T03:00:00Z';
const LONG_AGO = '2023-01-01T00:00:00Z';

interface Case {
  name: string;
  snapshots: ScheduledSnapshot[];
  createdAt?: string | null;
  now?: string;
  options?: ComplianceOptions;
  compliant: boolean;
  /** Expected violations, oldest first: [from, to, hours, band]. */
  violations?: Array<[string, string, number, BandId]>;
  neverBackedUp?: boolean;
  flags?: string[];
  newestAgeHours?: number | null;
}

/** The 30-day / 90-day keeps of a history that is otherwise compliant, so that one gap is under test. */
function thinned(): ScheduledSnapshot[] {
  return [
    ...['2025-01-29', '2025-02-28', '2025-03-31'].map((d) => snap(`${d}T02:00:00Z`)),
    ...['2025-04-06', '2025-04-13', '2025-04-20', '2025-04-27', '2025-05-04', '2025-05-11', '2025-05-18', '2025-05-25', '2025-06-01', '2025-06-08', '2025-06-15'].map(
      (d) => snap(`${d}T02:00:00Z`),
    ),
    ...daily('2025-06-16', '2025-06-30'),
  ];
}

const cases: Case[] = [
  {
    name: 'daily 02:00Z since 2023 is compliant, newest 1 h old',
    snapshots: daily('2023-01-01', '2025-06-30'),
    createdAt: LONG_AGO,
    compliant: true,
    newestAgeHours: 1,
  },
  {
    name: 'monthly-band keeps on Feb 28 and Mar 31: a 31-day gap is a violation',
    snapshots: thinned(),
    createdAt: '2025-01-29T00:00:00Z',
    compliant: false,
    violations: [['2025-02-28T02:00:00.000Z', '2025-03-31T02:00:00.000Z', 744, 'monthly']],
  },
  {
    name: 'keeps on Jul 1 and Oct 1 older than 365 days: a 92-day gap is a violation',
    snapshots: [snap('2023-07-01T02:00:00Z'), snap('2023-10-01T02:00:00Z'), ...daily('2023-12-01', '2025-06-30')],
    createdAt: '2023-07-01T00:00:00Z',
    compliant: false,
    violations: [['2023-07-01T02:00:00.000Z', '2023-10-01T02:00:00.000Z', 2208, 'quarterly']],
  },
  {
    name: 'last snapshot 06-10: 481 h since the last snapshot',
    snapshots: daily('2025-03-01', '2025-06-10'),
    createdAt: '2025-03-01T00:00:00Z',
    compliant: false,
    violations: [['2025-06-10T02:00:00.000Z', '2025-06-30T03:00:00.000Z', 481, 'daily']],
    newestAgeHours: 481,
  },
  {
    name: '06-29 failed verification: quarantined, the 48 h gap 06-28 → 06-30 is flagged',
    snapshots: daily('2025-03-01', '2025-06-30').map((s) => (s.id.startsWith('2025-06-29') ? { ...s, verification: 'failed' as const } : s)),
    createdAt: '2025-03-01T00:00:00Z',
    compliant: false,
    violations: [['2025-06-28T02:00:00.000Z', '2025-06-30T02:00:00.000Z', 48, 'daily']],
    flags: ['quarantined'],
  },
  {
    name: 'newest at 06-30 03:30 checked at 07-01 05:00 (25.5 h) passes',
    snapshots: [...daily('2025-06-01', '2025-06-29'), snap('2025-06-30T03:30:00Z')],
    createdAt: '2025-06-01T00:00:00Z',
    now: '2025-07-01T05:00:00Z',
    compliant: true,
    newestAgeHours: 25.5,
  },
  {
    name: 'newest at 06-30 04:30 checked at 07-01 07:00 (26.5 h) is a violation',
    snapshots: [...daily('2025-06-01', '2025-06-29', { time: '04:30:00Z' }), snap('2025-06-30T04:30:00Z')],
    createdAt: '2025-06-01T00:00:00Z',
    now: '2025-07-01T07:00:00Z',
    compliant: false,
    violations: [['2025-06-30T04:30:00.000Z', '2025-07-01T07:00:00.000Z', 26.5, 'daily']],
  },
  {
    name: 'exactly 24 h + grace since the newest snapshot still passes',
    snapshots: daily('2025-06-01', '2025-06-29'),
    createdAt: '2025-06-01T00:00:00Z',
    now: '2025-06-30T04:00:00Z',
    compliant: true,
    newestAgeHours: 26,
  },
  {
    name: 'one millisecond over 24 h + grace is a violation',
    snapshots: daily('2025-06-01', '2025-06-29'),
    createdAt: '2025-06-01T00:00:00Z',
    now: '2025-06-30T04:00:00.001Z',
    compliant: false,
    violations: [['2025-06-29T02:00:00.000Z', '2025-06-30T04:00:00.001Z', 26, 'daily']],
  },
  {
    name: 'band edge: a 30 h gap whose newer end is exactly 14 days old is in the 24-hour band',
    snapshots: [...daily('2025-06-01', '2025-06-15', { skip: ['2025-06-16'] }), snap('2025-06-16T09:00:00Z'), ...daily('2025-06-17', '2025-06-30')],
    createdAt: '2025-06-01T00:00:00Z',
    now: '2025-06-30T09:00:00Z',
    compliant: false,
    violations: [['2025-06-15T02:00:00.000Z', '2025-06-16T09:00:00.000Z', 31, 'daily']],
  },
  {
    name: 'band edge: the same gap one millisecond older is in the 7-day band',
    snapshots: [...daily('2025-06-01', '2025-06-15'), snap('2025-06-16T09:00:00Z'), ...daily('2025-06-17', '2025-06-30')],
    createdAt: '2025-06-01T00:00:00Z',
    now: '2025-06-30T09:00:00.001Z',
    compliant: true,
  },
  {
    name: 'band edge: an 8-day gap whose newer end is exactly 90 days old is in the 7-day band',
    snapshots: [snap('2025-03-24T03:00:00Z'), snap('2025-04-01T03:00:00Z'), ...daily('2025-04-02', '2025-06-30')],
    createdAt: '2025-03-24T00:00:00Z',
    compliant: false,
    violations: [['2025-03-24T03:00:00.000Z', '2025-04-01T03:00:00.000Z', 192, 'weekly']],
  },
  {
    name: 'band edge: the 8-day gap one millisecond past 90 days is in the 30-day band',
    snapshots: [snap('2025-03-24T03:00:00Z'), snap('2025-04-01T02:59:59.999Z'), ...daily('2025-04-02', '2025-06-30')],
    createdAt: '2025-03-24T00:00:00Z',
    compliant: true,
  },
  {
    name: 'band edge: a 31-day gap ending exactly 365 days ago is in the 30-day band',
    snapshots: [snap('2024-05-30T03:00:00Z'), snap('2024-06-30T03:00:00Z'), ...daily('2024-07-01', '2025-06-30')],
    createdAt: '2024-05-30T00:00:00Z',
    compliant: false,
    violations: [['2024-05-30T03:00:00.000Z', '2024-06-30T03:00:00.000Z', 744, 'monthly']],
  },
  {
    name: 'band edge: the 31-day gap one millisecond past 365 days is in the 90-day band',
    snapshots: [snap('2024-05-30T03:00:00Z'), snap('2024-06-30T02:59:59.999Z'), ...daily('2024-07-01', '2025-06-30')],
    createdAt: '2024-05-30T00:00:00Z',
    compliant: true,
  },
  {
    name: 'DST: 23:30Z and 00:30Z on the Berlin spring-forward night are one hour apart in UTC',
    snapshots: [...daily('2025-03-20', '2025-03-29'), snap('2025-03-29T23:30:00Z'), snap('2025-03-30T00:30:00Z'), ...daily('2025-03-31', '2025-04-02')],
    createdAt: '2025-03-20T00:00:00Z',
    now: '2025-04-02T03:00:00Z',
    compliant: true,
  },
  {
    name: 'DST: autumn change in the daily band needs no special case (UTC 02:00 every day)',
    snapshots: daily('2025-10-15', '2025-11-02'),
    createdAt: '2025-10-15T00:00:00Z',
    now: '2025-11-02T03:00:00Z',
    compliant: true,
  },
  {
    name: 'leap day: 2024-02-29 missing opens a 48 h gap in the daily band',
    snapshots: daily('2024-02-20', '2024-03-10', { skip: ['2024-02-29'] }),
    createdAt: '2024-02-20T00:00:00Z',
    now: '2024-03-10T03:00:00Z',
    compliant: false,
    violations: [['2024-02-28T02:00:00.000Z', '2024-03-01T02:00:00.000Z', 48, 'daily']],
  },
  {
    name: 'a missing ISO week in the 7-day band (05-12 … 05-18) is a 192 h violation',
    snapshots: [...daily('2025-03-01', '2025-06-30', { skip: ['2025-05-12', '2025-05-13', '2025-05-14', '2025-05-15', '2025-05-16', '2025-05-17', '2025-05-18'] })],
    createdAt: '2025-03-01T00:00:00Z',
    compliant: false,
    violations: [['2025-05-11T02:00:00.000Z', '2025-05-19T02:00:00.000Z', 192, 'weekly']],
  },
  {
    name: 'tenant created 20 days ago, daily since: compliant (the older days are in the 7-day band)',
    snapshots: daily('2025-06-10', '2025-06-30'),
    createdAt: '2025-06-10T01:00:00Z',
    compliant: true,
  },
  {
    name: 'tenant created 20 days ago, first snapshot 7 days later: the gap from creation is a violation',
    snapshots: daily('2025-06-17', '2025-06-30'),
    createdAt: '2025-06-10T01:00:00Z',
    compliant: false,
    violations: [['2025-06-10T01:00:00.000Z', '2025-06-17T02:00:00.000Z', 169, 'daily']],
  },
  {
    name: 'tenant created 10 days ago and never backed up',
    snapshots: [],
    createdAt: '2025-06-20T03:00:00Z',
    compliant: false,
    neverBackedUp: true,
    violations: [['2025-06-20T03:00:00.000Z', '2025-06-30T03:00:00.000Z', 240, 'daily']],
    flags: ['never-backed-up'],
    newestAgeHours: null,
  },
  {
    name: 'tenant created an hour ago, no snapshot yet: not late yet',
    snapshots: [],
    createdAt: '2025-06-30T02:00:00Z',
    compliant: true,
    neverBackedUp: true,
    flags: ['never-backed-up'],
  },
  {
    name: 'unknown creation and no snapshot: nothing proves the promise',
    snapshots: [],
    createdAt: null,
    compliant: false,
    neverBackedUp: true,
    flags: ['never-backed-up'],
  },
  {
    name: 'snapshot dated in the future: flagged, not trusted as the newest',
    snapshots: [...daily('2025-06-01', '2025-06-28'), snap('2025-07-05T02:00:00Z')],
    createdAt: '2025-06-01T00:00:00Z',
    compliant: false,
    violations: [['2025-06-28T02:00:00.000Z', '2025-06-30T03:00:00.000Z', 49, 'daily']],
    flags: ['clock-skew'],
  },
  {
    name: 'a clock two minutes ahead is within the tolerance: trusted, age 0',
    snapshots: [...daily('2025-06-01', '2025-06-29'), snap('2025-06-30T03:02:00Z')],
    createdAt: '2025-06-01T00:00:00Z',
    compliant: true,
    newestAgeHours: 0,
  },
  {
    name: 'duplicate timestamps are one restore point, not a gap',
    snapshots: [...daily('2025-06-01', '2025-06-30'), snap('2025-06-20T02:00:00Z', 'verified', { id: 'dup' })],
    createdAt: '2025-06-01T00:00:00Z',
    compliant: true,
  },
  {
    name: 'pending snapshots count as coverage by default',
    snapshots: daily('2025-06-01', '2025-06-30').map((s) => ({ ...s, verification: 'pending' as const })),
    createdAt: '2025-06-01T00:00:00Z',
    compliant: true,
    flags: ['no-verified-snapshot'],
  },
  {
    name: "verified-only coverage: the same pending days are gaps",
    snapshots: [snap('2025-06-20T02:00:00Z'), ...daily('2025-06-21', '2025-06-30').map((s) => ({ ...s, verification: 'pending' as const }))],
    createdAt: '2025-06-20T00:00:00Z',
    options: { coverage: 'verified-only' },
    compliant: false,
    violations: [['2025-06-20T02:00:00.000Z', '2025-06-30T03:00:00.000Z', 241, 'daily']],
  },
  {
    name: 'unsorted input is sorted first',
    snapshots: daily('2025-06-01', '2025-06-30').reverse(),
    createdAt: '2025-06-01T00:00:00Z',
    compliant: true,
  },
  {
    name: 'grace 0: a 24.5 h daily gap is a violation',
    snapshots: [...daily('2025-06-01', '2025-06-28'), snap('2025-06-29T02:30:00Z'), snap('2025-06-30T02:00:00Z')],
    createdAt: '2025-06-01T00:00:00Z',
    options: { graceMs: 0 },
    compliant: false,
    violations: [['2025-06-28T02:00:00.000Z', '2025-06-29T02:30:00.000Z', 24.5, 'daily']],
  },
];

describe('checkCompliance (BACKUPS.md "Compliance")', () => {
  it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));

  it.each(cases)('$name', (c) => {
    const createdAt = c.createdAt === undefined ? T(LONG_AGO) : c.createdAt === null ? null : T(c.createdAt);
    const report = checkCompliance(c.snapshots, createdAt, T(c.now ?? NOW), c.options);
    expect(report.compliant).toBe(c.compliant);
    expect(report.violations.map((g) => [g.from, g.to, g.hours, g.band])).toEqual(c.violations ?? []);
    if (c.neverBackedUp !== undefined) expect(report.neverBackedUp).toBe(c.neverBackedUp);
    if (c.flags !== undefined) expect([...new Set(report.flags.map((f) => f.kind))].sort()).toEqual([...c.flags].sort());
    if (c.newestAgeHours !== undefined) expect(report.newestAgeHours).toBe(c.newestAgeHours);
    for (const g of report.violations) {
      expect(g.ok).toBe(false);
      expect(g.hours).toBeGreaterThanOrEqual(g.allowedHours); // hours are rounded to 0.01 for display
    }
  });

  it('reports each band with its allowance and largest gap', () => {
    const report = checkCompliance(daily('2023-01-01', '2025-06-30'), T(LONG_AGO), T(NOW));
    expect(report.bands).toEqual([
      { band: 'daily', largestGapHours: 24, allowedHours: 26, ok: true },
      { band: 'weekly', largestGapHours: 24, allowedHours: 170, ok: true },
      { band: 'monthly', largestGapHours: 24, allowedHours: 722, ok: true },
      { band: 'quarterly', largestGapHours: 24, allowedHours: 2162, ok: true },
    ]);
  });

  it('allGaps returns every gap for the calendar, tagged with its band', () => {
    const report = checkCompliance(daily('2025-06-01', '2025-06-30'), T('2025-06-01T00:00:00Z'), T(NOW), { allGaps: true });
    expect(report.gaps).toHaveLength(31); // creation → first, 29 between, newest → now
    expect(report.gaps?.[0]).toMatchObject({ fromKind: 'tenant-created', toKind: 'snapshot', hours: 2, band: 'weekly' });
    expect(report.gaps?.at(-1)).toMatchObject({ toKind: 'now', hours: 1, band: 'daily', ok: true });
  });

  it('a clock-skew flag says how far ahead the snapshot is', () => {
    const report = checkCompliance([...daily('2025-06-01', '2025-06-30'), snap('2025-07-01T03:00:00Z')], T('2025-06-01'), T(NOW));
    expect(report.flags).toContainEqual({ kind: 'clock-skew', snapshotId: '2025-07-01T03:00:00.000Z', takenAt: '2025-07-01T03:00:00.000Z', aheadHours: 24 });
    expect(report.counts).toEqual({ total: 31, verified: 30, pending: 0, failed: 0, future: 1 });
  });
});

describe('fleet compliance', () => {
  it('counts compliant, non-compliant, never backed up, and ranks the worst gaps by how far over the promise they are', () => {
    const now = T(NOW);
    const { summary } = checkFleetCompliance(
      [
        { tenantId: 't_ok', createdAt: T('2025-01-01'), snapshots: daily('2025-01-01', '2025-06-30') },
        { tenantId: 't_stale', createdAt: T('2025-03-01'), snapshots: daily('2025-03-01', '2025-06-10') },
        { tenantId: 't_week', createdAt: T('2025-03-01'), snapshots: daily('2025-03-01', '2025-06-30', { skip: ['2025-05-12', '2025-05-13', '2025-05-14', '2025-05-15', '2025-05-16', '2025-05-17', '2025-05-18'] }) },
        { tenantId: 't_never', createdAt: T('2025-06-01'), snapshots: [] },
        { tenantId: 't_skew', createdAt: T('2025-06-01'), snapshots: [...daily('2025-06-01', '2025-06-30'), snap('2025-08-01T00:00:00Z')] },
      ],
      now,
    );
    expect(summary).toMatchObject({ tenants: 5, compliant: 2, nonCompliant: 3, neverBackedUp: 1, neverBackedUpTenantIds: ['t_never'], stale: 2, clockSkewTenants: ['t_skew'] });
    expect(summary.worstGaps.map((w) => w.tenantId)).toEqual(['t_never', 't_stale', 't_week']);
    expect(summary.worstGaps[1]?.ratio).toBe(18.5); // 481 h of 26 h
    expect(summary.verification).toEqual({ withVerifiedSnapshot: 4, verifiedWithin7Days: 3 });
  });

  it('checks 10,000 tenants × 500 snapshots (speed is measured in npm run bench)', () => {
    const now = T(NOW);
    const base = daily('2024-02-17', '2025-06-30'); // 500 snapshots
    expect(base).toHaveLength(500);
    const tenants = Array.from({ length: 10_000 }, (_, i) => ({
      tenantId: `t_${i}`,
      createdAt: T('2024-02-16'),
      // A few tenants stale, sharing arrays the way rows from one index query would not: the cost is the scan.
      snapshots: i % 97 === 0 ? base.slice(0, 480) : base,
    }));
    const { summary } = checkFleetCompliance(tenants, now);
    expect(summary.tenants).toBe(10_000);
    expect(summary.nonCompliant).toBe(Math.ceil(10_000 / 97));
    // Speed (goal < 1 s) is measured by benchCompliance in `npm run bench`, never with a timer here.
  });
});

// Keep the unit constants referenced so a change to them shows up here first.
it('band constants', () => {
  expect([DAY_MS, HOUR_MS]).toEqual([86_400_000, 3_600_000]);
});
