import { describe, expect, it } from 'vitest';
import { fleetParams, matchesFilter, nextSort, parseFleetParams, sortFleet, statusOf, type FleetRow } from './fleet-sort';

function row(tenantId: string, o: Partial<FleetRow> = {}): FleetRow {
  return {
    tenantId,
    name: tenantId.toUpperCase(),
    slug: tenantId,
    compliant: true,
    neverBackedUp: false,
    newestAt: '2025-06-30T02:00:00Z',
    newestAgeHours: 1,
    violations: 0,
    worstGapHours: 0,
    worstGapRatio: 0,
    snapshots: 40,
    verified: 40,
    failed: 0,
    ...o,
  };
}

const ok1 = row('acme');
const ok2 = row('beta', { snapshots: 12, newestAgeHours: 5 });
const missedWeek = row('gamma', { compliant: false, violations: 1, worstGapHours: 192, worstGapRatio: 1.13 });
const stopped = row('delta', { compliant: false, violations: 1, worstGapHours: 121, worstGapRatio: 4.65, newestAgeHours: 121 });
const never = row('epsilon', { compliant: false, neverBackedUp: true, newestAt: null, newestAgeHours: null, violations: 1, worstGapHours: 4000, worstGapRatio: 153.8, snapshots: 0, verified: 0 });
const quarantined = row('zeta', { failed: 2, verified: 38 });
const all = [ok1, ok2, missedWeek, stopped, never, quarantined];
const ids = (rs: FleetRow[]) => rs.map((r) => r.tenantId);

describe('sortFleet', () => {
  it('worst gap first by default, then by name', () => {
    expect(ids(sortFleet(all, 'worst', 'desc'))).toEqual(['epsilon', 'delta', 'gamma', 'acme', 'beta', 'zeta']);
  });
  it('ascending puts the healthy first, names still A→Z among equals', () => {
    expect(ids(sortFleet(all, 'worst', 'asc'))).toEqual(['acme', 'beta', 'zeta', 'gamma', 'delta', 'epsilon']);
  });
  it('by status: never, non-compliant (worst first), compliant', () => {
    expect(ids(sortFleet(all, 'status', 'asc'))).toEqual(['epsilon', 'delta', 'gamma', 'acme', 'beta', 'zeta']);
  });
  it('by newest snapshot age: no snapshot at all counts as the oldest', () => {
    expect(ids(sortFleet(all, 'newest', 'desc')).slice(0, 3)).toEqual(['epsilon', 'delta', 'beta']);
  });
  it('by name, case-insensitive, both ways', () => {
    const rs = [row('b', { name: 'beta' }), row('a', { name: 'Alpha' }), row('c', { name: 'charlie' })];
    expect(ids(sortFleet(rs, 'name', 'asc'))).toEqual(['a', 'b', 'c']);
    expect(ids(sortFleet(rs, 'name', 'desc'))).toEqual(['c', 'b', 'a']);
  });
  it('does not change its input', () => {
    const copy = [...all];
    sortFleet(all, 'snapshots', 'asc');
    expect(all).toEqual(copy);
  });
});

describe('filters and status', () => {
  it.each([
    ['all', ['acme', 'beta', 'gamma', 'delta', 'epsilon', 'zeta']],
    ['compliant', ['acme', 'beta', 'zeta']],
    ['non-compliant', ['gamma', 'delta', 'epsilon']],
    ['never', ['epsilon']],
    ['stale', ['delta', 'epsilon']],
    ['quarantined', ['zeta']],
  ] as const)('%s → %j', (f, expected) => expect(ids(all.filter((r) => matchesFilter(r, f)))).toEqual(expected));

  it.each([
    [ok1, 'compliant'],
    [missedWeek, 'non-compliant'],
    [never, 'never'],
  ] as const)('status of %j', (r, s) => expect(statusOf(r)).toBe(s));
});

describe('sort state in the address', () => {
  it('a new column starts at its bad end; the same column flips', () => {
    expect(nextSort({ column: 'worst', direction: 'desc' }, 'name')).toEqual({ column: 'name', direction: 'asc' });
    expect(nextSort({ column: 'name', direction: 'asc' }, 'name')).toEqual({ column: 'name', direction: 'desc' });
    expect(nextSort({ column: 'name', direction: 'asc' }, 'failed')).toEqual({ column: 'failed', direction: 'desc' });
  });
  it('round-trips, with defaults left out of the address', () => {
    expect(fleetParams({ column: 'worst', direction: 'desc', filter: 'all' }).toString()).toBe('');
    const q = { column: 'snapshots', direction: 'desc', filter: 'stale' } as const;
    expect(parseFleetParams(fleetParams(q))).toEqual(q);
  });
  it('ignores what it does not know', () => {
    expect(parseFleetParams(new URLSearchParams('sort=drop&dir=up&show=everything'))).toEqual({ column: 'worst', direction: 'desc', filter: 'all' });
  });
});
