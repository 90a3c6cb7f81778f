import { describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.port';
import { DEFAULT_DELETION_CONFIG, type DeletionConfig } from './deletion.config';
import {
  DELETION_ACTIONS,
  DELETION_STATUSES,
  approvalState,
  availableActions,
  countdown,
  dueDate,
  parametersHash,
  transition,
  viewStatus,
  type DeletionAction,
  type DeletionActionType,
  type DeletionActor,
  type DeletionRequestState,
  type DeletionStatus,
  type DeletionTransition,
} from './deletion.state-machine';

const H = 3_600_000;
const D = 24 * H;
const T = new Date('2026-06-30T03:00:00.000Z');
const at = (ms: number) => new Date(T.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();
const cfg = DEFAULT_DELETION_CONFIG;

const filer: DeletionActor = { staffId: 's-am1', label: 'am1@vendor.example', roles: ['account_manager'] };
const am2: DeletionActor = { staffId: 's-am2', label: 'am2@vendor.example', roles: ['account_manager'] };
const admin: DeletionActor = { staffId: 's-ad1', label: 'ad1@vendor.example', roles: ['admin'] };
const admin2: DeletionActor = { staffId: 's-ad2', label: 'ad2@vendor.example', roles: ['admin'] };
const boss: DeletionActor = { staffId: 's-boss', label: 'boss@vendor.example', roles: ['account_manager', 'admin'] };
const support: DeletionActor = { staffId: 's-su', label: 'su@vendor.example', roles: ['support', 'technical'] };
const system: DeletionActor = { staffId: null, label: 'system:ops@server', roles: ['system'] };

function ok(t: DeletionTransition): DeletionRequestState {
  if (!t.ok) throw new Error(`expected success, got ${t.refusal.reason}: ${t.refusal.message}`);
  return t.next;
}
function refusal(t: DeletionTransition) {
  if (t.ok) throw new Error(`expected a refusal, got ${t.from} → ${t.to}`);
  return t.refusal;
}

function filed(over: Partial<DeletionRequestState> = {}): DeletionRequestState {
  const r = ok(
    transition(
      null,
      {
        type: 'file',
        requestId: 'dr-1',
        tenantSlug: 'tenant-000001',
        legalHold: null,
        params: { tenantId: 't-000001', requestReference: 'CUST-4411', receivedOn: '2026-06-25', requesterContact: 'Jo Kay <jo@customer.example>', reason: 'Contract ended', wantsFinalExport: false },
      },
      filer,
      at(-2 * D),
      cfg,
    ),
  );
  return { ...r, ...over };
}

/** A request in `status` whose other preconditions hold at T (so only the status decides). */
function inStatus(status: DeletionStatus, over: Partial<DeletionRequestState> = {}): DeletionRequestState {
  const base = filed();
  const approval = (when: number) => ({ staffId: admin.staffId!, label: admin.label, at: iso(when), hash: parametersHash(base) });
  const byStatus: Record<DeletionStatus, Partial<DeletionRequestState>> = {
    filed: {},
    approved: { status: 'approved', approval: approval(-1 * H) },
    scheduled: { status: 'scheduled', approval: approval(-9 * D), scheduledAt: iso(-9 * D + H), scheduledBy: filer.label, scheduledFor: iso(-2 * D + H) },
    executing: {
      status: 'executing',
      approval: approval(-9 * D),
      scheduledAt: iso(-9 * D + H),
      scheduledBy: filer.label,
      scheduledFor: iso(-2 * D + H),
      executingStartedAt: iso(-1 * H),
      executedBy: filer.label,
    },
    completed: {
      status: 'completed',
      approval: approval(-9 * D),
      scheduledAt: iso(-9 * D + H),
      scheduledFor: iso(-2 * D + H),
      executingStartedAt: iso(-2 * H),
      completedAt: iso(-1 * H),
      certificateId: 'dc-1',
      requesterContact: null,
      tenantSlug: null,
    },
    cancelled: { status: 'cancelled', cancellation: { by: filer.label, at: iso(-1 * H), reason: 'customer changed its mind' } },
  };
  return { ...base, ...byStatus[status], ...over };
}

/** The input a screen would send for each action, made to pass every check but the status. */
function goodAction(type: DeletionActionType, r: DeletionRequestState): DeletionAction {
  switch (type) {
    case 'file':
      return { type, requestId: 'dr-2', tenantSlug: 'tenant-000001', legalHold: null, params: { tenantId: 't-000001', requestReference: 'X', receivedOn: '2026-06-29', requesterContact: 'c', reason: 'r', wantsFinalExport: false } };
    case 'amend':
      return { type, changes: { requestReference: 'CUST-4411-b' } };
    case 'recordFinalExport':
      return { type, jobId: 'j-export-1', location: 'exports/t-000001/final.tar.gz' };
    case 'approve':
      return { type, parametersHash: parametersHash(r) };
    case 'schedule':
      return { type };
    case 'cancel':
      return { type, reason: 'customer withdrew the request' };
    case 'hold':
      return { type, reason: 'litigation hold, case 2026-17' };
    case 'release':
      return { type };
    case 'execute':
      return { type, confirmSlug: 'tenant-000001' };
    case 'complete':
      return { type, certificateId: 'dc-1' };
  }
}

/** Action-specific preconditions that are not the status (final export wanted; a hold to release). */
function prepare(type: DeletionActionType, r: DeletionRequestState): DeletionRequestState {
  if (type === 'recordFinalExport') return { ...r, wantsFinalExport: true };
  if (type === 'release') return { ...r, legalHold: r.status === 'completed' || r.status === 'cancelled' ? null : 'court order' };
  return r;
}

const LEGAL: Record<DeletionStatus, DeletionActionType[]> = {
  filed: ['amend', 'recordFinalExport', 'approve', 'cancel', 'hold', 'release'],
  approved: ['amend', 'recordFinalExport', 'schedule', 'cancel', 'hold', 'release'],
  scheduled: ['cancel', 'hold', 'release', 'execute'],
  executing: ['hold', 'release', 'execute', 'complete'],
  completed: [],
  cancelled: [],
};

const EXPECTED_TARGET: Partial<Record<DeletionActionType, DeletionStatus>> = {
  approve: 'approved',
  schedule: 'scheduled',
  cancel: 'cancelled',
  execute: 'executing',
  complete: 'completed',
};

describe('deletion state machine: every status × every action', () => {
  const cases = DELETION_STATUSES.flatMap((status) => DELETION_ACTIONS.filter((a) => a !== 'file').map((action) => [status, action] as const));

  it.each(cases)('%s + %s', (status, action) => {
    // Hashes depend on the fixture's parameters; the approval must match after `prepare`.
    let r = prepare(action, inStatus(status));
    if (r.approval) r = { ...r, approval: { ...r.approval, hash: parametersHash(r) } };
    const actor = action === 'approve' ? admin2 : boss;
    const t = transition(r, goodAction(action, r), actor, T, cfg);
    if (LEGAL[status].includes(action)) {
      const next = ok(t);
      const target = EXPECTED_TARGET[action] ?? (action === 'amend' && status === 'approved' ? 'filed' : status);
      expect(next.status).toBe(target);
      expect(next.updatedAt).toBe(T.toISOString());
    } else {
      const ref = refusal(t);
      expect(ref.code).toBe('DELETION_TRANSITION_REFUSED');
      // An approved request with a valid approval says so, rather than "illegal state".
      expect(ref.reason).toBe(status === 'approved' && action === 'approve' ? 'APPROVAL_STILL_VALID' : 'ILLEGAL_STATE');
      expect(ref.message).toContain(status);
      expect(ref.hint.length).toBeGreaterThan(10);
    }
  });

  it('filing twice is refused, and only filing starts a request', () => {
    expect(refusal(transition(filed(), goodAction('file', filed()), filer, T, cfg)).reason).toBe('ILLEGAL_STATE');
    for (const action of DELETION_ACTIONS.filter((a) => a !== 'file')) {
      const r = refusal(transition(null, goodAction(action, filed()), boss, T, cfg));
      expect([r.reason, action]).toEqual(['ILLEGAL_STATE', action]);
    }
  });

  it('the legal table reaches completed along the happy path, with the requester contact and slug dropped at the end', () => {
    const clock = new ManualClock(T);
    let r = filed({ wantsFinalExport: true });
    r = ok(transition(r, { type: 'recordFinalExport', jobId: 'j-1', location: 'exports/t-000001/p.tar.gz' }, filer, clock.now(), cfg));
    r = ok(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, admin, clock.now(), cfg));
    r = ok(transition(r, { type: 'schedule' }, filer, clock.now(), cfg));
    expect(r.scheduledFor).toBe(iso(7 * D));
    clock.advance(7 * D);
    r = ok(transition(r, { type: 'execute', confirmSlug: 'tenant-000001' }, system, clock.now(), cfg));
    expect(r.executedBy).toBe(system.label);
    r = ok(transition(r, { type: 'complete', certificateId: 'dc-9' }, system, clock.now(), cfg));
    expect(r).toMatchObject({ status: 'completed', certificateId: 'dc-9', requesterContact: null, tenantSlug: null, completedAt: iso(7 * D) });
  });
});

describe('roles', () => {
  const table: [DeletionActor, DeletionActionType[]][] = [
    [support, []],
    [filer, ['amend', 'recordFinalExport', 'schedule', 'cancel', 'hold', 'execute', 'complete', 'file']],
    [admin, ['recordFinalExport', 'approve', 'schedule', 'cancel', 'hold', 'release', 'execute', 'complete']],
    [system, ['execute', 'complete']],
  ];
  it.each(table)('%j may do exactly %j', (actor, allowed) => {
    for (const action of DELETION_ACTIONS) {
      const status: DeletionStatus = action === 'schedule' ? 'approved' : action === 'execute' || action === 'complete' ? (action === 'execute' ? 'scheduled' : 'executing') : 'filed';
      const r = prepare(action, inStatus(status));
      const t = transition(action === 'file' ? null : r, goodAction(action, r), actor, T, cfg);
      if (!t.ok && t.refusal.reason === 'ROLE') {
        expect(allowed, `${actor.label} ${action}`).not.toContain(action);
        expect(t.refusal.code).toBe('FORBIDDEN');
      } else {
        expect(allowed, `${actor.label} ${action}`).toContain(action);
      }
    }
  });
});

describe('four eyes (abuse case 5)', () => {
  it('the filer cannot approve, even holding the admin role', () => {
    const both: DeletionActor = { staffId: 's-both', label: 'both@vendor.example', roles: ['account_manager', 'admin'] };
    const r = filed({ filedBy: { staffId: both.staffId, label: both.label } });
    const ref = refusal(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, both, T, cfg));
    expect(ref).toMatchObject({ code: 'FORBIDDEN', reason: 'SELF_APPROVAL' });
    // Same label, different person: identity is the staff ID, not a display string.
    expect(ok(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, { ...admin, label: both.label }, T, cfg)).status).toBe('approved');
  });

  it('an approval needs a staff identity (the CLI system actor cannot approve even with roles)', () => {
    const r = filed();
    const ref = refusal(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, { staffId: null, label: 'system:x@y', roles: ['admin'] }, T, cfg));
    expect(ref).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_STAFF_IDENTITY' });
  });

  it('an approval replayed on another tenant (or another request) is refused', () => {
    const a = filed();
    const b = filed({ id: 'dr-2', tenantId: 't-000002', tenantSlug: 'tenant-000002' });
    const sameTenantOtherRequest = filed({ id: 'dr-3' });
    expect(refusal(transition(b, { type: 'approve', parametersHash: parametersHash(a) }, admin, T, cfg)).reason).toBe('APPROVAL_MISMATCH');
    expect(refusal(transition(sameTenantOtherRequest, { type: 'approve', parametersHash: parametersHash(a) }, admin, T, cfg)).reason).toBe('APPROVAL_MISMATCH');

    // The approval record of A copied onto B behind the console's back.
    const approvedA = ok(transition(a, { type: 'approve', parametersHash: parametersHash(a) }, admin, T, cfg));
    const forgedB: DeletionRequestState = { ...b, status: 'approved', approval: approvedA.approval };
    expect(approvalState(forgedB, T, cfg).state).toBe('mismatch');
    expect(refusal(transition(forgedB, { type: 'schedule' }, filer, T, cfg)).reason).toBe('APPROVAL_MISMATCH');
    const forgedScheduled: DeletionRequestState = { ...forgedB, status: 'scheduled', scheduledAt: iso(-8 * D), scheduledFor: iso(-1 * D) };
    expect(refusal(transition(forgedScheduled, { type: 'execute', confirmSlug: 'tenant-000002' }, filer, T, cfg)).reason).toBe('APPROVAL_MISMATCH');
  });

  it.each([
    ['tenantId', { tenantId: 't-000002' }],
    ['receivedOn', { receivedOn: '2026-06-01' }],
    ['requestReference', { requestReference: 'OTHER' }],
    ['requesterContact', { requesterContact: 'someone else' }],
    ['reason', { reason: 'different' }],
    ['wantsFinalExport', { wantsFinalExport: true, finalExport: { jobId: 'j', location: 'l', recordedAt: iso(0), recordedBy: 'x' } }],
  ] as const)('changing %s behind the approval invalidates it (schedule and execute refused)', (_name, change) => {
    const approved = inStatus('approved');
    const tampered = { ...approved, ...change } as DeletionRequestState;
    expect(approvalState(tampered, T, cfg).state).toBe('mismatch');
    expect(refusal(transition(tampered, { type: 'schedule' }, filer, T, cfg)).reason).toBe('APPROVAL_MISMATCH');
    const scheduled = { ...inStatus('scheduled'), ...change } as DeletionRequestState;
    expect(refusal(transition(scheduled, { type: 'execute', confirmSlug: 'tenant-000001' }, filer, T, cfg)).reason).toBe('APPROVAL_MISMATCH');
  });

  it('amending an approved request withdraws the approval; it must be approved again', () => {
    const approved = inStatus('approved');
    const t = transition(approved, { type: 'amend', changes: { receivedOn: '2026-06-20' } }, filer, T, cfg);
    const amended = ok(t);
    expect(amended).toMatchObject({ status: 'filed', approval: null, receivedOn: '2026-06-20' });
    expect(t.ok && t.note).toContain('approval');
    expect(refusal(transition(amended, { type: 'schedule' }, filer, T, cfg)).reason).toBe('ILLEGAL_STATE');
    // The old hash the approver saw no longer works either.
    expect(refusal(transition(amended, { type: 'approve', parametersHash: approved.approval!.hash }, admin, T, cfg)).reason).toBe('APPROVAL_MISMATCH');
    expect(ok(transition(amended, { type: 'approve', parametersHash: parametersHash(amended) }, admin, T, cfg)).status).toBe('approved');
  });

  it('amend refuses a tenant change and a no-op', () => {
    const r = filed();
    expect(refusal(transition(r, { type: 'amend', changes: { tenantId: 't-9' } as never }, filer, T, cfg)).reason).toBe('INVALID_PARAMETERS');
    expect(refusal(transition(r, { type: 'amend', changes: { reason: '  Contract ended ' } }, filer, T, cfg)).reason).toBe('NOTHING_CHANGED');
  });
});

describe('approval expiry', () => {
  const approvedAtT = () => {
    const r = filed();
    return ok(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, admin, T, cfg));
  };

  it.each([
    [0, 'valid', true],
    [24 * H - 1, 'valid', true],
    [24 * H, 'expired', false], // exactly at the limit: expired
    [30 * H, 'expired', false],
  ])('%d ms after approval: %s, schedule allowed %s', (elapsed, state, allowed) => {
    const r = approvedAtT();
    expect(approvalState(r, at(elapsed), cfg).state).toBe(state);
    const t = transition(r, { type: 'schedule' }, filer, at(elapsed), cfg);
    if (allowed) expect(ok(t).status).toBe('scheduled');
    else expect(refusal(t)).toMatchObject({ reason: 'APPROVAL_EXPIRED', code: 'DELETION_TRANSITION_REFUSED' });
  });

  it('follows a configured lifetime', () => {
    const short: DeletionConfig = { ...cfg, approvalTtlHours: 2 };
    expect(refusal(transition(approvedAtT(), { type: 'schedule' }, filer, at(2 * H), short)).reason).toBe('APPROVAL_EXPIRED');
  });

  it('an expired approval can be renewed by an admin who is not the filer; a valid one cannot', () => {
    const r = approvedAtT();
    expect(refusal(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, admin2, at(H), cfg)).reason).toBe('APPROVAL_STILL_VALID');
    const renewed = ok(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, admin2, at(25 * H), cfg));
    expect(renewed.approval).toMatchObject({ staffId: admin2.staffId, at: iso(25 * H) });
    expect(ok(transition(renewed, { type: 'schedule' }, filer, at(26 * H), cfg)).status).toBe('scheduled');
  });

  it('once scheduled, the approval is consumed: its age no longer blocks execution', () => {
    const scheduled = ok(transition(approvedAtT(), { type: 'schedule' }, filer, at(H), cfg));
    expect(approvalState(scheduled, at(8 * D), cfg).state).toBe('consumed');
    expect(ok(transition(scheduled, { type: 'execute', confirmSlug: 'tenant-000001' }, filer, at(8 * D), cfg)).status).toBe('executing');
  });
});

describe('grace period (injected clock)', () => {
  const scheduleAt = (clock: ManualClock, config: DeletionConfig) => {
    const r = filed();
    const approved = ok(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, admin, clock.now(), config));
    return ok(transition(approved, { type: 'schedule' }, filer, clock.now(), config));
  };

  it.each([
    [7, 7 * D - 1, false],
    [7, 7 * D, true], // exactly at the end of the grace period
    [7, 7 * D + 1, true],
    [10, 7 * D, false],
    [10, 10 * D, true],
    [1.5, 36 * H, true],
  ])('grace %d days, %d ms later: executable %s', (graceDays, elapsed, allowed) => {
    const config = { ...cfg, graceDays };
    const clock = new ManualClock(T);
    const r = scheduleAt(clock, config);
    expect(r.scheduledFor).toBe(iso(graceDays * D));
    clock.advance(elapsed);
    const c = countdown(r, clock.now())!;
    expect(c.executable).toBe(allowed);
    expect(c.remainingMs).toBe(Math.max(0, graceDays * D - elapsed));
    const t = transition(r, { type: 'execute', confirmSlug: 'tenant-000001' }, filer, clock.now(), config);
    if (allowed) expect(ok(t).status).toBe('executing');
    else {
      const ref = refusal(t);
      expect(ref.reason).toBe('GRACE_PERIOD');
      expect(ref.message).toContain(r.scheduledFor!);
    }
  });

  it('during the grace period the request can still be cancelled, with a reason', () => {
    const clock = new ManualClock(T);
    const r = scheduleAt(clock, cfg);
    clock.advance(3 * D);
    expect(refusal(transition(r, { type: 'cancel', reason: ' ' }, am2, clock.now(), cfg)).reason).toBe('REASON_REQUIRED');
    const c = ok(transition(r, { type: 'cancel', reason: 'customer stays' }, am2, clock.now(), cfg));
    expect(c).toMatchObject({ status: 'cancelled', cancellation: { by: am2.label, reason: 'customer stays', at: iso(3 * D) } });
  });

  it('executing cannot be cancelled; the refusal says what to do', () => {
    const ref = refusal(transition(inStatus('executing'), { type: 'cancel', reason: 'too late' }, boss, T, cfg));
    expect(ref.reason).toBe('ILLEGAL_STATE');
    expect(ref.hint).toMatch(/run it again/);
  });

  it('execution needs the tenant slug typed exactly', () => {
    const r = inStatus('scheduled');
    for (const typed of ['', 'TENANT-000001', 'tenant-000002', 't-000001']) {
      expect(refusal(transition(r, { type: 'execute', confirmSlug: typed }, boss, T, cfg)).reason).toBe('CONFIRMATION_MISMATCH');
    }
    expect(ok(transition(r, { type: 'execute', confirmSlug: ' tenant-000001 ' }, boss, T, cfg)).status).toBe('executing');
  });

  it('a resume keeps the first start time and records who resumed', () => {
    const r = inStatus('executing');
    const t = transition(r, { type: 'execute', confirmSlug: 'tenant-000001' }, system, T, cfg);
    expect(ok(t)).toMatchObject({ status: 'executing', executingStartedAt: r.executingStartedAt, executedBy: system.label });
    expect(t.ok && t.note).toBe('Resumed.');
  });
});

describe('legal hold', () => {
  const HOLD = 'litigation hold, case 2026-17';
  it.each([
    ['approve', 'filed'],
    ['schedule', 'approved'],
    ['execute', 'scheduled'],
    ['execute', 'executing'],
    ['complete', 'executing'],
  ] as const)('blocks %s from %s, showing the reason', (action, status) => {
    const r = inStatus(status, { legalHold: HOLD });
    const ref = refusal(transition(r, goodAction(action, r), action === 'approve' ? admin : boss, T, cfg));
    expect(ref).toMatchObject({ code: 'LEGAL_HOLD', reason: 'LEGAL_HOLD' });
    expect(ref.message).toContain(HOLD);
    expect(viewStatus(r)).toBe('on_hold');
  });

  it.each([
    ['cancel', 'scheduled'],
    ['amend', 'filed'],
    ['recordFinalExport', 'filed'],
  ] as const)('does not block %s from %s', (action, status) => {
    const r = prepare(action, inStatus(status, { legalHold: HOLD }));
    const next = ok(transition(r, goodAction(action, r), boss, T, cfg));
    expect(next.legalHold).toBe(HOLD);
  });

  it('hold and release keep the underlying status; only an admin releases', () => {
    const r = inStatus('scheduled');
    const onHold = ok(transition(r, { type: 'hold', reason: HOLD }, filer, T, cfg));
    expect(onHold).toMatchObject({ status: 'scheduled', legalHold: HOLD });
    expect(viewStatus(onHold)).toBe('on_hold');
    expect(refusal(transition(onHold, { type: 'hold', reason: 'again' }, filer, T, cfg)).reason).toBe('ALREADY_ON_HOLD');
    expect(refusal(transition(onHold, { type: 'release' }, filer, T, cfg))).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE' });
    const released = ok(transition(onHold, { type: 'release' }, admin, T, cfg));
    expect(released).toMatchObject({ status: 'scheduled', legalHold: null });
    expect(viewStatus(released)).toBe('scheduled');
    expect(refusal(transition(released, { type: 'release' }, admin, T, cfg)).reason).toBe('NOT_ON_HOLD');
    expect(refusal(transition(r, { type: 'hold', reason: '' }, filer, T, cfg)).reason).toBe('REASON_REQUIRED');
  });

  it('a closed request shows its own status even if the tenant is on hold', () => {
    expect(viewStatus(inStatus('completed', { legalHold: HOLD }))).toBe('completed');
    expect(viewStatus(inStatus('cancelled', { legalHold: HOLD }))).toBe('cancelled');
  });
});

describe('final export first', () => {
  it('blocks scheduling until recorded; recorded once, only when wanted, only before scheduling', () => {
    let r = filed({ wantsFinalExport: true });
    r = ok(transition(r, { type: 'approve', parametersHash: parametersHash(r) }, admin, T, cfg));
    expect(refusal(transition(r, { type: 'schedule' }, filer, T, cfg)).reason).toBe('FINAL_EXPORT_PENDING');
    expect(refusal(transition(r, { type: 'recordFinalExport', jobId: ' ', location: 'x' }, filer, T, cfg)).reason).toBe('INVALID_PARAMETERS');
    r = ok(transition(r, { type: 'recordFinalExport', jobId: 'j-1', location: 'exports/t-000001/final.tar.gz' }, filer, T, cfg));
    expect(r.finalExport).toMatchObject({ jobId: 'j-1', recordedBy: filer.label, recordedAt: T.toISOString() });
    // Recording fulfils a parameter; it does not change what was approved.
    expect(approvalState(r, T, cfg).state).toBe('valid');
    expect(refusal(transition(r, { type: 'recordFinalExport', jobId: 'j-2', location: 'y' }, filer, T, cfg)).reason).toBe('FINAL_EXPORT_ALREADY_RECORDED');
    r = ok(transition(r, { type: 'schedule' }, filer, T, cfg));
    expect(r.status).toBe('scheduled');
    expect(refusal(transition(filed(), { type: 'recordFinalExport', jobId: 'j', location: 'l' }, filer, T, cfg)).reason).toBe('FINAL_EXPORT_NOT_WANTED');
  });
});

describe('filing checks its parameters', () => {
  const base = { tenantId: 't-000001', requestReference: 'R-1', receivedOn: '2026-06-25', requesterContact: 'c@x', reason: 'leaving', wantsFinalExport: false };
  it.each([
    [{ receivedOn: '2026-02-30' }],
    [{ receivedOn: '30/06/2026' }],
    [{ receivedOn: '2026-07-02' }], // in the future (beyond one day of time-zone tolerance)
    [{ requestReference: '   ' }],
    [{ requesterContact: '' }],
    [{ reason: '' }],
    [{ tenantId: '../t-1' }],
  ])('%j is refused', (bad) => {
    const t = transition(null, { type: 'file', requestId: 'dr-9', tenantSlug: 's', legalHold: null, params: { ...base, ...bad } }, filer, T, cfg);
    expect(refusal(t)).toMatchObject({ code: 'DELETION_TRANSITION_REFUSED', reason: 'INVALID_PARAMETERS' });
  });

  it('tomorrow (a customer east of UTC) is accepted; the filer and hold are recorded', () => {
    const next = ok(transition(null, { type: 'file', requestId: 'dr-9', tenantSlug: 's', legalHold: 'hold!', params: { ...base, receivedOn: '2026-07-01' } }, filer, T, cfg));
    expect(next).toMatchObject({ status: 'filed', filedBy: { staffId: filer.staffId, label: filer.label }, legalHold: 'hold!' });
  });
});

describe('due date (30 days after receipt)', () => {
  it.each([
    // receivedOn, status setup, now offset, late, overdue, daysAfterReceipt
    ['2026-06-25', 'filed', 0, false, false, 12], // now + 7 d grace = 07-07
    ['2026-06-07', 'filed', 0, false, false, 30], // exactly 30 days: no warning
    ['2026-06-06', 'filed', 0, true, false, 31],
    ['2026-05-01', 'filed', 0, true, true, 67], // due 05-31, still open on 06-30
    ['2026-05-31', 'filed', 0, true, false, 37], // due 06-30: not overdue until that day ends
    ['2026-05-31', 'filed', 21 * H - 1, true, false, 37], // 06-30 23:59:59.999 (T is 03:00)
    ['2026-05-31', 'filed', 21 * H, true, true, 38], // 07-01 00:00: the due day has ended
  ] as const)('received %s, %s, +%d ms → late %s, overdue %s', (receivedOn, status, offset, late, overdue, days) => {
    const r = inStatus(status, { receivedOn });
    const d = dueDate(r, at(offset), cfg);
    expect(d).toMatchObject({ late, overdue, daysAfterReceipt: days });
  });

  it('uses the scheduled time when scheduled, the completion when completed, ignores cancelled', () => {
    const scheduled = inStatus('scheduled', { receivedOn: '2026-05-27', scheduledFor: '2026-06-27T04:00:00.000Z' });
    expect(dueDate(scheduled, T, cfg)).toMatchObject({ dueOn: '2026-06-26', daysAfterReceipt: 34, late: true, overdue: true });
    const completed = inStatus('completed', { receivedOn: '2026-06-01', completedAt: '2026-06-30T02:00:00.000Z' });
    expect(dueDate(completed, T, cfg)).toMatchObject({ late: false, overdue: false, daysAfterReceipt: 29 });
    expect(dueDate(inStatus('cancelled', { receivedOn: '2026-01-01' }), T, cfg)).toMatchObject({ late: false, overdue: false });
  });

  it('counts calendar days across a leap day', () => {
    const r = inStatus('completed', { receivedOn: '2028-02-01', completedAt: '2028-03-02T10:00:00.000Z' });
    expect(dueDate(r, new Date('2028-03-03T00:00:00Z'), cfg)).toMatchObject({ dueOn: '2028-03-02', daysAfterReceipt: 30, late: false });
  });
});

describe('available actions (what the request page offers)', () => {
  it.each([
    ['filed', admin, ['recordFinalExport', 'approve', 'cancel', 'hold', 'release']],
    ['filed', filer, ['amend', 'cancel', 'hold']],
    ['scheduled', boss, ['cancel', 'hold', 'execute']],
    ['scheduled', system, ['execute']],
    ['completed', boss, []],
  ] as const)('%s for %s', (status, actor, expected) => {
    let r = inStatus(status);
    if (status === 'filed' && actor === admin) r = { ...r, wantsFinalExport: true, legalHold: null };
    const got = availableActions(r, actor, T, cfg);
    // `release` needs a hold: only offered when there is one.
    const want = (expected as readonly string[]).filter((a) => a !== 'release' || r.legalHold !== null);
    expect(got).toEqual(want);
  });
});
