import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSqliteControlPlane } from '../control-plane/sqlite.control-plane';
import type { ControlPlane } from '../control-plane/control-plane.port';
import { ManualClock } from '../shared/clock.port';
import { CustosError } from '../shared/errors';
import { tempDir, TEST_KDF } from '../testing/temp-dir';
import { DEFAULT_IDENTITY, StaffService } from './staff.service';

const PW = 'Kestrel#Harbour42';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof CustosError ? e.code : String(e);
  }
}

describe('staff accounts, sign-in and sessions', () => {
  let tmp: ReturnType<typeof tempDir>;
  let cp: ControlPlane;
  let staff: StaffService;
  const clock = new ManualClock(new Date('2026-10-25T00:30:00Z'));

  beforeEach(async () => {
    tmp = tempDir();
    cp = await openSqliteControlPlane(join(tmp.dir, 'cp.sqlite'));
    staff = new StaffService(cp, clock, { ...DEFAULT_IDENTITY, kdf: TEST_KDF });
    await staff.createFirstAdmin({ email: 'Root@Vendor.example', displayName: 'Root', password: PW });
  });
  afterEach(async () => {
    await cp.close();
    tmp.remove();
  });

  it('first admin is created once; e-mail is normalised; hashes never leave the service', async () => {
    expect(await code(staff.createFirstAdmin({ email: 'x@vendor.example', displayName: 'X', password: PW }))).toBe('SETUP_ALREADY_DONE');
    const { session } = await staff.signIn('  root@VENDOR.example ', PW, 'http');
    expect(session.staff.roles).toEqual(['admin']);
    expect(JSON.stringify(session)).not.toMatch(/argon2/);
  });

  it('refuses a weak first password with the unmet rules', async () => {
    const e = await staff.create({ email: 'b@vendor.example', displayName: 'B', roles: ['support'], password: 'Password1!', mustChangePassword: false }).catch((x) => x);
    expect(e).toBeInstanceOf(CustosError);
    expect(e.code).toBe('PASSWORD_RULES');
    expect(e.details.unmet).toContain('common');
  });

  it('5 wrong passwords lock for 15 minutes; while locked even the right password is refused; then it works', async () => {
    for (let i = 0; i < 4; i++) expect(await code(staff.signIn('root@vendor.example', 'Wrong#Pass1', 'http'))).toBe('SIGN_IN_FAILED');
    const fifth = await staff.signIn('root@vendor.example', 'Wrong#Pass1', 'http').catch((e) => e);
    expect(fifth.code).toBe('ACCOUNT_LOCKED');
    expect(fifth.message).toContain('2026-10-25 00:45 UTC');
    expect(fifth.details.lockedUntil).toBe('2026-10-25T00:45:00.000Z');
    expect(await code(staff.signIn('root@vendor.example', PW, 'http'))).toBe('ACCOUNT_LOCKED');
    clock.advance(15 * 60_000);
    expect(await code(staff.signIn('root@vendor.example', PW, 'http'))).toBe('ok');
  });

  it('an admin can unlock early', async () => {
    for (let i = 0; i < 5; i++) await code(staff.signIn('root@vendor.example', 'nope', 'http'));
    const id = (await staff.list())[0]!.id;
    await staff.unlock(id);
    expect(await code(staff.signIn('root@vendor.example', PW, 'http'))).toBe('ok');
  });

  it('unknown e-mails get the same message, and lock the same way (no enumeration)', async () => {
    const known = await staff.signIn('root@vendor.example', 'Wrong#Pass1', 'http').catch((e) => e);
    const unknown = await staff.signIn('ghost@vendor.example', 'Wrong#Pass1', 'http').catch((e) => e);
    expect(unknown.code).toBe(known.code);
    expect(unknown.message).toBe(known.message);
    for (let i = 0; i < 3; i++) await code(staff.signIn('ghost@vendor.example', 'x', 'http'));
    const fifth = await staff.signIn('ghost@vendor.example', 'x', 'http').catch((e) => e);
    expect(fifth.code).toBe('ACCOUNT_LOCKED');
  });

  it('sessions end after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const { token } = await staff.signIn('root@vendor.example', PW, 'http');
    clock.advance(29 * 60_000);
    await staff.resolveSession(token);
    clock.advance(29 * 60_000);
    await staff.resolveSession(token); // activity slides the idle window
    clock.advance(31 * 60_000);
    expect(await code(staff.resolveSession(token))).toBe('SESSION_EXPIRED');

    const second = await staff.signIn('root@vendor.example', PW, 'http');
    for (let i = 0; i < 12 * 3; i++) {
      clock.advance(20 * 60_000);
      if (i < 35) await staff.resolveSession(second.token);
    }
    expect(await code(staff.resolveSession(second.token))).toBe('SESSION_EXPIRED');
  });

  it('disabling a staff member ends their sessions at once', async () => {
    const support = await staff.create({ email: 'sue@vendor.example', displayName: 'Sue', roles: ['support'], password: PW, mustChangePassword: false });
    const { token } = await staff.signIn('sue@vendor.example', PW, 'http');
    await staff.setStatus(support.id, 'disabled');
    expect(await code(staff.resolveSession(token))).toBe('SESSION_EXPIRED');
    expect(await code(staff.signIn('sue@vendor.example', PW, 'http'))).toBe('ACCOUNT_DISABLED');
  });

  it('a reset password must be changed at next sign-in, and the old sessions end', async () => {
    const sue = await staff.create({ email: 'sue@vendor.example', displayName: 'Sue', roles: ['support'], password: PW, mustChangePassword: false });
    const { token } = await staff.signIn('sue@vendor.example', PW, 'http');
    await staff.resetPassword(sue.id, 'Temporary#Lantern7');
    expect(await code(staff.resolveSession(token))).toBe('SESSION_EXPIRED');
    const { session } = await staff.signIn('sue@vendor.example', 'Temporary#Lantern7', 'http');
    expect(session.staff.mustChangePassword).toBe(true);
    await staff.changeOwnPassword(sue.id, 'Temporary#Lantern7', 'Another#Meadow88');
    expect((await staff.get(sue.id)).mustChangePassword).toBe(false);
  });
});
