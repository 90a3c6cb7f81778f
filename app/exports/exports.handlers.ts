import type { ConsoleServices } from '../runtime/console';
import type { Handlers } from '../api/dispatcher';
import { CustosError } from '../shared/errors';

export function exportHandlers(s: ConsoleServices): Pick<Handlers, 'exports.preview' | 'exports.start' | 'exports.ledger'> {
  /** Account managers run exports only for their offboarding tenants (issue 3's role matrix). */
  async function checkAccountManager(tenantId: string, roles: readonly string[]): Promise<void> {
    if (roles.includes('support') || roles.includes('technical') || roles.includes('system')) return;
    const t = await s.catalogue.get(tenantId);
    if (t.status !== 'offboarding') {
      throw new CustosError('FORBIDDEN', 'Account managers can export only tenants that are offboarding.', 'Ask support to run this export, or file the deletion request first.');
    }
  }
  return {
    'exports.preview': async (input, ctx) => {
      await checkAccountManager(input.tenantId, ctx.actor.roles);
      return s.exports.preview(input.tenantId, input.profile);
    },
    'exports.start': async (input, ctx) => {
      await checkAccountManager(input.tenantId, ctx.actor.roles);
      const { jobId, billing } = await s.exports.start(input, ctx.actor);
      ctx.audit.extra = { billing: billing.status };
      return { jobId, billing: { status: billing.status } };
    },
    'exports.ledger': async (input) => s.exports.ledger(input.tenantId),
  };
}
