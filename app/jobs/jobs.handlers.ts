import type { ConsoleServices } from '../runtime/console';
import type { Handlers } from '../api/dispatcher';
import { requireSession } from '../api/handlers';
import { CustosError } from '../shared/errors';

export function jobHandlers(s: ConsoleServices): Pick<Handlers, 'jobs.list' | 'jobs.get' | 'jobs.cancel'> {
  return {
    'jobs.list': async (input) => s.jobs.list(input),
    'jobs.get': async (input) => s.jobs.get(input.jobId),
    'jobs.cancel': async (input, ctx) => {
      const session = requireSession(ctx);
      const job = await s.jobs.get(input.jobId);
      ctx.audit.tenantId = job.tenantId;
      // Whoever started a job may cancel it; an admin may cancel any.
      if (job.actor !== session.staff.email && !session.roles.includes('admin')) {
        throw new CustosError('FORBIDDEN', 'Only the staff member who started this job, or an admin, can cancel it.', `Ask ${job.actor} or an admin.`);
      }
      return { cancelled: s.jobs.cancel(input.jobId) };
    },
  };
}
