/**
 * Sorting and filtering the fleet health table. Pure, so "worst gap first" is tested
 * rather than eyeballed.
 */
import type { FleetHealthView } from '../../../app/api/contract';

export type FleetRow = FleetHealthView['rows'][number];

export type FleetSortColumn = 'worst' | 'name' | 'status' | 'newest' | 'violations' | 'worstGapHours' | 'snapshots' | 'verified' | 'failed';
export type SortDirection = 'asc' | 'desc';
export type FleetFilter = 'all' | 'compliant' | 'non-compliant' | 'never' | 'stale' | 'quarantined';

export const FLEET_SORT_COLUMNS: readonly FleetSortColumn[] = ['worst', 'name', 'status', 'newest', 'violations', 'worstGapHours', 'snapshots', 'verified', 'failed'];
export const FLEET_FILTERS: readonly FleetFilter[] = ['all', 'compliant', 'non-compliant', 'never', 'stale', 'quarantined'];

/** The direction a column sorts in when first clicked: the bad end first. */
export const FIRST_DIRECTION: Record<FleetSortColumn, SortDirection> = {
  worst: 'desc',
  name: 'asc',
  status: 'asc',
  newest: 'desc',
  violations: 'desc',
  worstGapHours: 'desc',
  snapshots: 'asc',
  verified: 'asc',
  failed: 'desc',
};

export function statusOf(r: Pick<FleetRow, 'compliant' | 'neverBackedUp'>): 'never' | 'non-compliant' | 'compliant' {
  if (r.neverBackedUp) return 'never';
  return r.compliant ? 'compliant' : 'non-compliant';
}

/** Worst status first: never backed up, then non-compliant, then compliant. */
const STATUS_RANK = { never: 0, 'non-compliant': 1, compliant: 2 } as const;

/** A tenant with no snapshot is "infinitely old": it sorts with the oldest. */
function age(r: FleetRow): number {
  return r.newestAgeHours ?? Number.POSITIVE_INFINITY;
}

const byName = (a: FleetRow, b: FleetRow) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0);

/** Ascending comparators; "desc" reverses the key, never the name tie-break. */
const KEYS: Record<FleetSortColumn, (a: FleetRow, b: FleetRow) => number> = {
  // How many times over its allowance the worst gap is; never-backed-up first among equals.
  worst: (a, b) => a.worstGapRatio - b.worstGapRatio || a.worstGapHours - b.worstGapHours || STATUS_RANK[statusOf(b)] - STATUS_RANK[statusOf(a)],
  name: () => 0,
  status: (a, b) => STATUS_RANK[statusOf(a)] - STATUS_RANK[statusOf(b)] || b.worstGapRatio - a.worstGapRatio,
  newest: (a, b) => age(a) - age(b),
  violations: (a, b) => a.violations - b.violations,
  worstGapHours: (a, b) => a.worstGapHours - b.worstGapHours,
  snapshots: (a, b) => a.snapshots - b.snapshots,
  verified: (a, b) => a.verified - b.verified,
  failed: (a, b) => a.failed - b.failed,
};

export function sortFleet(rows: readonly FleetRow[], column: FleetSortColumn, direction: SortDirection): FleetRow[] {
  const key = KEYS[column];
  const sign = direction === 'asc' ? 1 : -1;
  if (column === 'name') return [...rows].sort((a, b) => sign * byName(a, b));
  return [...rows].sort((a, b) => {
    const k = key(a, b);
    return (Number.isNaN(k) ? 0 : sign * k) || byName(a, b);
  });
}

export function matchesFilter(r: FleetRow, f: FleetFilter): boolean {
  switch (f) {
    case 'all':
      return true;
    case 'compliant':
      return r.compliant;
    case 'non-compliant':
      return !r.compliant;
    case 'never':
      return r.neverBackedUp;
    // The server's "stale": the gap up to now breaks the promise (over 24 h + 2 h grace),
    // which includes a tenant never backed up since its first day.
    case 'stale':
      return !r.compliant && (r.newestAgeHours ?? Number.POSITIVE_INFINITY) > 26;
    case 'quarantined':
      return r.failed > 0;
  }
}

/** Clicking a header: the same column flips, another starts at its bad end. */
export function nextSort(current: { column: FleetSortColumn; direction: SortDirection }, column: FleetSortColumn): { column: FleetSortColumn; direction: SortDirection } {
  if (current.column === column) return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { column, direction: FIRST_DIRECTION[column] };
}

export function parseFleetParams(params: URLSearchParams): { column: FleetSortColumn; direction: SortDirection; filter: FleetFilter } {
  const s = params.get('sort');
  const d = params.get('dir');
  const f = params.get('show');
  const column = (FLEET_SORT_COLUMNS as readonly string[]).includes(s ?? '') ? (s as FleetSortColumn) : 'worst';
  const direction = d === 'asc' || d === 'desc' ? d : FIRST_DIRECTION[column];
  const filter = (FLEET_FILTERS as readonly string[]).includes(f ?? '') ? (f as FleetFilter) : 'all';
  return { column, direction, filter };
}

export function fleetParams(q: { column: FleetSortColumn; direction: SortDirection; filter: FleetFilter }): URLSearchParams {
  const p = new URLSearchParams();
  if (q.column !== 'worst') p.set('sort', q.column);
  if (q.direction !== FIRST_DIRECTION[q.column]) p.set('dir', q.direction);
  if (q.filter !== 'all') p.set('show', q.filter);
  return p;
}
