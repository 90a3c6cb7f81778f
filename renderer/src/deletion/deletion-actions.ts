/**
 * Which deletion actions to *offer* a staff member, from their roles and the request's
 * status (issue 7's lifecycle). The server decides: it checks roles, the filer never
 * approving, the approval hash, the hold and the grace period again, and its refusal
 * is shown as it comes. This only keeps the page from offering what cannot apply, and
 * says why a button is greyed. Pure; mirrors DELETION_ROLES (the renderer may import
 * only types from app/, so the lists are repeated here and tested).
 */
import type { Role } from '../../../app/api/roles';
import type { DeletionRequestView, DeletionStatus } from './deletion-types';
import { formatCountdown } from './deletion-format';

export type OfferedAction = 'approve' | 'recordFinalExport' | 'schedule' | 'execute' | 'cancel' | 'hold' | 'release';

const ROLES: Record<OfferedAction | 'file' | 'view', readonly Role[]> = {
  view: ['account_manager', 'admin'],
  file: ['account_manager'],
  recordFinalExport: ['account_manager', 'admin'],
  approve: ['admin'],
  schedule: ['account_manager', 'admin'],
  cancel: ['account_manager', 'admin'],
  hold: ['account_manager', 'admin'],
  // Lifting a protection is stricter than placing it.
  release: ['admin'],
  execute: ['account_manager', 'admin'],
};

const holds = (roles: readonly string[], allowed: readonly Role[]) => allowed.some((r) => roles.includes(r));

/** The queue and request pages (deletion.list / deletion.get): account managers and admins. */
export function canUseDeletions(roles: readonly string[]): boolean {
  return holds(roles, ROLES.view);
}

/** Filing (deletion.file) is an account manager's job. */
export function canFile(roles: readonly string[]): boolean {
  return holds(roles, ROLES.file);
}

export function mayTake(roles: readonly string[], action: OfferedAction): boolean {
  return holds(roles, ROLES[action]);
}

/** What the offer depends on, besides the roles. */
export interface ActionFacts {
  status: DeletionStatus;
  legalHold: string | null;
  approvalState: NonNullable<DeletionRequestView['approval']>['state'] | 'none';
  wantsFinalExport: boolean;
  finalExportRecorded: boolean;
  /** What is left of the grace period now (0 once executable), or null when not scheduled. */
  remainingMs: number | null;
  /** A deletion job for this request is running: a second run would be refused. */
  jobRunning: boolean;
}

export function factsOf(r: DeletionRequestView, remainingMs: number | null, jobRunning: boolean): ActionFacts {
  return {
    status: r.status,
    legalHold: r.legalHold,
    approvalState: r.approval?.state ?? 'none',
    wantsFinalExport: r.wantsFinalExport,
    finalExportRecorded: r.finalExport !== null,
    remainingMs,
    jobRunning,
  };
}

export interface ActionOffer {
  action: OfferedAction;
  label: string;
  enabled: boolean;
  /** Why it is greyed (or what to know before clicking). */
  note: string | null;
}

const OPEN: readonly DeletionStatus[] = ['filed', 'approved', 'scheduled', 'executing'];
const HOLD_NOTE = 'Blocked by the legal hold on this tenant.';

/** The buttons for this viewer, in the order the page shows them (the next step first). */
export function offeredActions(roles: readonly string[], f: ActionFacts): ActionOffer[] {
  const out: ActionOffer[] = [];
  const offer = (action: OfferedAction, label: string, enabled = true, note: string | null = null) => {
    if (mayTake(roles, action)) out.push({ action, label, enabled, note });
  };
  const held = f.legalHold !== null;
  const open = OPEN.includes(f.status);
  const exportPending = f.wantsFinalExport && !f.finalExportRecorded;

  if (f.status === 'filed') {
    offer('approve', 'Approve…', !held, held ? HOLD_NOTE : null);
  } else if (f.status === 'approved' && (f.approvalState === 'expired' || f.approvalState === 'mismatch' || f.approvalState === 'none')) {
    offer('approve', 'Approve again…', !held, held ? HOLD_NOTE : 'The earlier approval no longer applies.');
  }

  if ((f.status === 'filed' || f.status === 'approved') && exportPending) {
    offer('recordFinalExport', 'Record final export…');
  }

  if (f.status === 'approved' && f.approvalState === 'valid') {
    if (held) offer('schedule', 'Schedule', false, HOLD_NOTE);
    else if (exportPending) offer('schedule', 'Schedule', false, 'Record the final export first: the customer asked for one.');
    else offer('schedule', 'Schedule');
  }

  if (f.status === 'scheduled') {
    if (held) offer('execute', 'Execute…', false, HOLD_NOTE);
    else if (f.remainingMs !== null && f.remainingMs > 0) offer('execute', 'Execute…', false, `The grace period ends in ${formatCountdown(f.remainingMs)}.`);
    else offer('execute', 'Execute…');
  } else if (f.status === 'executing') {
    // A crash or a failed verification leaves the request executing: each step is safe to rerun.
    if (held) offer('execute', 'Run again…', false, HOLD_NOTE);
    else if (f.jobRunning) offer('execute', 'Run again…', false, 'The deletion is running.');
    else offer('execute', 'Run again…', true, 'Finishes the steps not yet done, then verifies again.');
  }

  if (f.status === 'filed' || f.status === 'approved' || f.status === 'scheduled') offer('cancel', 'Cancel request…');
  if (open && !held) offer('hold', 'Place legal hold…');
  if (open && held) offer('release', 'Lift legal hold…');
  return out;
}
