import { describe, expect, it } from 'vitest';
import { canFile, canUseDeletions, offeredActions, type ActionFacts } from './deletion-actions';

const AM = ['account_manager'];
const ADMIN = ['admin'];
const SUPPORT = ['support'];
const BOTH = ['account_manager', 'admin'];

const facts = (over: Partial<ActionFacts>): ActionFacts => ({
  status: 'filed',
  legalHold: null,
  approvalState: 'none',
  wantsFinalExport: false,
  finalExportRecorded: false,
  remainingMs: null,
  jobRunning: false,
  ...over,
});

/** "approve" for enabled, "(approve)" for offered but greyed. */
function offers(roles: string[], f: Partial<ActionFacts>): string[] {
  return offeredActions(roles, facts(f)).map((o) => (o.enabled ? o.action : `(${o.action})`));
}

describe('who sees the deletion screens', () => {
  it.each([
    [AM, true, true],
    [ADMIN, true, false],
    [BOTH, true, true],
    [SUPPORT, false, false],
    [['technical'], false, false],
    [[], false, false],
  ])('%j: queue %s, file %s', (roles, queue, file) => {
    expect(canUseDeletions(roles)).toBe(queue);
    expect(canFile(roles)).toBe(file);
  });
});

describe('which actions a role is offered in each status', () => {
  it.each([
    // filed
    [AM, { status: 'filed' }, ['cancel', 'hold']],
    [ADMIN, { status: 'filed' }, ['approve', 'cancel', 'hold']],
    // The filer may hold both roles: approve is still offered, and the server refuses it with its own message.
    [BOTH, { status: 'filed' }, ['approve', 'cancel', 'hold']],
    [SUPPORT, { status: 'filed' }, []],
    [AM, { status: 'filed', wantsFinalExport: true }, ['recordFinalExport', 'cancel', 'hold']],
    [AM, { status: 'filed', wantsFinalExport: true, finalExportRecorded: true }, ['cancel', 'hold']],
    // approved
    [AM, { status: 'approved', approvalState: 'valid' }, ['schedule', 'cancel', 'hold']],
    [AM, { status: 'approved', approvalState: 'valid', wantsFinalExport: true }, ['recordFinalExport', '(schedule)', 'cancel', 'hold']],
    [ADMIN, { status: 'approved', approvalState: 'expired' }, ['approve', 'cancel', 'hold']],
    [ADMIN, { status: 'approved', approvalState: 'mismatch' }, ['approve', 'cancel', 'hold']],
    [AM, { status: 'approved', approvalState: 'expired' }, ['cancel', 'hold']],
    // scheduled: executable only once the grace period has ended
    [AM, { status: 'scheduled', approvalState: 'consumed', remainingMs: 3_600_000 }, ['(execute)', 'cancel', 'hold']],
    [AM, { status: 'scheduled', approvalState: 'consumed', remainingMs: 0 }, ['execute', 'cancel', 'hold']],
    [ADMIN, { status: 'scheduled', approvalState: 'consumed', remainingMs: 0 }, ['execute', 'cancel', 'hold']],
    // executing: rerun after a crash, never cancel
    [AM, { status: 'executing', approvalState: 'consumed' }, ['execute', 'hold']],
    [AM, { status: 'executing', approvalState: 'consumed', jobRunning: true }, ['(execute)', 'hold']],
    // closed
    [BOTH, { status: 'completed', approvalState: 'consumed' }, []],
    [BOTH, { status: 'cancelled' }, []],
  ] as const)('%j %j → %j', (roles, f, expected) => expect(offers([...roles], f as Partial<ActionFacts>)).toEqual(expected));
});

describe('a legal hold', () => {
  const hold = 'Litigation hold, case 42';
  it('blocks approval and execution, and only an admin may lift it', () => {
    expect(offers(ADMIN, { status: 'filed', legalHold: hold })).toEqual(['(approve)', 'cancel', 'release']);
    expect(offers(AM, { status: 'filed', legalHold: hold })).toEqual(['cancel']);
    expect(offers(AM, { status: 'scheduled', approvalState: 'consumed', remainingMs: 0, legalHold: hold })).toEqual(['(execute)', 'cancel']);
    expect(offers(AM, { status: 'approved', approvalState: 'valid', legalHold: hold })).toEqual(['(schedule)', 'cancel']);
    expect(offers(AM, { status: 'executing', legalHold: hold })).toEqual(['(execute)']);
  });
  it('says why a greyed button is greyed', () => {
    const approve = offeredActions(ADMIN, facts({ status: 'filed', legalHold: hold })).find((o) => o.action === 'approve');
    expect(approve?.note).toMatch(/legal hold/);
    const execute = offeredActions(AM, facts({ status: 'scheduled', remainingMs: 26 * 3_600_000 })).find((o) => o.action === 'execute');
    expect(execute?.note).toBe('The grace period ends in 1 d 2 h.');
  });
});
