import { describe, expect, it } from 'vitest';
import { historyDates } from '../backups/demo-history';
import { planRestore, type PlannableSnapshot } from './restore.plan';

const NOW = new Date('2026-11-29T12:00:00Z');
const CREATED = '2023-05-01T09:00:00.000Z';

/** The snapshots a well-kept schedule leaves (the demo history's dates: daily, weekly, 30-day, 90-day). */
function schedule(): PlannableSnapshot[] {
  return historyDates(new Date(CREATED), NOW, 'none').map((d, i) => ({ snapshotId: `s${i}`, takenAt: d.toISOString(), state: 'complete', verification: 'verified' }));
}

const day = (offsetDays: number) => new Date(Date.UTC(2026, 10, 29) - offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('the snapshot of a day', () => {
  it('a day in the 24-hour band has its own snapshot: the last one taken that day', () => {
    const snaps = [...schedule(), { snapshotId: 'later-same-day', takenAt: `${day(3)}T18:30:00.000Z`, state: 'complete', verification: 'pending' as const }];
    const p = planRestore(snaps, day(3), NOW, CREATED);
    expect(p.kind).toBe('exact');
    if (p.kind !== 'exact') return;
    expect(p.snapshot.snapshotId).toBe('later-same-day');
    expect(p.sameDay.map((s) => s.takenAt)).toEqual([`${day(3)}T02:00:00.000Z`]);
    expect(p.band).toBe('daily');
  });

  it('the band edges: day 14 is still daily and exact; from day 15 the weekly band leaves gaps', () => {
    const snaps = schedule();
    const d14 = planRestore(snaps, day(14), NOW, CREATED);
    expect(d14.kind).toBe('exact');
    expect(d14.band).toBe('daily');
    // A weekday in the weekly band without its Sunday snapshot: nearest before and after, both from the schedule.
    const weekly = [...Array(70).keys()].map((i) => day(16 + i)).find((d) => planRestore(snaps, d, NOW, CREATED).kind === 'nearest')!;
    const p = planRestore(snaps, weekly, NOW, CREATED);
    expect(p.kind).toBe('nearest');
    if (p.kind !== 'nearest') return;
    expect(p.band).toBe('weekly');
    expect(p.explanation).toMatch(/every 7 days/);
    expect(Date.parse(p.before!.takenAt)).toBeLessThan(Date.parse(`${weekly}T00:00:00Z`));
    expect(Date.parse(p.after!.takenAt)).toBeGreaterThanOrEqual(Date.parse(`${weekly}T00:00:00Z`) + 86_400_000);
    expect(Date.parse(p.after!.takenAt) - Date.parse(p.before!.takenAt)).toBeLessThanOrEqual(7 * 86_400_000);
    expect(p.before!.daysFromDay).toBeLessThan(0);
    expect(p.after!.daysFromDay).toBeGreaterThanOrEqual(0);
  });

  it('the 30-day and 90-day bands explain their schedule', () => {
    const snaps = schedule();
    const monthly = [...Array(200).keys()].map((i) => day(100 + i)).find((d) => planRestore(snaps, d, NOW, CREATED).kind === 'nearest')!;
    const m = planRestore(snaps, monthly, NOW, CREATED);
    expect(m.band).toBe('monthly');
    expect(m.explanation).toMatch(/every 30 days/);
    const old = planRestore(snaps, '2024-02-10', NOW, CREATED);
    expect(old.band).toBe('quarterly');
    expect(old.explanation).toMatch(/every 90 days/);
  });

  it('failed and incomplete snapshots are never chosen, and are listed as unusable', () => {
    const snaps: PlannableSnapshot[] = [
      { snapshotId: 'good-before', takenAt: '2026-11-20T02:00:00.000Z', state: 'complete', verification: 'verified' },
      { snapshotId: 'bad', takenAt: '2026-11-21T02:00:00.000Z', state: 'complete', verification: 'failed' },
      { snapshotId: 'half', takenAt: '2026-11-21T03:00:00.000Z', state: 'incomplete', verification: 'pending' },
      { snapshotId: 'good-after', takenAt: '2026-11-23T02:00:00.000Z', state: 'complete', verification: 'pending' },
    ];
    const p = planRestore(snaps, '2026-11-21', NOW, CREATED);
    expect(p.kind).toBe('nearest');
    if (p.kind !== 'nearest') return;
    expect(p.before?.snapshotId).toBe('good-before');
    expect(p.after?.snapshotId).toBe('good-after');
    expect(p.unusable.map((u) => u.snapshotId).sort()).toEqual(['bad', 'half']);
  });

  it('refuses days in the future, before the tenant existed, and non-days', () => {
    expect(() => planRestore(schedule(), '2026-12-01', NOW, CREATED)).toThrow(/future/);
    expect(() => planRestore(schedule(), '2023-04-30', NOW, CREATED)).toThrow(/created on 2023-05-01/);
    expect(() => planRestore(schedule(), '2026-02-30', NOW, CREATED)).toThrow(/not a calendar day/);
  });

  it('a tenant without any snapshot gets a plan that says so', () => {
    const p = planRestore([], day(2), NOW, CREATED);
    expect(p).toMatchObject({ kind: 'nearest', before: null, after: null });
    expect(p.explanation).toMatch(/no usable snapshot at all/);
  });
});
