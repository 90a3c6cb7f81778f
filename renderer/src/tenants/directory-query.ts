/**
 * The tenant directory's search, filters and sort, kept in the address (#/tenants?…)
 * so that "back to the directory" and a reload land on the same list. Pure.
 *
 * The value lists mirror the contract's enums; the renderer may import only types from
 * the contract, so each list is a Record over the contract's type: adding a plan or a
 * status there fails this file's typecheck until it is added here.
 */
import type { TenantPlan, TenantSortColumn, TenantStatus, OpInput } from '../../../app/api/contract';

export const PLAN_LABEL: Record<TenantPlan, string> = { trial: 'Trial', commercial: 'Commercial' };
export const STATUS_LABEL: Record<TenantStatus, string> = {
  active: 'Active',
  suspended: 'Suspended',
  offboarding: 'Offboarding',
  restoring: 'Restoring',
  deleted: 'Deleted',
};
const SORT_COLUMNS: Record<TenantSortColumn, true> = {
  name: true,
  slug: true,
  plan: true,
  status: true,
  region: true,
  createdAt: true,
  dpaAcceptedAt: true,
  dbSizeBytes: true,
  attachmentCount: true,
  attachmentBytes: true,
  lastSnapshotAt: true,
};

export const PLANS = Object.keys(PLAN_LABEL) as TenantPlan[];
export const STATUSES = Object.keys(STATUS_LABEL) as TenantStatus[];

export type SortDirection = 'asc' | 'desc';

export interface DirectoryQuery {
  query: string;
  plan: TenantPlan | null;
  status: TenantStatus | null;
  region: string | null;
  sort: TenantSortColumn;
  direction: SortDirection;
}

export const DEFAULT_QUERY: DirectoryQuery = { query: '', plan: null, status: null, region: null, sort: 'name', direction: 'asc' };

const has = <K extends string>(o: Record<K, unknown>, k: string | null): k is K => k !== null && Object.prototype.hasOwnProperty.call(o, k);

/** Unknown or malformed values fall back to the defaults rather than failing. */
export function parseDirectoryQuery(params: URLSearchParams): DirectoryQuery {
  const plan = params.get('plan');
  const status = params.get('status');
  const region = params.get('region');
  const sort = params.get('sort');
  const dir = params.get('dir');
  return {
    query: (params.get('q') ?? '').slice(0, 200),
    plan: has(PLAN_LABEL, plan) ? plan : null,
    status: has(STATUS_LABEL, status) ? status : null,
    region: region && region.length <= 64 ? region : null,
    sort: has(SORT_COLUMNS, sort) ? sort : DEFAULT_QUERY.sort,
    direction: dir === 'desc' ? 'desc' : 'asc',
  };
}

/** Only what differs from the defaults, so the plain directory is just #/tenants. */
export function directoryParams(q: DirectoryQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.query) p.set('q', q.query);
  if (q.plan) p.set('plan', q.plan);
  if (q.status) p.set('status', q.status);
  if (q.region) p.set('region', q.region);
  if (q.sort !== DEFAULT_QUERY.sort || q.direction !== DEFAULT_QUERY.direction) {
    p.set('sort', q.sort);
    p.set('dir', q.direction);
  }
  return p;
}

export function hasFilters(q: DirectoryQuery): boolean {
  return Boolean(q.query.trim() || q.plan || q.status || q.region);
}

/** The `tenants.list` input for one page. */
export function listInput(q: DirectoryQuery, offset: number, limit: number): OpInput<'tenants.list'> {
  const query = q.query.trim();
  return {
    ...(query ? { query } : {}),
    ...(q.plan ? { plan: q.plan } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.region ? { region: q.region } : {}),
    sort: q.sort,
    direction: q.direction,
    offset,
    limit,
  };
}

/** Clicking a header: a new column sorts ascending; the current one flips. */
export function toggleSort(q: DirectoryQuery, column: TenantSortColumn): DirectoryQuery {
  if (q.sort === column) return { ...q, direction: q.direction === 'asc' ? 'desc' : 'asc' };
  return { ...q, sort: column, direction: 'asc' };
}

/** Identity of one result list: a change of any of these starts a fresh page cache. */
export function listKey(q: DirectoryQuery): string {
  return JSON.stringify([q.query.trim(), q.plan, q.status, q.region, q.sort, q.direction]);
}
