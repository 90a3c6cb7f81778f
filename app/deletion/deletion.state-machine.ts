/**
 * The deletion request lifecycle (issue 7) as a pure function:
 * `(request, action, actor, now, config) → next | refusal` (CONVENTIONS.md §7).
 *
 *   filed ──approve──▶ approved ──schedule──▶ scheduled ──execute──▶ executing ──complete──▶ completed
 *     │  ▲                │  │                    │                    │ ▲
 *     │  └────amend───────┘  └──(re-approve when   │                    └─┘ execute again (resume after a crash
 *     │                          expired/invalid)  │                         or a failed verification)
 *     └──────────────cancel (with a reason)────────┴──▶ cancelled
 *
 * Why `on_hold` is not a stored status. A legal hold is a fact about the *tenant*
 * (tenants.legal_hold, with its reason), set and lifted by people outside the
 * deletion workflow, and it must survive whatever the request does. Stored as a
 * status it would need a second column to remember where the request was, and two
 * sources of truth for one hold. So the request keeps its underlying status, the
 * hold is carried in `legalHold`, and:
 *   - approve, schedule, execute (including a resume) and complete are refused with
 *     LEGAL_HOLD and the hold's reason; the executor also stops between steps;
 *   - filing, amending, recording the final export and cancelling stay possible
 *     (recording what the customer asked, or withdrawing, destroys nothing);
 *   - screens show {@link viewStatus} = 'on_hold' for an open request on hold.
 *
 * Approval (SECURITY.md "Deletion", abuse case 5): by an admin who is never the
 * filer (compared by staff ID, in the core); bound to
 * SHA-256(canonical JSON of action + request ID + tenant ID + every parameter) —
 * the approver sends back the hash it was shown, and schedule/execute recompute it,
 * so an approval copied to another request or tenant, or parameters edited after
 * approval (through `amend` or behind the console's back), no longer match. An
 * approval expires `approvalTtlHours` (24 h) after it was given unless the request
 * was scheduled by then; once scheduled, the schedule is the commitment and the
 * grace period, not the approval's age, governs execution.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { DeletionConfig } from './deletion.config';
import {
  DELETION_ACTIONS,
  DELETION_ROLES,
  DELETION_STATUSES,
  DELETION_VIEW_STATUSES,
  OPEN_DELETION_STATUSES,
  type DeletionActionType,
  type DeletionStatus,
  type DeletionViewStatus,
} from './deletion.constants';

export { DELETION_STATUSES, DELETION_VIEW_STATUSES, OPEN_DELETION_STATUSES, DELETION_ACTIONS, DELETION_ROLES };
export type { DeletionStatus, DeletionViewStatus, DeletionActionType };

export interface DeletionActor {
  staffId: string | null;
  label: string;
  roles: readonly string[];
}

/** What the customer asked for; everything here is covered by the approval hash. */
export interface DeletionParameters {
  tenantId: string;
  requestReference: string;
  /** YYYY-MM-DD. */
  receivedOn: string;
  /** Null only after completion (the certificate keeps it). */
  requesterContact: string | null;
  reason: string;
  wantsFinalExport: boolean;
}

export interface DeletionRequestState extends DeletionParameters {
  id: string;
  /** The word to type to confirm execution. Null after completion. */
  tenantSlug: string | null;
  status: DeletionStatus;
  filedBy: { staffId: string | null; label: string };
  filedAt: string;
  finalExport: { jobId: string; location: string; recordedAt: string; recordedBy: string } | null;
  approval: { staffId: string; label: string; at: string; hash: string } | null;
  scheduledAt: string | null;
  scheduledBy: string | null;
  scheduledFor: string | null;
  cancellation: { by: string; at: string; reason: string } | null;
  executingStartedAt: string | null;
  executedBy: string | null;
  completedAt: string | null;
  certificateId: string | null;
  /** The tenant's legal hold reason (tenants.legal_hold), or null. */
  legalHold: string | null;
  updatedAt: string;
}

export type AmendableParameter = 'requestReference' | 'receivedOn' | 'requesterContact' | 'reason' | 'wantsFinalExport';

export type DeletionAction =
  | { type: 'file'; requestId: string; tenantSlug: string; legalHold: string | null; params: DeletionParameters }
  | { type: 'amend'; changes: Partial<Pick<DeletionParameters, AmendableParameter>> }
  | { type: 'recordFinalExport'; jobId: string; location: string }
  | { type: 'approve'; parametersHash: string }
  | { type: 'schedule' }
  | { type: 'cancel'; reason: string }
  | { type: 'hold'; reason: string }
  | { type: 'release' }
  | { type: 'execute'; confirmSlug: string }
  | { type: 'complete'; certificateId: string };

export type DeletionRefusalReason =
  | 'ROLE'
  | 'NO_STAFF_IDENTITY'
  | 'SELF_APPROVAL'
  | 'ILLEGAL_STATE'
  | 'INVALID_PARAMETERS'
  | 'NOTHING_CHANGED'
  | 'LEGAL_HOLD'
  | 'ALREADY_ON_HOLD'
  | 'NOT_ON_HOLD'
  | 'APPROVAL_MISSING'
  | 'APPROVAL_MISMATCH'
  | 'APPROVAL_EXPIRED'
  | 'APPROVAL_STILL_VALID'
  | 'FINAL_EXPORT_PENDING'
  | 'FINAL_EXPORT_NOT_WANTED'
  | 'FINAL_EXPORT_ALREADY_RECORDED'
  | 'GRACE_PERIOD'
  | 'CONFIRMATION_MISMATCH'
  | 'REASON_REQUIRED';

export interface DeletionRefusal {
  code: 'DELETION_TRANSITION_REFUSED' | 'LEGAL_HOLD' | 'FORBIDDEN';
  /** Machine-readable sub-reason, for tests, the UI and the audit outcome. */
  reason: DeletionRefusalReason;
  message: string;
  hint: string;
}

export type DeletionTransition =
  | { ok: true; next: DeletionRequestState; from: DeletionStatus | null; to: DeletionStatus; action: DeletionActionType; note: string | null }
  | { ok: false; refusal: DeletionRefusal };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---- derived facts ------------------------------------------------------------------

/**
 * The hash an approval is bound to. Covers the action, the request and the tenant,
 * so the same approval can mean nothing else; and every parameter the approver saw.
 * Not covered: the final export record (its fulfilment, not a parameter) and the
 * tenant slug (only the confirmation word).
 */
export function parametersHash(r: Pick<DeletionRequestState, 'id' | keyof DeletionParameters>): string {
  const canonical = canonicalize({
    v: 1,
    action: 'tenant.delete',
    requestId: r.id,
    tenantId: r.tenantId,
    requestReference: r.requestReference,
    receivedOn: r.receivedOn,
    requesterContact: r.requesterContact,
    reason: r.reason,
    wantsFinalExport: r.wantsFinalExport,
  });
  return createHash('sha256').update(canonical as string).digest('hex');
}

export function isOpen(status: DeletionStatus): boolean {
  return OPEN_DELETION_STATUSES.includes(status);
}

export function viewStatus(r: Pick<DeletionRequestState, 'status' | 'legalHold'>): DeletionViewStatus {
  return r.legalHold !== null && isOpen(r.status) ? 'on_hold' : r.status;
}

export type ApprovalState = 'none' | 'valid' | 'expired' | 'mismatch' | 'consumed';

/** `consumed`: the request was scheduled while the approval was valid; its age no longer matters. */
export function approvalState(r: DeletionRequestState, now: Date, config: DeletionConfig): { state: ApprovalState; expiresAt: string | null } {
  if (!r.approval) return { state: 'none', expiresAt: null };
  const expiresAt = new Date(Date.parse(r.approval.at) + config.approvalTtlHours * HOUR);
  // A completed request dropped the requester contact (data minimisation): its hash no longer matters.
  if (r.status === 'completed') return { state: 'consumed', expiresAt: expiresAt.toISOString() };
  if (r.approval.hash !== parametersHash(r)) return { state: 'mismatch', expiresAt: expiresAt.toISOString() };
  if (r.scheduledAt !== null) return { state: 'consumed', expiresAt: expiresAt.toISOString() };
  // Expired at exactly ttl: "valid for 24 hours" means strictly less than 24 hours later.
  return { state: now.getTime() < expiresAt.getTime() ? 'valid' : 'expired', expiresAt: expiresAt.toISOString() };
}

export interface Countdown {
  scheduledFor: string;
  remainingMs: number;
  executable: boolean;
}

/** The grace period's countdown; executable at exactly `scheduledFor`. */
export function countdown(r: Pick<DeletionRequestState, 'scheduledFor'>, now: Date): Countdown | null {
  if (r.scheduledFor === null) return null;
  const remainingMs = Math.max(0, Date.parse(r.scheduledFor) - now.getTime());
  return { scheduledFor: r.scheduledFor, remainingMs, executable: remainingMs === 0 };
}

export interface DueDate {
  /** receivedOn + legalDeadlineDays, YYYY-MM-DD (UTC). */
  dueOn: string;
  /** Completion if done, else the scheduled time, else the earliest possible (now + grace). */
  expectedCompletion: string;
  /** Calendar days (UTC) from receipt to expected completion. */
  daysAfterReceipt: number;
  /** Will complete (or completed) more than legalDeadlineDays after receipt: the screen warns. */
  late: boolean;
  /** Still open after the due day has ended: the queue highlights it. */
  overdue: boolean;
}

export function dueDate(r: DeletionRequestState, now: Date, config: DeletionConfig): DueDate {
  const received = Date.parse(`${r.receivedOn}T00:00:00Z`);
  const dueOn = isoDay(new Date(received + config.legalDeadlineDays * DAY));
  const expected =
    r.completedAt !== null
      ? new Date(r.completedAt)
      : r.scheduledFor !== null
        ? new Date(Math.max(Date.parse(r.scheduledFor), now.getTime()))
        : new Date(now.getTime() + config.graceDays * DAY);
  const daysAfterReceipt = Math.floor((Date.parse(`${isoDay(expected)}T00:00:00Z`) - received) / DAY);
  const dueEnd = Date.parse(`${dueOn}T00:00:00Z`) + DAY;
  return {
    dueOn,
    expectedCompletion: expected.toISOString(),
    daysAfterReceipt,
    late: r.status !== 'cancelled' && daysAfterReceipt > config.legalDeadlineDays,
    overdue: isOpen(r.status) && now.getTime() >= dueEnd,
  };
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function isValidDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && isoDay(new Date(t)) === s;
}

// ---- refusals --------------------------------------------------------------------------

const ACTION_WORDS: Record<DeletionActionType, string> = {
  file: 'file a deletion request',
  amend: 'change the request',
  recordFinalExport: 'record the final export',
  approve: 'approve the deletion',
  schedule: 'schedule the deletion',
  cancel: 'cancel the request',
  hold: 'put the tenant on legal hold',
  release: 'lift the legal hold',
  execute: 'execute the deletion',
  complete: 'complete the deletion',
};

function refuse(code: DeletionRefusal['code'], reason: DeletionRefusalReason, message: string, hint: string): DeletionTransition {
  return { ok: false, refusal: { code, reason, message, hint } };
}

function illegal(r: DeletionRequestState | null, action: DeletionActionType, hint: string): DeletionTransition {
  const where = r ? `request ${r.id} is ${r.status}` : 'there is no such request';
  return refuse('DELETION_TRANSITION_REFUSED', 'ILLEGAL_STATE', `Cannot ${ACTION_WORDS[action]}: the ${where}.`, hint);
}

function held(r: DeletionRequestState, action: DeletionActionType): DeletionTransition {
  return refuse(
    'LEGAL_HOLD',
    'LEGAL_HOLD',
    `Cannot ${ACTION_WORDS[action]}: tenant ${r.tenantId} is on legal hold (${r.legalHold}).`,
    'An admin must lift the legal hold first, once the legal reason has ended.',
  );
}

function invalid(message: string, hint = 'Correct the value and try again.'): DeletionTransition {
  return refuse('DELETION_TRANSITION_REFUSED', 'INVALID_PARAMETERS', message, hint);
}

function validateParameters(p: Partial<DeletionParameters>, now: Date): DeletionTransition | null {
  if (p.tenantId !== undefined && (typeof p.tenantId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(p.tenantId))) return invalid('The tenant ID is not valid.');
  if (p.requestReference !== undefined && (p.requestReference.trim() === '' || p.requestReference.length > 200)) {
    return invalid("The customer's request reference is required (up to 200 characters).");
  }
  if (p.receivedOn !== undefined) {
    if (!isValidDay(p.receivedOn)) return invalid('The date the request was received must be a date (YYYY-MM-DD).');
    // One day of tolerance: a customer east of UTC may already be on tomorrow.
    if (Date.parse(`${p.receivedOn}T00:00:00Z`) > now.getTime() + DAY) return invalid('The date the request was received is in the future.');
  }
  if (p.requesterContact !== undefined && (p.requesterContact === null || p.requesterContact.trim() === '' || p.requesterContact.length > 320)) {
    return invalid("The requester's contact is required (up to 320 characters).");
  }
  if (p.reason !== undefined && (p.reason.trim() === '' || p.reason.length > 2000)) return invalid('A reason is required (up to 2000 characters).');
  if (p.wantsFinalExport !== undefined && typeof p.wantsFinalExport !== 'boolean') return invalid('Say whether the customer wants a final export.');
  return null;
}

// ---- the transition function ------------------------------------------------------------

/**
 * Decides one action. Pure: same inputs, same answer; no clock, no I/O. The caller
 * (deletion.service.ts) persists `next`, writes the transition row and the audit record.
 */
export function transition(
  request: DeletionRequestState | null,
  action: DeletionAction,
  actor: DeletionActor,
  now: Date,
  config: DeletionConfig,
): DeletionTransition {
  const type = action.type;
  if (!DELETION_ROLES[type].some((role) => actor.roles.includes(role))) {
    return refuse(
      'FORBIDDEN',
      'ROLE',
      `Your roles do not allow you to ${ACTION_WORDS[type]}.`,
      `This needs ${DELETION_ROLES[type].filter((r) => r !== 'system').join(' or ')}${DELETION_ROLES[type].includes('system') ? ' (or the CLI on the server)' : ''}.`,
    );
  }
  const at = now.toISOString();

  if (action.type === 'file') {
    if (request !== null) return illegal(request, type, 'A request is filed once; amend it or file a new one after it ends.');
    const bad = validateParameters(action.params, now);
    if (bad) return bad;
    const next: DeletionRequestState = {
      ...action.params,
      requestReference: action.params.requestReference.trim(),
      reason: action.params.reason.trim(),
      requesterContact: action.params.requesterContact?.trim() ?? null,
      id: action.requestId,
      tenantSlug: action.tenantSlug,
      status: 'filed',
      filedBy: { staffId: actor.staffId, label: actor.label },
      filedAt: at,
      finalExport: null,
      approval: null,
      scheduledAt: null,
      scheduledBy: null,
      scheduledFor: null,
      cancellation: null,
      executingStartedAt: null,
      executedBy: null,
      completedAt: null,
      certificateId: null,
      legalHold: action.legalHold,
      updatedAt: at,
    };
    return { ok: true, next, from: null, to: 'filed', action: type, note: null };
  }

  if (request === null) return illegal(null, type, 'Open the request from the deletion queue.');
  const r = request;
  const ok = (next: Partial<DeletionRequestState>, note: string | null = null): DeletionTransition => {
    const n: DeletionRequestState = { ...r, ...next, updatedAt: at };
    return { ok: true, next: n, from: r.status, to: n.status, action: type, note };
  };

  switch (action.type) {
    case 'amend': {
      if (r.status !== 'filed' && r.status !== 'approved') {
        return illegal(r, type, r.status === 'scheduled' ? 'Cancel the scheduled request and file a new one.' : 'This request can no longer change.');
      }
      const changes = Object.fromEntries(Object.entries(action.changes).filter(([, v]) => v !== undefined)) as Partial<DeletionParameters>;
      if ('tenantId' in (action.changes as object)) return invalid('The tenant of a request cannot change.', 'Cancel this request and file one for the right tenant.');
      const bad = validateParameters(changes, now);
      if (bad) return bad;
      const normalised: Partial<DeletionParameters> = { ...changes };
      if (typeof normalised.requestReference === 'string') normalised.requestReference = normalised.requestReference.trim();
      if (typeof normalised.reason === 'string') normalised.reason = normalised.reason.trim();
      if (typeof normalised.requesterContact === 'string') normalised.requesterContact = normalised.requesterContact.trim();
      const changed = (Object.keys(normalised) as (keyof DeletionParameters)[]).filter((k) => normalised[k] !== r[k]);
      if (changed.length === 0) return refuse('DELETION_TRANSITION_REFUSED', 'NOTHING_CHANGED', 'Nothing was changed.', 'Change at least one value.');
      if (r.status === 'approved') {
        return ok({ ...normalised, status: 'filed', approval: null }, `Changed ${changed.join(', ')}; the approval no longer applies and is withdrawn.`);
      }
      return ok(normalised, `Changed ${changed.join(', ')}.`);
    }

    case 'recordFinalExport': {
      if (r.status !== 'filed' && r.status !== 'approved') return illegal(r, type, 'The final export is recorded before the deletion is scheduled.');
      if (!r.wantsFinalExport) {
        return refuse('DELETION_TRANSITION_REFUSED', 'FINAL_EXPORT_NOT_WANTED', 'The customer did not ask for a final export on this request.', 'Amend the request first if the customer now wants one.');
      }
      if (r.finalExport !== null) {
        return refuse('DELETION_TRANSITION_REFUSED', 'FINAL_EXPORT_ALREADY_RECORDED', `The final export was already recorded (job ${r.finalExport.jobId}).`, 'Nothing to do.');
      }
      if (action.jobId.trim() === '' || action.location.trim() === '') return invalid('The export job and the location of its package are required.');
      return ok({ finalExport: { jobId: action.jobId.trim(), location: action.location.trim(), recordedAt: at, recordedBy: actor.label } });
    }

    case 'approve': {
      const approval = approvalState(r, now, config);
      const reapprovable = r.status === 'approved' && (approval.state === 'expired' || approval.state === 'mismatch' || approval.state === 'none');
      if (r.status !== 'filed' && !reapprovable) {
        if (r.status === 'approved') {
          return refuse('DELETION_TRANSITION_REFUSED', 'APPROVAL_STILL_VALID', `Request ${r.id} is already approved and the approval is still valid.`, 'Schedule it, or wait: an approval is only renewed once it expired.');
        }
        return illegal(r, type, 'Only a filed request (or one whose approval expired) can be approved.');
      }
      if (actor.staffId === null) {
        return refuse('FORBIDDEN', 'NO_STAFF_IDENTITY', 'An approval must come from a signed-in staff member.', 'Sign in to the console as an admin to approve.');
      }
      if (r.filedBy.staffId !== null && r.filedBy.staffId === actor.staffId) {
        return refuse('FORBIDDEN', 'SELF_APPROVAL', 'You filed this request, so you cannot approve it: a second person must.', 'Ask another admin to approve it.');
      }
      if (r.legalHold !== null) return held(r, type);
      if (action.parametersHash !== parametersHash(r)) {
        return refuse(
          'DELETION_TRANSITION_REFUSED',
          'APPROVAL_MISMATCH',
          `The approval does not match request ${r.id} for tenant ${r.tenantId} as it stands now.`,
          'The request changed since you opened it, or the approval was meant for another request. Reload the request, check it, and approve again.',
        );
      }
      return ok({ status: 'approved', approval: { staffId: actor.staffId, label: actor.label, at, hash: action.parametersHash } });
    }

    case 'schedule': {
      if (r.status !== 'approved') return illegal(r, type, 'A request is scheduled once it is approved.');
      if (r.legalHold !== null) return held(r, type);
      const approval = approvalState(r, now, config);
      if (approval.state === 'none') return refuse('DELETION_TRANSITION_REFUSED', 'APPROVAL_MISSING', `Request ${r.id} has no approval.`, 'Ask an admin to approve it.');
      if (approval.state === 'mismatch') {
        return refuse('DELETION_TRANSITION_REFUSED', 'APPROVAL_MISMATCH', `The approval of request ${r.id} does not match its current parameters.`, 'The request changed after approval: ask an admin to check it and approve again.');
      }
      if (approval.state === 'expired') {
        return refuse('DELETION_TRANSITION_REFUSED', 'APPROVAL_EXPIRED', `The approval of request ${r.id} expired at ${approval.expiresAt}.`, `Approvals last ${config.approvalTtlHours} hours; ask an admin to approve it again.`);
      }
      if (r.wantsFinalExport && r.finalExport === null) {
        return refuse('DELETION_TRANSITION_REFUSED', 'FINAL_EXPORT_PENDING', 'The customer asked for a final export first, and it is not recorded yet.', 'Run the advanced export for this tenant, then record its job and location on the request.');
      }
      const scheduledFor = new Date(now.getTime() + config.graceDays * DAY).toISOString();
      return ok({ status: 'scheduled', scheduledAt: at, scheduledBy: actor.label, scheduledFor });
    }

    case 'cancel': {
      if (r.status !== 'filed' && r.status !== 'approved' && r.status !== 'scheduled') {
        return illegal(r, type, r.status === 'executing' ? 'Deletion has started and cannot be undone; run it again until it completes.' : 'Only a request that has not started can be cancelled.');
      }
      if (action.reason.trim().length < 3) return refuse('DELETION_TRANSITION_REFUSED', 'REASON_REQUIRED', 'Say why the request is cancelled.', 'Give a reason of a few words; it is kept on the request.');
      return ok({ status: 'cancelled', cancellation: { by: actor.label, at, reason: action.reason.trim() } }, action.reason.trim());
    }

    case 'hold': {
      if (!isOpen(r.status)) return illegal(r, type, 'A closed request needs no hold; put the hold on the tenant itself.');
      if (r.legalHold !== null) return refuse('DELETION_TRANSITION_REFUSED', 'ALREADY_ON_HOLD', `Tenant ${r.tenantId} is already on legal hold (${r.legalHold}).`, 'Nothing to do.');
      if (action.reason.trim().length < 3) return refuse('DELETION_TRANSITION_REFUSED', 'REASON_REQUIRED', 'Say why the tenant is on legal hold.', 'Give the legal reason; staff see it on the request.');
      return ok({ legalHold: action.reason.trim() }, action.reason.trim());
    }

    case 'release': {
      if (!isOpen(r.status)) return illegal(r, type, 'Lift the hold on the tenant itself.');
      if (r.legalHold === null) return refuse('DELETION_TRANSITION_REFUSED', 'NOT_ON_HOLD', `Tenant ${r.tenantId} is not on legal hold.`, 'Nothing to do.');
      return ok({ legalHold: null }, `Hold lifted (was: ${r.legalHold}).`);
    }

    case 'execute': {
      if (r.status !== 'scheduled' && r.status !== 'executing') return illegal(r, type, 'Only a scheduled request whose grace period has ended can be executed.');
      if (r.legalHold !== null) return held(r, type);
      if (!r.approval || r.approval.hash !== parametersHash(r)) {
        return refuse('DELETION_TRANSITION_REFUSED', 'APPROVAL_MISMATCH', `The approval of request ${r.id} does not match its current parameters.`, 'The request was changed after approval. Do not execute it; report this to an admin.');
      }
      const c = countdown(r, now);
      if (!c || !c.executable) {
        const hours = c ? Math.ceil(c.remainingMs / HOUR) : null;
        return refuse(
          'DELETION_TRANSITION_REFUSED',
          'GRACE_PERIOD',
          `The grace period of request ${r.id} has not ended: deletion may start at ${r.scheduledFor ?? '(not scheduled)'}${hours !== null ? ` (in about ${hours} h)` : ''}.`,
          'Wait until the grace period ends; until then the request can still be cancelled.',
        );
      }
      if (r.tenantSlug === null || action.confirmSlug.trim() !== r.tenantSlug) {
        return refuse('DELETION_TRANSITION_REFUSED', 'CONFIRMATION_MISMATCH', `The confirmation does not match tenant ${r.tenantId}'s slug.`, `Type the tenant's slug exactly, as shown on the request, to confirm.`);
      }
      return ok({ status: 'executing', executingStartedAt: r.executingStartedAt ?? at, executedBy: actor.label }, r.status === 'executing' ? 'Resumed.' : null);
    }

    case 'complete': {
      if (r.status !== 'executing') return illegal(r, type, 'A request completes when its execution has been verified.');
      if (r.legalHold !== null) return held(r, type);
      if (action.certificateId.trim() === '') return invalid('A completed deletion needs its certificate.');
      // Data minimisation: the certificate (which the customer receives) keeps the
      // requester's contact and the tenant's name; the request row keeps neither.
      return ok({ status: 'completed', completedAt: at, certificateId: action.certificateId, requesterContact: null, tenantSlug: null });
    }
  }
}

/**
 * Which actions this actor could take now (for the request page's buttons), trying
 * each with the inputs a screen would supply (the right hash, the right slug, a reason).
 */
export function availableActions(r: DeletionRequestState, actor: DeletionActor, now: Date, config: DeletionConfig): DeletionActionType[] {
  const probes: DeletionAction[] = [
    { type: 'recordFinalExport', jobId: 'probe', location: 'probe' },
    { type: 'approve', parametersHash: parametersHash(r) },
    { type: 'schedule' },
    { type: 'cancel', reason: 'probe' },
    { type: 'hold', reason: 'probe' },
    { type: 'release' },
    { type: 'execute', confirmSlug: r.tenantSlug ?? '' },
  ];
  const out: DeletionActionType[] = [];
  if (transition(r, { type: 'amend', changes: { wantsFinalExport: !r.wantsFinalExport } }, actor, now, config).ok) out.push('amend');
  for (const p of probes) if (transition(r, p, actor, now, config).ok) out.push(p.type);
  return out;
}
