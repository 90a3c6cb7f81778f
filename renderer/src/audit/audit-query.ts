/**
 * The audit log's filters (issue 3: by actor, tenant, operation, outcome and time),
 * kept in the address (#/audit?actor=…&from=…) so a reload or a link lands on the same
 * view, and turned into the contract's filter. Pure.
 *
 * Dates are whole days in the reader's local time, inclusive at both ends: "from 3 March
 * to 3 March" is that whole local day. The server compares UTC instants (ts >= from,
 * ts < to), so "to" becomes the start of the following local day.
 */
import type { OpInput, OpName } from '../../../app/api/contract';

export type AuditFilter = OpInput<'audit.exportCsv'>;
export type Outcome = 'ok' | 'refused' | 'failed';

export interface AuditFilterForm {
  actor: string;
  tenantId: string;
  action: string;
  outcome: Outcome | '';
  /** yyyy-mm-dd, as an <input type="date"> gives it; '' for none. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTER: AuditFilterForm = { actor: '', tenantId: '', action: '', outcome: '', from: '', to: '' };

export const OUTCOMES: readonly Outcome[] = ['ok', 'refused', 'failed'];

/** Operations worth suggesting in the filter; actions outside the contract (job.start:…, deletion.…) are typed freely. */
export const SUGGESTED_ACTIONS = [
  'session.signIn',
  'session.signOut',
  'session.signOutEverywhere',
  'session.changePassword',
  'setup.createFirstAdmin',
  'staff.create',
  'staff.setStatus',
  'staff.setRoles',
  'staff.resetPassword',
  'staff.unlock',
  'grants.open',
  'grants.revoke',
  'tenants.get',
  'tenants.stats',
  'tenants.records',
  'audit.exportCsv',
  'audit.verify',
  'jobs.cancel',
  'backups.snapshotNow',
  'backups.verify',
  'backups.prunePreview',
  'backups.pruneApply',
] as const satisfies readonly OpName[];

/** Same rule as the contract's tenantIdSchema. */
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const PARAM: Record<keyof AuditFilterForm, string> = { actor: 'actor', tenantId: 'tenant', action: 'op', outcome: 'outcome', from: 'from', to: 'to' };

export function parseAuditFilter(params: URLSearchParams): AuditFilterForm {
  const get = (k: keyof AuditFilterForm, max: number) => (params.get(PARAM[k]) ?? '').slice(0, max);
  const outcome = params.get(PARAM.outcome);
  const day = (k: 'from' | 'to') => {
    const v = get(k, 10);
    return localDayStart(v) ? v : '';
  };
  return {
    actor: get('actor', 254),
    tenantId: get('tenantId', 64),
    action: get('action', 100),
    outcome: OUTCOMES.includes(outcome as Outcome) ? (outcome as Outcome) : '',
    from: day('from'),
    to: day('to'),
  };
}

/** Only the filters that are set, in a fixed order (stable addresses). */
export function auditFilterParams(f: AuditFilterForm): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of Object.keys(PARAM) as (keyof AuditFilterForm)[]) {
    const v = f[k].trim();
    if (v) p.set(PARAM[k], v);
  }
  return p;
}

export function hasAuditFilters(f: AuditFilterForm): boolean {
  return auditFilterParams(f).toString() !== '';
}

/** Local midnight of a yyyy-mm-dd day, or null when it is not a real calendar day. */
export function localDayStart(day: string, plusDays = 0): Date | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const probe = new Date(y, mo - 1, d);
  // new Date(2025, 1, 30) is 2 March: refuse days that roll over.
  if (probe.getFullYear() !== y || probe.getMonth() !== mo - 1 || probe.getDate() !== d) return null;
  // Built from fields, not by adding 24 h: a DST day is 23 or 25 hours long.
  return plusDays ? new Date(y, mo - 1, d + plusDays) : probe;
}

export type AuditFilterErrors = Partial<Record<keyof AuditFilterForm, string>>;

export type AuditFilterResult = { ok: true; filter: AuditFilter } | { ok: false; errors: AuditFilterErrors };

export function toAuditFilter(f: AuditFilterForm): AuditFilterResult {
  const errors: AuditFilterErrors = {};
  const filter: AuditFilter = {};
  const actor = f.actor.trim();
  const tenantId = f.tenantId.trim();
  const action = f.action.trim();
  if (actor) {
    if (actor.length > 254) errors.actor = 'At most 254 characters.';
    else filter.actor = actor;
  }
  if (tenantId) {
    if (!TENANT_ID.test(tenantId)) errors.tenantId = 'A tenant ID has only letters, digits, - and _.';
    else filter.tenantId = tenantId;
  }
  if (action) {
    if (action.length > 100) errors.action = 'At most 100 characters.';
    else filter.action = action;
  }
  if (f.outcome) filter.outcome = f.outcome;
  const from = f.from ? localDayStart(f.from) : null;
  const toEnd = f.to ? localDayStart(f.to, 1) : null;
  if (f.from && !from) errors.from = 'Not a date.';
  if (f.to && !toEnd) errors.to = 'Not a date.';
  if (from && toEnd && from >= toEnd) errors.to = 'The end is before the start.';
  if (from) filter.from = from.toISOString();
  if (toEnd) filter.to = toEnd.toISOString();
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, filter };
}
