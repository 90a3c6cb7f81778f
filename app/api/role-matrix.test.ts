import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, OP_NAMES, type OpName } from './contract';
import { ROLES, type Role } from './roles';
import { consoleFixture, type ConsoleFixture } from '../testing/console-fixture';
import type { CallContext } from './dispatcher';

/**
 * The role matrix of issue 3, written out once more by hand: if someone widens an
 * operation's access in the contract, this table disagrees and the test fails.
 * 'public' = no session needed; 'signed-in' = any staff member.
 */
const MATRIX: Record<OpName, 'public' | 'signed-in' | Role[]> = {
  'setup.status': 'public',
  'setup.createFirstAdmin': 'public',
  'session.signIn': 'public',
  'session.current': 'public',
  'session.signOut': 'signed-in',
  'session.changePassword': 'signed-in',
  'session.signOutEverywhere': 'signed-in',
  'tenants.list': ['support', 'technical', 'account_manager', 'admin'],
  'tenants.get': ['support', 'technical', 'account_manager', 'admin'],
  'tenants.stats': ['support', 'technical', 'account_manager', 'admin'],
  'tenants.records': ['technical'],
  'grants.open': ['technical'],
  'grants.list': ['support', 'technical', 'account_manager', 'admin'],
  'grants.revoke': ['technical', 'admin'],
  'staff.list': ['admin'],
  'staff.create': ['admin'],
  'staff.setStatus': ['admin'],
  'staff.setRoles': ['admin'],
  'staff.resetPassword': ['admin'],
  'staff.unlock': ['admin'],
  'audit.list': ['admin'],
  'audit.exportCsv': ['admin'],
  'audit.verify': ['admin'],
  'jobs.list': ['support', 'technical', 'account_manager', 'admin'],
  'jobs.get': ['support', 'technical', 'account_manager', 'admin'],
  'jobs.cancel': ['support', 'technical', 'account_manager', 'admin'],
  'backups.tenant': ['support', 'technical', 'account_manager', 'admin'],
  'backups.fleetHealth': ['support', 'technical', 'account_manager', 'admin'],
  'backups.snapshotNow': ['support', 'technical', 'admin'],
  'backups.verify': ['technical', 'admin'],
  'backups.prunePreview': ['technical', 'admin'],
  'backups.pruneApply': ['technical', 'admin'],
  'exports.preview': ['support', 'technical', 'account_manager'],
  'exports.start': ['support', 'technical', 'account_manager'],
  'exports.ledger': ['support', 'technical', 'account_manager', 'admin'],
  'deletion.list': ['account_manager', 'admin'],
  'deletion.get': ['account_manager', 'admin'],
  'deletion.file': ['account_manager'],
  'deletion.amend': ['account_manager'],
  'deletion.recordFinalExport': ['account_manager', 'admin'],
  'deletion.approve': ['admin'],
  'deletion.schedule': ['account_manager', 'admin'],
  'deletion.cancel': ['account_manager', 'admin'],
  'deletion.hold': ['account_manager', 'admin'],
  'deletion.release': ['admin'],
  'deletion.execute': ['account_manager', 'admin'],
  'deletion.certificate': ['account_manager', 'admin'],
  'deletion.tombstone': ['support', 'technical', 'account_manager', 'admin'],
  'restore.plan': ['support', 'technical', 'admin'],
  'restore.sandboxes': ['technical', 'admin'],
  'restore.openSandbox': ['technical'],
  'restore.closeSandbox': ['technical', 'admin'],
  'restore.compare': ['technical'],
  'restore.sandboxRecords': ['technical'],
  'restore.previewSelection': ['technical'],
  'restore.request': ['support', 'technical'],
  'restore.approve': ['technical', 'admin'],
  'restore.cancel': ['support', 'technical', 'admin'],
  'restore.run': ['technical'],
  'restore.rollback': ['technical'],
  'restore.list': ['support', 'technical', 'admin'],
  'restore.get': ['support', 'technical', 'admin'],
};

/** A valid input for each operation, so refusals can only come from the role check. */
const SAMPLE: Record<OpName, unknown> = {
  'setup.status': {},
  'setup.createFirstAdmin': { email: 'x@vendor.example', displayName: 'X', password: 'Kestrel#Harbour42' },
  'session.signIn': { email: 'nobody@vendor.example', password: 'x' },
  'session.current': {},
  'session.signOut': {},
  'session.changePassword': { currentPassword: 'wrong', newPassword: 'Another#Meadow88' },
  'session.signOutEverywhere': {},
  'tenants.list': {},
  'tenants.get': { tenantId: 't-000001' },
  'tenants.stats': { tenantId: 't-000001' },
  'tenants.records': { tenantId: 't-000001', entity: 'persons' },
  'grants.open': { tenantId: 't-000001', reason: 'Customer asked about a lost deal', ticket: 'SUP-1' },
  'grants.list': { tenantId: 't-000001' },
  'grants.revoke': { tenantId: 't-000001', grantId: 'g-none' },
  'staff.list': {},
  'staff.create': { email: 'new@vendor.example', displayName: 'New', roles: ['support'], temporaryPassword: 'Kestrel#Harbour42' },
  'staff.setStatus': { staffId: 's-none', status: 'active' },
  'staff.setRoles': { staffId: 's-none', roles: ['support'] },
  'staff.resetPassword': { staffId: 's-none', temporaryPassword: 'Kestrel#Harbour42' },
  'staff.unlock': { staffId: 's-none' },
  'audit.list': {},
  'audit.exportCsv': {},
  'audit.verify': {},
  'jobs.list': {},
  'jobs.get': { jobId: 'j-00000000-0000-0000-0000-000000000000' },
  'jobs.cancel': { jobId: 'j-00000000-0000-0000-0000-000000000000' },
  'backups.tenant': { tenantId: 't-000001' },
  'backups.fleetHealth': {},
  'backups.snapshotNow': { tenantId: 't-000001' },
  'backups.verify': { tenantId: 't-000001', snapshotId: '20260101T000000Z-abcdef' },
  'backups.prunePreview': { tenantId: 't-000001' },
  'backups.pruneApply': { tenantId: 't-000001', token: '0'.repeat(64) },
  // Deletion samples address a tenant/request that does not exist, so no sample changes the fixture.
  'exports.preview': { tenantId: 't-000002', profile: 'basic' },
  // A destination that does not exist: refused before any job starts.
  'exports.start': { tenantId: 't-000002', profile: 'basic', formats: ['csv'], destination: { kind: 'folder', path: '/nonexistent/custos' } },
  'exports.ledger': { tenantId: 't-000001' },
  'deletion.list': {},
  'deletion.get': { requestId: 'dr-none' },
  'deletion.file': { tenantId: 't-000404', requestReference: 'REQ-1', receivedOn: '2026-06-01', requesterContact: 'dpo@customer.example', reason: 'Contract ended', wantsFinalExport: false },
  'deletion.amend': { requestId: 'dr-none', changes: { reason: 'Contract ended early' } },
  'deletion.recordFinalExport': { requestId: 'dr-none', jobId: 'j-1', location: '/exports/x' },
  'deletion.approve': { requestId: 'dr-none', parametersHash: '0'.repeat(64) },
  'deletion.schedule': { requestId: 'dr-none' },
  'deletion.cancel': { requestId: 'dr-none', reason: 'Customer stays' },
  'deletion.hold': { tenantId: 't-000404', reason: 'Litigation hold' },
  'deletion.release': { tenantId: 't-000404' },
  'deletion.execute': { requestId: 'dr-none', confirmSlug: 'tenant-000404' },
  'deletion.certificate': { id: 'none' },
  'deletion.tombstone': { tenantId: 't-000404' },
  'restore.plan': { tenantId: 't-000001', day: '2026-01-01' },
  'restore.sandboxes': { tenantId: 't-000001' },
  'restore.openSandbox': { tenantId: 't-000001', snapshotId: '20260101T020000Z-abcdef' },
  'restore.closeSandbox': { tenantId: 't-000001', sandboxId: 'sb-none' },
  'restore.compare': { tenantId: 't-000001', sandboxId: 'sb-none' },
  'restore.sandboxRecords': { tenantId: 't-000001', sandboxId: 'sb-none', entity: 'opportunities' },
  'restore.previewSelection': { tenantId: 't-000001', sandboxId: 'sb-none', selection: [{ entity: 'opportunities', id: 1 }] },
  'restore.request': { kind: 'live', tenantId: 't-000001', snapshotId: '20260101T020000Z-abcdef', ticket: 'SUP-1', reason: 'Deals deleted by mistake' },
  'restore.approve': { requestId: 'r-none' },
  'restore.cancel': { requestId: 'r-none', reason: 'Not needed' },
  'restore.run': { tenantId: 't-000001', requestId: 'r-none' },
  'restore.rollback': { tenantId: 't-000001', requestId: 'r-none', reason: 'Customer wants the old state' },
  'restore.list': {},
  'restore.get': { requestId: 'r-none' },
};

const SESSION_ENDING: OpName[] = ['session.signOut', 'session.signOutEverywhere'];

describe('role matrix: every operation against every role, through the dispatcher', () => {
  let fx: ConsoleFixture;
  beforeAll(async () => {
    fx = await consoleFixture(['t-000001', 't-000002']);
    // Account managers export only offboarding tenants; t-000002 is one.
    await fx.core.services.catalogue.update('t-000002', { status: 'offboarding' }, fx.clock.now());
  });
  afterAll(async () => fx?.close());

  it('the table covers exactly the contract', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...OP_NAMES].sort());
    expect(Object.keys(SAMPLE).sort()).toEqual([...OP_NAMES].sort());
  });

  it.each(OP_NAMES)('%s has the access the matrix says', (op) => {
    const expected = MATRIX[op];
    const actual = contract[op].access;
    expect(actual === 'public' || actual === 'signed-in' ? actual : [...actual].sort()).toEqual(typeof expected === 'string' ? expected : [...expected].sort());
  });

  const subjects: (Role | 'nobody')[] = ['nobody', ...ROLES];
  const cases = OP_NAMES.flatMap((op) => subjects.map((who) => [op, who] as const));

  it.each(cases)('%s as %s', async (op, who) => {
    const ctx: CallContext = who === 'nobody' ? { transport: 'http', sessionToken: null } : await fx.as([who]);
    const r = await fx.core.dispatch(ctx, op, SAMPLE[op]);
    const expected = MATRIX[op];
    const allowed = expected === 'public' || (expected === 'signed-in' ? who !== 'nobody' : who !== 'nobody' && expected.includes(who));
    const code = r.envelope.ok ? 'ok' : r.envelope.error.code;
    if (allowed) {
      expect(['FORBIDDEN', 'NOT_SIGNED_IN'], `${op} as ${who} was refused: ${code}`).not.toContain(code);
    } else {
      expect(code).toBe(who === 'nobody' ? 'NOT_SIGNED_IN' : 'FORBIDDEN');
      if (!r.envelope.ok) expect(r.envelope.error.hint).toBeTruthy();
    }
    void SESSION_ENDING;
  });

  it('an account manager may export only an offboarding tenant, and is told why', async () => {
    const am = await fx.as(['account_manager']);
    const r = await fx.core.dispatch(am, 'exports.preview', { tenantId: 't-000001', profile: 'advanced' });
    expect(r.envelope.ok ? 'ok' : r.envelope.error.code).toBe('FORBIDDEN');
    if (!r.envelope.ok) expect(r.envelope.error.message).toMatch(/offboarding/);
  });

  it('an unknown operation or a prototype key is refused before anything runs', async () => {
    for (const op of ['nope', '__proto__', 'constructor', 'toString', 42, null]) {
      const r = await fx.core.dispatch(fx.adminCtx, op, {});
      expect(r.envelope.ok ? 'ok' : r.envelope.error.code).toBe('UNKNOWN_OPERATION');
    }
  });

  it('bad input is refused with the field named, and audited as refused', async () => {
    const r = await fx.core.dispatch(fx.adminCtx, 'tenants.get', { tenantId: '../../etc/passwd' });
    expect(r.envelope.ok).toBe(false);
    if (!r.envelope.ok) {
      expect(r.envelope.error.code).toBe('INVALID_INPUT');
      expect(r.envelope.error.message).toContain('tenantId');
    }
    const last = await fx.core.services.audit.query({ limit: 1 });
    expect(last[0]).toMatchObject({ action: 'tenants.get', outcome: { status: 'refused', code: 'INVALID_INPUT' } });
  });

  it('content needs a live grant for that very tenant; grants expire', async () => {
    const tech = await fx.as(['technical']);
    const without = await fx.core.dispatch(tech, 'tenants.records', { tenantId: 't-000001', entity: 'persons' });
    expect(without.envelope.ok ? 'ok' : without.envelope.error.code).toBe('GRANT_REQUIRED');
    const g = await fx.core.dispatch(tech, 'grants.open', { tenantId: 't-000001', reason: 'Ticket about deleted deals', ticket: 'SUP-42' });
    expect(g.envelope.ok).toBe(true);
    const withGrant = await fx.core.dispatch(tech, 'tenants.records', { tenantId: 't-000001', entity: 'persons' });
    expect(withGrant.envelope.ok).toBe(true);
    if (withGrant.envelope.ok) expect((withGrant.envelope.value as { rows: unknown[] }).rows).toHaveLength(1);
    const last = await fx.core.services.audit.query({ action: 'tenants.records', limit: 1 });
    expect(last[0]?.justification).toEqual({ reason: 'Ticket about deleted deals', ticket: 'SUP-42' });
    expect(last[0]?.grantId).toMatch(/^g-/);
    // Another technical staff member cannot ride on that grant.
    const other = await fx.as(['technical']);
    const r2 = await fx.core.dispatch(other, 'tenants.records', { tenantId: 't-000001', entity: 'persons' });
    expect(r2.envelope.ok ? 'ok' : r2.envelope.error.code).toBe('GRANT_REQUIRED');
    // 61 minutes later the same staff member's grant has expired (new session: the old one idled out).
    const staffId = (await fx.core.services.staff.resolveSession(tech.sessionToken!)).staff.id;
    fx.clock.advance(61 * 60_000);
    const again = await fx.core.services.staff.openSession(staffId, 'http');
    const r3 = await fx.core.dispatch({ transport: 'http', sessionToken: again.token }, 'tenants.records', { tenantId: 't-000001', entity: 'persons' });
    expect(r3.envelope.ok ? 'ok' : r3.envelope.error.code).toBe('GRANT_REQUIRED');
  });
});
