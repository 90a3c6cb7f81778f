import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Role } from '../api/roles';
import { ROLES } from '../api/roles';
import type { StaffView } from '../api/contract';
import type { ControlPlane } from '../control-plane/control-plane.port';
import type { StaffTable } from '../control-plane/control-plane.schema';
import type { Clock } from '../shared/clock.port';
import { CustosError } from '../shared/errors';
import { afterAdminUnlock, afterFailure, afterSuccess, isLocked, type LockState, type LockoutConfig, DEFAULT_LOCKOUT } from './lockout.policy';
import { describeUnmet, unmetPasswordRules } from './password.policy';
import { dummyHashFor, hashPassword, needsRehash, verifyPassword, PRODUCTION_KDF, type KdfParams } from './password.hash';

export interface IdentityConfig {
  lockout: LockoutConfig;
  kdf: KdfParams;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
}

export const DEFAULT_IDENTITY: IdentityConfig = {
  lockout: DEFAULT_LOCKOUT,
  kdf: PRODUCTION_KDF,
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
};

export interface Session {
  id: string;
  staff: StaffView;
  roles: Role[];
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

function parseRoles(json: string): Role[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v.filter((r) => (ROLES as readonly string[]).includes(r as string)) as Role[]) : [];
  } catch {
    return [];
  }
}

export function toStaffView(row: Selectable<StaffTable>): StaffView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: parseRoles(row.roles),
    status: row.status === 'active' ? 'active' : 'disabled',
    mustChangePassword: row.must_change_password === 1,
    lockedUntil: row.locked_until,
    failedAttempts: Number(row.failed_attempts),
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const normEmail = (e: string) => e.trim().normalize('NFKC').toLowerCase();

/** One message for a wrong password and an unknown e-mail: no user enumeration. */
const signInFailed = () =>
  new CustosError('SIGN_IN_FAILED', 'E-mail or password is not right.', 'Check both and try again. After 5 failed tries the account is locked for a while.');

export class StaffService {
  /**
   * Failure counters for e-mails that have no account, so that they lock exactly
   * like real ones do and the "locked" message reveals nothing. Kept in memory:
   * it only has to be indistinguishable, not durable.
   */
  private readonly phantom = new Map<string, LockState>();

  constructor(
    private readonly cp: ControlPlane,
    private readonly clock: Clock,
    readonly config: IdentityConfig = DEFAULT_IDENTITY,
  ) {}

  async count(): Promise<number> {
    const r = await this.cp.db.selectFrom('staff').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  checkPasswordRules(password: string, email: string): void {
    const unmet = unmetPasswordRules(password, { email });
    if (unmet.length > 0) {
      throw new CustosError('PASSWORD_RULES', `The password does not meet the rules: ${describeUnmet(unmet)}.`, 'Choose another password; a long passphrase is easiest.', { unmet });
    }
  }

  async createFirstAdmin(input: { email: string; displayName: string; password: string }): Promise<StaffView> {
    this.checkPasswordRules(input.password, input.email);
    const hash = await hashPassword(input.password, this.config.kdf);
    return this.cp.exclusive('staff', async (trx) => {
      const n = await trx.selectFrom('staff').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(n.n) > 0) {
        throw new CustosError('SETUP_ALREADY_DONE', 'The first admin account already exists.', 'Sign in, or ask an admin to create your account.');
      }
      return this.insert(trx, { email: input.email, displayName: input.displayName, roles: ['admin'], hash, mustChange: false });
    });
  }

  async create(input: { email: string; displayName: string; roles: Role[]; password: string; mustChangePassword: boolean }): Promise<StaffView> {
    this.checkPasswordRules(input.password, input.email);
    const hash = await hashPassword(input.password, this.config.kdf);
    return this.cp.exclusive('staff', async (trx) => {
      const existing = await trx.selectFrom('staff').select('id').where('email', '=', normEmail(input.email)).executeTakeFirst();
      if (existing) throw new CustosError('STAFF_EXISTS', `A staff account for ${normEmail(input.email)} already exists.`, 'Open that account instead, or use another e-mail.');
      return this.insert(trx, { email: input.email, displayName: input.displayName, roles: input.roles, hash, mustChange: input.mustChangePassword });
    });
  }

  private async insert(
    trx: ControlPlane['db'],
    a: { email: string; displayName: string; roles: Role[]; hash: string; mustChange: boolean },
  ): Promise<StaffView> {
    const now = this.clock.now().toISOString();
    const row = {
      id: `s-${randomUUID()}`,
      email: normEmail(a.email),
      display_name: a.displayName.trim(),
      roles: JSON.stringify([...new Set(a.roles)].sort()),
      status: 'active',
      password_hash: a.hash,
      must_change_password: a.mustChange ? 1 : 0,
      failed_attempts: 0,
      locked_until: null,
      lock_count: 0,
      created_at: now,
      last_sign_in_at: null,
      password_changed_at: now,
    };
    await trx.insertInto('staff').values(row).execute();
    return toStaffView(row);
  }

  async get(id: string): Promise<StaffView> {
    const row = await this.cp.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new CustosError('STAFF_NOT_FOUND', 'No such staff account.', 'Reload the staff list.');
    return toStaffView(row);
  }

  async list(): Promise<StaffView[]> {
    const rows = await this.cp.db.selectFrom('staff').selectAll().orderBy('email').execute();
    return rows.map(toStaffView);
  }

  /**
   * Sign-in. Wrong password and unknown e-mail give the same error after the same
   * KDF work; a locked account (real or phantom) is refused without checking the
   * password and says until when (issue 3).
   */
  async signIn(emailRaw: string, password: string, transport: string): Promise<{ token: string; session: Session }> {
    const email = normEmail(emailRaw);
    const now = this.clock.now();
    const row = await this.cp.db.selectFrom('staff').selectAll().where('email', '=', email).executeTakeFirst();

    if (!row) {
      const state = this.phantom.get(email) ?? afterSuccess();
      if (isLocked(state, now)) throw this.lockedError(state.lockedUntil!);
      await verifyPassword(await dummyHashFor(this.config.kdf), password);
      const next = afterFailure(state, now, this.config.lockout);
      if (this.phantom.size > 10_000) this.phantom.clear();
      this.phantom.set(email, next);
      if (isLocked(next, now)) throw this.lockedError(next.lockedUntil!);
      throw signInFailed();
    }

    const state: LockState = {
      failedAttempts: Number(row.failed_attempts),
      lockedUntil: row.locked_until ? new Date(row.locked_until) : null,
      lockCount: Number(row.lock_count),
    };
    if (isLocked(state, now)) throw this.lockedError(state.lockedUntil!);

    const good = await verifyPassword(row.password_hash, password);
    if (!good) {
      const next = afterFailure(state, now, this.config.lockout);
      await this.saveLock(row.id, next);
      if (isLocked(next, now)) throw this.lockedError(next.lockedUntil!);
      throw signInFailed();
    }
    // The right password on a disabled account still says only that it is disabled.
    if (row.status !== 'active') {
      throw new CustosError('ACCOUNT_DISABLED', 'This staff account is disabled.', 'Ask an admin to enable it.');
    }
    const patch: Partial<StaffTable> = { failed_attempts: 0, locked_until: null, lock_count: 0, last_sign_in_at: now.toISOString() };
    if (needsRehash(row.password_hash, this.config.kdf)) patch.password_hash = await hashPassword(password, this.config.kdf);
    await this.cp.db.updateTable('staff').set(patch).where('id', '=', row.id).execute();
    return this.openSession(row.id, transport);
  }

  private lockedError(until: Date): CustosError {
    return new CustosError(
      'ACCOUNT_LOCKED',
      `This account is locked after repeated failed sign-ins, until ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      'Wait until then, or ask an admin to unlock it.',
      { lockedUntil: until.toISOString() },
    );
  }

  private async saveLock(id: string, s: LockState): Promise<void> {
    await this.cp.db
      .updateTable('staff')
      .set({ failed_attempts: s.failedAttempts, locked_until: s.lockedUntil?.toISOString() ?? null, lock_count: s.lockCount })
      .where('id', '=', id)
      .execute();
  }

  async openSession(staffId: string, transport: string): Promise<{ token: string; session: Session }> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const id = hashToken(token);
    const idle = new Date(now.getTime() + this.config.sessionIdleMinutes * 60_000).toISOString();
    const absolute = new Date(now.getTime() + this.config.sessionAbsoluteHours * 3_600_000).toISOString();
    await this.cp.db
      .insertInto('sessions')
      .values({ id, staff_id: staffId, created_at: now.toISOString(), last_seen_at: now.toISOString(), idle_expires_at: idle, absolute_expires_at: absolute, transport, ended_at: null, end_reason: null })
      .execute();
    const staff = await this.get(staffId);
    return { token, session: { id, staff, roles: staff.roles, idleExpiresAt: idle, absoluteExpiresAt: absolute } };
  }

  /**
   * Resolves a bearer token to a live session, sliding the idle window. Throws
   * SESSION_EXPIRED for an ended/expired one, so the UI can say why.
   */
  async resolveSession(token: string): Promise<Session> {
    const id = hashToken(token);
    const now = this.clock.now();
    const row = await this.cp.db
      .selectFrom('sessions')
      .innerJoin('staff', 'staff.id', 'sessions.staff_id')
      .selectAll('staff')
      .select(['sessions.id as session_id', 'sessions.ended_at', 'sessions.idle_expires_at', 'sessions.absolute_expires_at'])
      .where('sessions.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new CustosError('NOT_SIGNED_IN', 'You are not signed in.', 'Sign in to continue.');
    const iso = now.toISOString();
    if (row.ended_at || iso >= row.idle_expires_at || iso >= row.absolute_expires_at || row.status !== 'active') {
      if (!row.ended_at) {
        const reason = row.status !== 'active' ? 'disabled' : 'expired';
        await this.cp.db.updateTable('sessions').set({ ended_at: iso, end_reason: reason }).where('id', '=', id).execute();
      }
      throw new CustosError('SESSION_EXPIRED', 'Your session has ended.', 'Sign in again.');
    }
    const idle = new Date(Math.min(now.getTime() + this.config.sessionIdleMinutes * 60_000, new Date(row.absolute_expires_at).getTime())).toISOString();
    await this.cp.db.updateTable('sessions').set({ last_seen_at: iso, idle_expires_at: idle }).where('id', '=', id).execute();
    const staff = toStaffView(row);
    return { id, staff, roles: staff.roles, idleExpiresAt: idle, absoluteExpiresAt: row.absolute_expires_at };
  }

  async endSession(sessionId: string, reason: 'signed-out' | 'disabled' | 'everywhere'): Promise<void> {
    await this.cp.db.updateTable('sessions').set({ ended_at: this.clock.now().toISOString(), end_reason: reason }).where('id', '=', sessionId).where('ended_at', 'is', null).execute();
  }

  async endAllSessions(staffId: string, reason: 'disabled' | 'everywhere' | 'password-reset'): Promise<number> {
    const r = await this.cp.db
      .updateTable('sessions')
      .set({ ended_at: this.clock.now().toISOString(), end_reason: reason })
      .where('staff_id', '=', staffId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async setStatus(staffId: string, status: 'active' | 'disabled'): Promise<StaffView> {
    await this.get(staffId);
    await this.cp.db.updateTable('staff').set({ status }).where('id', '=', staffId).execute();
    if (status === 'disabled') await this.endAllSessions(staffId, 'disabled');
    return this.get(staffId);
  }

  async setRoles(staffId: string, roles: Role[]): Promise<StaffView> {
    await this.get(staffId);
    await this.cp.db.updateTable('staff').set({ roles: JSON.stringify([...new Set(roles)].sort()) }).where('id', '=', staffId).execute();
    return this.get(staffId);
  }

  async unlock(staffId: string): Promise<StaffView> {
    await this.get(staffId);
    await this.saveLock(staffId, afterAdminUnlock());
    return this.get(staffId);
  }

  async resetPassword(staffId: string, temporaryPassword: string): Promise<StaffView> {
    const staff = await this.get(staffId);
    this.checkPasswordRules(temporaryPassword, staff.email);
    const hash = await hashPassword(temporaryPassword, this.config.kdf);
    await this.cp.db
      .updateTable('staff')
      .set({ password_hash: hash, must_change_password: 1, password_changed_at: this.clock.now().toISOString(), ...{ failed_attempts: 0, locked_until: null, lock_count: 0 } })
      .where('id', '=', staffId)
      .execute();
    await this.endAllSessions(staffId, 'password-reset');
    return this.get(staffId);
  }

  async changeOwnPassword(staffId: string, current: string, next: string): Promise<StaffView> {
    const row = await this.cp.db.selectFrom('staff').selectAll().where('id', '=', staffId).executeTakeFirstOrThrow();
    if (!(await verifyPassword(row.password_hash, current))) throw signInFailed();
    this.checkPasswordRules(next, row.email);
    if (await verifyPassword(row.password_hash, next)) {
      throw new CustosError('PASSWORD_RULES', 'The new password must differ from the current one.', 'Choose another password.');
    }
    const hash = await hashPassword(next, this.config.kdf);
    await this.cp.db.updateTable('staff').set({ password_hash: hash, must_change_password: 0, password_changed_at: this.clock.now().toISOString() }).where('id', '=', staffId).execute();
    return this.get(staffId);
  }
}
