/**
 * Which restore actions to *offer* a staff member (issue 6): support staff find the
 * snapshot of a day and request a whole-database restore; technical staff also open
 * sandboxes, pick records, run and roll back (each under a justification grant);
 * a second staff member — technical or admin, never the requester — approves.
 *
 * The server decides: it checks roles, the grant, the requester never approving, the
 * status and the rollback period again, and its refusal is shown as it comes. These
 * mirror the contract's access lists for restore.* (the renderer may import only types
 * from app/, so the lists are repeated here and tested).
 */
import type { Role } from '../../../app/api/roles';
import type { RestoreRequestView } from './restore-types';

const ROLES = {
  plan: ['support', 'technical', 'admin'],
  requestLive: ['support', 'technical'],
  sandbox: ['technical'],
  listSandboxes: ['technical', 'admin'],
  approve: ['technical', 'admin'],
  run: ['technical'],
  rollback: ['technical'],
  cancel: ['support', 'technical', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

const holds = (roles: readonly string[], allowed: readonly Role[]) => allowed.some((r) => roles.includes(r));

/** The Restore panel at all: the day plan and the requests list. */
export function canPlan(roles: readonly string[]): boolean {
  return holds(roles, ROLES.plan);
}
export function canRequestLive(roles: readonly string[]): boolean {
  return holds(roles, ROLES.requestLive);
}
/** Open a sandbox, compare, pick records, request a selective restore. */
export function canUseSandbox(roles: readonly string[]): boolean {
  return holds(roles, ROLES.sandbox);
}
export function canListSandboxes(roles: readonly string[]): boolean {
  return holds(roles, ROLES.listSandboxes);
}

export type RequestAction = 'approve' | 'run' | 'cancel' | 'rollback';

export interface ActionOffer {
  action: RequestAction;
  label: string;
  enabled: boolean;
  /** Why it is greyed, or what to know before clicking. */
  note: string | null;
}

export interface Viewer {
  roles: readonly string[];
  /** The viewer's e-mail: requests name their requester and approver by it. */
  email: string | null;
}

/** The buttons for this viewer and request, the next step first. */
export function offeredActions(v: Viewer, r: RestoreRequestView, jobRunning = false): ActionOffer[] {
  const out: ActionOffer[] = [];
  const mine = v.email !== null && r.requestedBy === v.email;
  const approver = v.email !== null && r.approvedBy === v.email;
  const admin = v.roles.includes('admin');

  if (r.status === 'requested' && holds(v.roles, ROLES.approve)) {
    out.push(
      mine
        ? { action: 'approve', label: 'Approve…', enabled: false, note: 'You requested it: another technical staff member or an admin approves it.' }
        : { action: 'approve', label: 'Approve…', enabled: true, note: null },
    );
  }
  if ((r.status === 'approved' || r.status === 'failed') && holds(v.roles, ROLES.run)) {
    const resume = r.status === 'failed';
    out.push({
      action: 'run',
      label: resume ? 'Resume…' : 'Run…',
      enabled: !jobRunning,
      note: jobRunning ? 'It is running.' : resume ? 'Runs the steps not done yet; a swapped database is verified again.' : null,
    });
  }
  if (r.status === 'requested' || r.status === 'approved' || r.status === 'failed') {
    if (holds(v.roles, ROLES.cancel) && (mine || approver || admin)) {
      out.push({ action: 'cancel', label: 'Cancel request…', enabled: !jobRunning, note: null });
    }
  }
  if (r.status === 'completed' && r.canRollBack && holds(v.roles, ROLES.rollback)) {
    out.push({ action: 'rollback', label: 'Roll back…', enabled: true, note: null });
  }
  return out;
}
