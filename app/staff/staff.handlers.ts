import type { ConsoleServices } from '../runtime/console';
import type { Handlers } from '../api/dispatcher';
import { requireSession, sessionInfo } from '../api/handlers';
import { CustosError } from '../shared/errors';
import type { Role } from '../api/roles';

type StaffOps =
  | 'setup.createFirstAdmin'
  | 'session.signIn'
  | 'session.signOut'
  | 'session.current'
  | 'session.changePassword'
  | 'session.signOutEverywhere'
  | 'staff.list'
  | 'staff.create'
  | 'staff.setStatus'
  | 'staff.setRoles'
  | 'staff.resetPassword'
  | 'staff.unlock';

export function staffHandlers(s: ConsoleServices): Pick<Handlers, StaffOps> {
  /** Never leave the console without an active admin (nobody could manage staff again). */
  async function assertAdminRemains(staffId: string, next: { status?: 'active' | 'disabled'; roles?: Role[] }): Promise<void> {
    const all = await s.staff.list();
    const remaining = all.filter((m) => {
      const status = m.id === staffId ? (next.status ?? m.status) : m.status;
      const roles = m.id === staffId ? (next.roles ?? m.roles) : m.roles;
      return status === 'active' && roles.includes('admin');
    });
    if (remaining.length === 0) {
      throw new CustosError('FORBIDDEN', 'That would leave the console without an active admin.', 'Give another staff member the admin role first.');
    }
  }

  return {
    'setup.createFirstAdmin': async (input, ctx) => {
      const staff = await s.staff.createFirstAdmin(input);
      ctx.actor.staffId = staff.id;
      ctx.actor.label = staff.email;
      ctx.actor.roles = staff.roles;
      const { token, session } = await s.staff.openSession(staff.id, ctx.transport);
      ctx.setSessionToken(token);
      return sessionInfo(session);
    },
    'session.signIn': async (input, ctx) => {
      ctx.actor.label = input.email.trim().toLowerCase().slice(0, 254);
      const { token, session } = await s.staff.signIn(input.email, input.password, ctx.transport);
      ctx.actor.staffId = session.staff.id;
      ctx.actor.roles = session.roles;
      ctx.setSessionToken(token);
      return sessionInfo(session);
    },
    'session.signOut': async (_input, ctx) => {
      const session = requireSession(ctx);
      await s.staff.endSession(session.id, 'signed-out');
      ctx.setSessionToken(null);
      return { ok: true as const };
    },
    'session.current': async (_input, ctx) => (ctx.session ? sessionInfo(ctx.session) : null),
    'session.changePassword': async (input, ctx) => {
      const session = requireSession(ctx);
      return s.staff.changeOwnPassword(session.staff.id, input.currentPassword, input.newPassword);
    },
    'session.signOutEverywhere': async (_input, ctx) => {
      const session = requireSession(ctx);
      const ended = await s.staff.endAllSessions(session.staff.id, 'everywhere');
      ctx.setSessionToken(null);
      return { ended };
    },
    'staff.list': async () => s.staff.list(),
    'staff.create': async (input) =>
      s.staff.create({ email: input.email, displayName: input.displayName, roles: input.roles, password: input.temporaryPassword, mustChangePassword: true }),
    'staff.setStatus': async (input, ctx) => {
      const me = requireSession(ctx);
      if (input.staffId === me.staff.id && input.status === 'disabled') {
        throw new CustosError('FORBIDDEN', 'You cannot disable your own account.', 'Ask another admin.');
      }
      await assertAdminRemains(input.staffId, { status: input.status });
      return s.staff.setStatus(input.staffId, input.status);
    },
    'staff.setRoles': async (input) => {
      await assertAdminRemains(input.staffId, { roles: input.roles });
      return s.staff.setRoles(input.staffId, input.roles);
    },
    'staff.resetPassword': async (input) => s.staff.resetPassword(input.staffId, input.temporaryPassword),
    'staff.unlock': async (input) => s.staff.unlock(input.staffId),
  };
}
