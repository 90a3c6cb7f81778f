import { describe, expect, it } from 'vitest';
import { canListSandboxes, canPlan, canRequestLive, canUseSandbox, offeredActions, type Viewer } from './restore-actions';
import type { RestoreRequestView } from './restore-types';

// Mirrors the contract's access lists for restore.*.
describe('what the panel offers, by role', () => {
  it.each([
    [['support'], true, true, false, false],
    [['technical'], true, true, true, true],
    [['admin'], true, false, false, true],
    [['account_manager'], false, false, false, false],
    [[], false, false, false, false],
  ])('%j: plan %s, request live %s, sandbox %s, list sandboxes %s', (roles, plan, live, sandbox, list) => {
    expect(canPlan(roles)).toBe(plan);
    expect(canRequestLive(roles)).toBe(live);
    expect(canUseSandbox(roles)).toBe(sandbox);
    expect(canListSandboxes(roles)).toBe(list);
  });
});

const TESS: Viewer = { roles: ['technical'], email: 'tess@vendor.example' };
const TOM: Viewer = { roles: ['technical'], email: 'tom@vendor.example' };
const ROOT: Viewer = { roles: ['admin'], email: 'root@vendor.example' };
const SUE: Viewer = { roles: ['support'], email: 'sue@vendor.example' };

function req(status: RestoreRequestView['status'], extra: Partial<RestoreRequestView> = {}): RestoreRequestView {
  return { id: 'r-1', status, kind: 'records', requestedBy: 'tess@vendor.example', approvedBy: null, canRollBack: false, ...extra } as RestoreRequestView;
}

const offers = (v: Viewer, r: RestoreRequestView, running = false) => offeredActions(v, r, running).map((o) => `${o.action}${o.enabled ? '' : '(off)'}`);

describe('actions on a request', () => {
  it('requested: a second technical person or an admin approves; the requester cannot, but can cancel', () => {
    expect(offers(TESS, req('requested'))).toEqual(['approve(off)', 'cancel']);
    expect(offeredActions(TESS, req('requested'))[0]!.note).toMatch(/another/);
    expect(offers(TOM, req('requested'))).toEqual(['approve']);
    expect(offers(ROOT, req('requested'))).toEqual(['approve', 'cancel']);
    expect(offers(SUE, req('requested'))).toEqual([]);
    expect(offers(SUE, req('requested', { requestedBy: 'sue@vendor.example' }))).toEqual(['cancel']);
  });

  it('approved: technical staff run it; the admin who approved cannot run but can cancel', () => {
    const r = req('approved', { approvedBy: 'root@vendor.example' });
    expect(offers(TESS, r)).toEqual(['run', 'cancel']);
    expect(offers(TOM, r)).toEqual(['run']);
    expect(offers(ROOT, r)).toEqual(['cancel']);
  });

  it('failed: resume; running: nothing to click', () => {
    expect(offeredActions(TESS, req('failed'))[0]!.label).toBe('Resume…');
    expect(offers(TESS, req('running'), true)).toEqual([]);
  });

  it('completed: roll back while it can, for technical staff only', () => {
    expect(offers(TESS, req('completed', { canRollBack: true }))).toEqual(['rollback']);
    expect(offers(TESS, req('completed', { canRollBack: false }))).toEqual([]);
    expect(offers(ROOT, req('completed', { canRollBack: true }))).toEqual([]);
  });

  it('cancelled and rolled back requests offer nothing', () => {
    expect(offers(ROOT, req('cancelled'))).toEqual([]);
    expect(offers(TESS, req('rolled_back'))).toEqual([]);
  });
});
