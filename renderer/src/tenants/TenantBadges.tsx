import type { TenantPlan, TenantStatus } from '../../../app/api/contract';
import { PLAN_LABEL, STATUS_LABEL } from './directory-query';

export function StatusBadge({ status }: { status: TenantStatus }) {
  return <span className={`badge badge--status-${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

export function PlanBadge({ plan }: { plan: TenantPlan }) {
  return <span className={`badge badge--plan-${plan}`}>{PLAN_LABEL[plan] ?? plan}</span>;
}
