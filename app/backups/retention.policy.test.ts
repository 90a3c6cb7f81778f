import { describe, expect, it } from 'vitest';
import { bucketKey, bucketLabel, isoWeekLabel, epochDay, type ScheduledSnapshot } from './backup-schedule';
import { planPrune, type PrunePlan } from './retention.policy';
import { T, daily, days, snap } from './schedule.fixture';

// BACKUPS.md "Cases to test": daily snapshots at 02:00Z, checked at 2025-06-30T03:00Z, grace 2 h, unless stated.
const NOW = '2025-06-30T03:00:00Z';
const id = (day: string, time = '02:00:00') => `${day}T${time}.000Z`;

function reasonsOf(plan: PrunePlan, snapshotId: string): string[] {
  const d = plan.decisions.find((x) => x.snapshotId === snapshotId);
  if (!d) throw new Error(`no decision for ${snapshotId}`);
  return d.action === 'keep' ? d.reasons : [];
}

function gapsOfKept(plan: PrunePlan, snapshots: ScheduledSnapshot[]): number[] {
  const keep = new Set(plan.keep);
  const kept = snapshots.filter((s) => keep.has(s.id) && s.verification !== 'failed').sort((a, b) => a.takenAt - b.takenAt);
  return kept.slice(1).map((s, i) => (s.takenAt - (kept[i] as ScheduledSnapshot).takenAt) / 3_600_000);
}

interface Case {
  name: string;
  snapshots: ScheduledSnapshot[];
  createdAt?: string | null;
  now?: string;
  /** Snapshot ids that must be kept, each with a reason that contains the given text. */
  kept?: Record<string, string>;
  /** Snapshot ids that must be pruned. */
  pruned?: string[];
  /** Whether the remaining set must be compliant at `now`. */
  compliantAfter?: boolean;
  check?: (plan: PrunePlan, snapshots: ScheduledSnapshot[]) => void;
}

const MISSING_WEEK = days('2025-05-12', '2025-05-18');

const cases: Case[] = [
  {
    name: 'daily 03-01…06-30 with Sunday 05-18 missing: the veto keeps 05-19 (buckets alone: 192 h)',
    snapshots: daily('2025-03-01', '2025-06-30', { skip: ['2025-05-18'] }),
    createdAt: '2025-03-01T00:00:00Z',
    kept: {
      [id('2025-05-17')]: 'last of ISO week 2025-W20',
      [id('2025-05-19')]: 'veto: pruning would open a 192 h gap in the 7-day band',
      [id('2025-05-25')]: 'last of ISO week 2025-W21',
    },
    pruned: ['2025-05-20', '2025-05-21', '2025-05-22', '2025-05-23', '2025-05-24', '2025-05-16'].map((d) => id(d)),
    compliantAfter: true,
  },
  {
    name: 'an extra 14:00 snapshot on 06-20 (daily band): 02:00 and 14:00 are both kept',
    snapshots: [...daily('2025-03-01', '2025-06-30'), snap('2025-06-20T14:00:00Z')],
    createdAt: '2025-03-01T00:00:00Z',
    kept: {
      [id('2025-06-20', '14:00:00')]: 'last of UTC day 2025-06-20',
      [id('2025-06-20')]: 'veto: pruning would open a 36 h gap in the 24-hour band',
    },
    compliantAfter: true,
  },
  {
    name: 'an extra 14:00 snapshot on 05-20 (weekly band): both go, Sunday 05-25 stays',
    snapshots: [...daily('2025-03-01', '2025-06-30'), snap('2025-05-20T14:00:00Z')],
    createdAt: '2025-03-01T00:00:00Z',
    kept: { [id('2025-05-25')]: 'last of ISO week 2025-W21', [id('2025-05-18')]: 'last of ISO week 2025-W20' },
    pruned: [id('2025-05-20'), id('2025-05-20', '14:00:00')],
    compliantAfter: true,
  },
  {
    name: 'last snapshot 06-10: the dailies 05-27…06-10 are all kept (windows anchored to the newest verified)',
    snapshots: daily('2025-03-01', '2025-06-10'),
    createdAt: '2025-03-01T00:00:00Z',
    kept: Object.fromEntries(days('2025-05-27', '2025-06-10').map((d) => [id(d), `last of UTC day ${d}`])),
    compliantAfter: false,
    check: (plan) => {
      expect(plan.anchor?.snapshotId).toBe(id('2025-06-10'));
      // The alarm is compliance's job: 481 h since the last snapshot, before and after.
      expect(plan.complianceBefore.violations.map((g) => g.hours)).toEqual([481]);
      expect(plan.complianceAfter.violations.map((g) => g.hours)).toEqual([481]);
    },
  },
  {
    name: 'backups stopped on 06-10: the plan three months later prunes nothing more',
    snapshots: daily('2025-03-01', '2025-06-10'),
    createdAt: '2025-03-01T00:00:00Z',
    now: '2025-09-30T03:00:00Z',
    check: (plan, snapshots) => {
      const earlier = planPrune(snapshots, T('2025-03-01'), T(NOW));
      expect(plan.keep).toEqual(earlier.keep);
    },
  },
  {
    name: '06-29 fails verification: quarantined and kept, its neighbours kept, the 48 h gap stays flagged',
    snapshots: daily('2025-03-01', '2025-06-30').map((s) => (s.id === id('2025-06-29') ? { ...s, verification: 'failed' as const } : s)),
    createdAt: '2025-03-01T00:00:00Z',
    kept: { [id('2025-06-29')]: 'quarantined', [id('2025-06-28')]: 'last of UTC day', [id('2025-06-30')]: 'newest' },
    compliantAfter: false,
    check: (plan) => {
      expect(plan.complianceAfter.violations.map((g) => [g.from, g.to, g.hours])).toEqual([[id('2025-06-28'), id('2025-06-30'), 48]]);
      expect(plan.promiseKept).toBe(true);
    },
  },
  {
    name: 'DST night 2025-03-29T23:30Z / 03-30T00:30Z: two UTC days, both kept (one Berlin day)',
    snapshots: [...daily('2025-03-15', '2025-03-29'), snap('2025-03-29T23:30:00Z'), snap('2025-03-30T00:30:00Z'), ...daily('2025-03-31', '2025-04-02')],
    createdAt: '2025-03-15T00:00:00Z',
    now: '2025-04-02T03:00:00Z',
    kept: { [id('2025-03-29', '23:30:00')]: 'last of UTC day 2025-03-29', [id('2025-03-30', '00:30:00')]: 'last of UTC day 2025-03-30' },
    compliantAfter: true,
  },
  {
    name: 'autumn DST (2025-10-26): UTC buckets are 24 h wide, every day kept in the daily window',
    snapshots: daily('2025-10-01', '2025-11-01'),
    createdAt: '2025-10-01T00:00:00Z',
    now: '2025-11-01T03:00:00Z',
    kept: { [id('2025-10-25')]: 'last of UTC day 2025-10-25', [id('2025-10-26')]: 'last of UTC day 2025-10-26', [id('2025-10-27')]: 'last of UTC day 2025-10-27' },
    compliantAfter: true,
  },
  {
    name: 'month ends: 30-day epochs never leave the 31-day gap of calendar months (Feb 28 → Mar 31)',
    snapshots: daily('2024-01-01', '2025-06-30'),
    createdAt: '2024-01-01T00:00:00Z',
    compliantAfter: true,
    check: (plan, snapshots) => {
      expect(Math.max(...gapsOfKept(plan, snapshots))).toBeLessThanOrEqual(90 * 24);
      expect(plan.keep).not.toContain(id('2025-02-28'));
      // The kept snapshots at 90–365 days are 30 days apart, at the ends of 30-day epochs.
      expect(reasonsOf(plan, id('2025-02-10'))).toContain('last of 30-day epoch 670 (2025-01-12 – 2025-02-10)');
      expect(reasonsOf(plan, id('2025-03-12'))[0]).toContain('last of 30-day epoch 671');
    },
  },
  {
    name: 'over 365 days: 90-day epochs, never the 92-day gap of calendar quarters (Jul 1 → Oct 1)',
    snapshots: daily('2022-06-01', '2025-06-30'),
    createdAt: '2022-06-01T00:00:00Z',
    compliantAfter: true,
    check: (plan, snapshots) => {
      const gaps = gapsOfKept(plan, snapshots);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(90 * 24);
      expect(reasonsOf(plan, id('2023-09-19'))).toContain('last of 90-day epoch 217 (2023-06-22 – 2023-09-19)');
      expect(plan.keep.length).toBeLessThan(60);
    },
  },
  {
    name: 'leap day 2024-02-29 is its own UTC day bucket and lies in ISO week 2024-W09',
    snapshots: daily('2024-02-15', '2024-03-05'),
    createdAt: '2024-02-15T00:00:00Z',
    now: '2024-03-05T03:00:00Z',
    kept: { [id('2024-02-29')]: 'last of UTC day 2024-02-29', [id('2024-02-28')]: 'last of UTC day 2024-02-28', [id('2024-03-01')]: 'last of UTC day 2024-03-01' },
    compliantAfter: true,
    check: () => expect(isoWeekLabel(epochDay(T('2024-02-29')))).toBe('2024-W09'),
  },
  {
    name: 'a missing ISO week: the violation is kept as it is, never lengthened (05-11 and 05-19 stay)',
    snapshots: daily('2025-03-01', '2025-06-30', { skip: MISSING_WEEK }),
    createdAt: '2025-03-01T00:00:00Z',
    kept: { [id('2025-05-11')]: 'last of ISO week 2025-W19', [id('2025-05-19')]: 'veto: pruning would open a 336 h gap in the 7-day band' },
    compliantAfter: false,
    check: (plan) => {
      expect(plan.complianceAfter.violations.map((g) => [g.from, g.to])).toEqual([[id('2025-05-11'), id('2025-05-19')]]);
      expect(plan.promiseKept).toBe(true);
    },
  },
  {
    name: 'tenant created 20 days ago: all 15 daily-window days kept, older days thinned within the 7-day band',
    snapshots: daily('2025-06-10', '2025-06-30'),
    createdAt: '2025-06-10T01:00:00Z',
    kept: { [id('2025-06-10')]: 'oldest verified', [id('2025-06-15')]: 'last of UTC day 2025-06-15' },
    pruned: [id('2025-06-11'), id('2025-06-12'), id('2025-06-13'), id('2025-06-14')],
    compliantAfter: true,
  },
  {
    name: 'duplicate timestamps: one of the pair is pruned, the other is the day winner',
    snapshots: [...daily('2025-06-01', '2025-06-30'), snap('2025-06-20T02:00:00Z', 'verified', { id: '2025-06-20T02:00:00.000Z-a' })],
    createdAt: '2025-06-01T00:00:00Z',
    kept: { '2025-06-20T02:00:00.000Z-a': 'last of UTC day 2025-06-20' },
    pruned: [id('2025-06-20')],
    compliantAfter: true,
  },
  {
    name: 'a snapshot dated in the future is kept, flagged, and is not the anchor',
    snapshots: [...daily('2025-06-01', '2025-06-30'), snap('2025-07-20T02:00:00Z')],
    createdAt: '2025-06-01T00:00:00Z',
    kept: { [id('2025-07-20')]: 'dated in the future (clock skew)', [id('2025-06-30')]: 'newest' },
    compliantAfter: true,
    check: (plan) => expect(plan.anchor?.snapshotId).toBe(id('2025-06-30')),
  },
  {
    name: 'a held snapshot is never pruned',
    snapshots: daily('2025-03-01', '2025-06-30').map((s) => (s.id === id('2025-04-02') ? { ...s, held: true } : s)),
    createdAt: '2025-03-01T00:00:00Z',
    kept: { [id('2025-04-02')]: 'held' },
    pruned: [id('2025-04-03')],
    compliantAfter: true,
  },
  {
    name: 'pending verification is kept, and never displaces a verified snapshot as the bucket winner',
    snapshots: [...daily('2025-03-01', '2025-06-30'), snap('2025-06-20T14:00:00Z', 'pending'), snap('2025-05-21T14:00:00Z', 'pending')],
    createdAt: '2025-03-01T00:00:00Z',
    kept: {
      [id('2025-06-20', '14:00:00')]: 'pending verification',
      [id('2025-06-20')]: 'last verified of UTC day 2025-06-20',
      [id('2025-05-21', '14:00:00')]: 'pending verification',
    },
    pruned: [id('2025-05-21')],
    compliantAfter: true,
  },
  {
    name: 'no verified snapshot: nothing is pruned',
    snapshots: daily('2025-06-01', '2025-06-30').map((s) => ({ ...s, verification: 'pending' as const })),
    createdAt: '2025-06-01T00:00:00Z',
    compliantAfter: true,
    check: (plan) => {
      expect(plan.prune).toEqual([]);
      expect(plan.anchor).toBeNull();
    },
  },
  {
    name: 'the newest snapshot is kept even when it is only pending',
    snapshots: [...daily('2025-06-01', '2025-06-29'), snap('2025-06-30T02:00:00Z', 'pending')],
    createdAt: '2025-06-01T00:00:00Z',
    kept: { [id('2025-06-30')]: 'newest', [id('2025-06-29')]: 'newest verified (retention anchor)' },
    compliantAfter: true,
  },
  {
    name: 'window edge: a snapshot exactly 15 days before the anchor is a daily keep; 1 ms earlier is not',
    snapshots: [...daily('2025-06-01', '2025-06-14'), snap('2025-06-15T02:00:00Z'), snap('2025-06-15T01:59:59.999Z'), ...daily('2025-06-16', '2025-06-30')],
    createdAt: '2025-06-01T00:00:00Z',
    kept: { [id('2025-06-15')]: 'last of UTC day 2025-06-15' },
    pruned: ['2025-06-15T01:59:59.999Z', id('2025-06-14')],
    compliantAfter: true,
    check: (plan) => expect(reasonsOf(plan, id('2025-06-13'))).toEqual([]),
  },
  {
    name: 'ISO week across a year end: 2024-12-30 belongs to 2025-W01',
    snapshots: daily('2024-12-01', '2025-01-31'),
    createdAt: '2024-12-01T00:00:00Z',
    now: '2025-01-31T03:00:00Z',
    kept: { [id('2024-12-29')]: 'last of ISO week 2024-W52', [id('2025-01-05')]: 'last of ISO week 2025-W01' },
    pruned: [id('2024-12-30'), id('2024-12-31')],
    compliantAfter: true,
  },
  {
    name: 'sparse weekly history with a snapshot every 8 days: the veto keeps every one of them',
    snapshots: Array.from({ length: 10 }, (_, i) => snap(new Date(T('2025-04-01T02:00:00Z') + i * 8 * 86_400_000).toISOString())).concat(daily('2025-06-16', '2025-06-30')),
    createdAt: '2025-04-01T00:00:00Z',
    compliantAfter: false,
    check: (plan, snapshots) => {
      for (const s of snapshots) expect(plan.keep).toContain(s.id);
    },
  },
  {
    name: 'an empty history gives an empty plan',
    snapshots: [],
    createdAt: '2025-06-01T00:00:00Z',
    compliantAfter: false,
    check: (plan) => {
      expect(plan.decisions).toEqual([]);
      expect(plan.anchor).toBeNull();
    },
  },
  {
    name: 'every pruned snapshot says which kept neighbours cover it',
    snapshots: daily('2025-03-01', '2025-06-30'),
    createdAt: '2025-03-01T00:00:00Z',
    compliantAfter: true,
    check: (plan) => {
      const d = plan.decisions.find((x) => x.snapshotId === id('2025-05-21'));
      expect(d).toEqual({
        snapshotId: id('2025-05-21'),
        takenAt: id('2025-05-21'),
        action: 'prune',
        reasons: [`covered: the kept snapshots ${id('2025-05-18')} and ${id('2025-05-25')} around it are 168 h apart, within the 7-day band's 170 h`],
      });
    },
  },
];

describe('planPrune (BACKUPS.md "Retention")', () => {
  it('has at least 25 cases together with the bucket table', () => expect(cases.length + bucketCases.length).toBeGreaterThanOrEqual(25));

  it.each(cases)('$name', (c) => {
    const createdAt = c.createdAt === undefined ? null : c.createdAt === null ? null : T(c.createdAt);
    const plan = planPrune(c.snapshots, createdAt, T(c.now ?? NOW));
    expect(plan.promiseKept).toBe(true);
    expect(plan.keep.length + plan.prune.length).toBe(c.snapshots.length);
    for (const [snapshotId, reason] of Object.entries(c.kept ?? {})) {
      const reasons = reasonsOf(plan, snapshotId);
      expect(reasons.join(' | '), `${snapshotId} kept`).toContain(reason);
    }
    for (const snapshotId of c.pruned ?? []) expect(plan.prune, `${snapshotId} pruned`).toContain(snapshotId);
    if (c.compliantAfter !== undefined) expect(plan.complianceAfter.compliant).toBe(c.compliantAfter);
    // Pruning never turns a compliant tenant into a non-compliant one.
    if (plan.complianceBefore.compliant) expect(plan.complianceAfter.compliant).toBe(true);
    c.check?.(plan, c.snapshots);
  });
});

const bucketCases: Array<[string, Parameters<typeof bucketLabel>[0], string, string]> = [
  ['UTC day of 23:59:59.999Z', 'daily', '2025-03-29T23:59:59.999Z', 'UTC day 2025-03-29'],
  ['ISO week of a Sunday', 'weekly', '2025-05-25T23:00:00Z', 'ISO week 2025-W21'],
  ['ISO week of the Monday after', 'weekly', '2025-05-26T00:00:00Z', 'ISO week 2025-W22'],
  ['ISO week 53', 'weekly', '2021-01-03T12:00:00Z', 'ISO week 2020-W53'],
  ['30-day epoch across a month end', 'monthly', '2025-01-31T12:00:00Z', '30-day epoch 670 (2025-01-12 – 2025-02-10)'],
  ['90-day epoch', 'quarterly', '2023-07-01T02:00:00Z', '90-day epoch 217 (2023-06-22 – 2023-09-19)'],
];

describe('calendar buckets (UTC)', () => {
  it.each(bucketCases)('%s', (_name, band, at, label) => expect(bucketLabel(band, T(at))).toBe(label));

  it('90-day epochs nest in 30-day epochs, and ISO weeks start on Monday', () => {
    for (let d = 0; d < 2000; d++) {
      const ms = d * 86_400_000;
      expect(Math.floor(bucketKey('monthly', ms) / 3)).toBe(bucketKey('quarterly', ms));
    }
    expect(bucketKey('weekly', T('2025-05-25T23:59:59Z'))).not.toBe(bucketKey('weekly', T('2025-05-26T00:00:00Z')));
    expect(bucketKey('weekly', T('2025-05-19T00:00:00Z'))).toBe(bucketKey('weekly', T('2025-05-25T23:59:59Z')));
  });
});
