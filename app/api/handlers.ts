/**
 * The domain behind each contract operation. Handlers receive input already
 * parsed by the dispatcher, from a caller already checked for role and grant.
 * Feature folders contribute their handlers here; this file only composes them.
 */
import type { ConsoleServices } from '../runtime/console';
import type { Handlers, HandlerContext } from './dispatcher';
import type { StaffView } from './contract';
import type { Session } from '../staff/staff.service';
import { CustosError } from '../shared/errors';
import { tenantHandlers } from '../tenants/tenants.handlers';
import { staffHandlers } from '../staff/staff.handlers';
import { auditHandlers } from '../audit/audit.handlers';
import { jobHandlers } from '../jobs/jobs.handlers';
import { backupHandlers } from '../backups/backups.handlers';
import { deletionHandlers } from '../deletion/deletion.handlers';
import { exportHandlers } from '../exports/exports.handlers';
import { restoreHandlers } from '../restore/restore.handlers';

export function sessionInfo(s: { staff: StaffView; idleExpiresAt: string }) {
  return { staff: s.staff, expiresAt: s.idleExpiresAt };
}

export function requireSession(ctx: HandlerContext): Session {
  if (!ctx.session) throw new CustosError('NOT_SIGNED_IN', 'You are not signed in.', 'Sign in to continue.');
  return ctx.session;
}

export function createHandlers(s: ConsoleServices): Handlers {
  return {
    'setup.status': async () => ({
      needsFirstAdmin: (await s.staff.count()) === 0,
      dataLocation: s.dataDir,
      productVersion: s.appVersion,
    }),
    ...staffHandlers(s),
    ...tenantHandlers(s),
    ...auditHandlers(s),
    ...jobHandlers(s),
    ...backupHandlers(s),
    ...deletionHandlers(s),
    ...exportHandlers(s),
    ...restoreHandlers(s),
  };
}
