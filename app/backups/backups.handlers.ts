import type { ConsoleServices } from '../runtime/console';
import type { Handlers } from '../api/dispatcher';
import { bandForAge } from './index';
import { CustosError } from '../shared/errors';

type BackupOps = 'backups.tenant' | 'backups.fleetHealth' | 'backups.snapshotNow' | 'backups.verify' | 'backups.prunePreview' | 'backups.pruneApply';

export function backupHandlers(s: ConsoleServices): Pick<Handlers, BackupOps> {
  return {
    'backups.tenant': async (input) => {
      const view = await s.backups.tenantView(input.tenantId);
      const decisions = new Map(view.plan.decisions.map((d) => [d.snapshotId, d]));
      const now = s.clock.now().getTime();
      const verifications = await s.backups.lastVerifications(input.tenantId);
      return {
        snapshots: view.snapshots.map((r) => {
          const d = decisions.get(r.snapshotId);
          return {
            ...r,
            plan: d?.action ?? 'keep',
            planReasons: d?.reasons ?? (r.state === 'complete' ? [] : [`not a complete snapshot (${r.state})`]),
            band: bandForAge(now - Date.parse(r.takenAt)).id,
          };
        }),
        compliance: view.compliance,
        prunable: view.plan.prune.length,
        verifications: verifications.map((v) => ({
          id: v.id,
          snapshotId: v.snapshot_id,
          checkedAt: v.checked_at,
          outcome: v.outcome as 'ok' | 'failed',
          code: v.code,
          message: v.message,
          hint: v.hint,
          requestedBy: v.requested_by,
        })),
      };
    },

    'backups.fleetHealth': async () => {
      const { summary, tenants } = await s.backups.fleetHealth();
      return { ...summary, rows: tenants };
    },

    'backups.snapshotNow': async (input, ctx) => {
      const record = await s.catalogue.get(input.tenantId);
      const { jobId } = s.backups.startSnapshotJob(record, ctx.actor);
      return { jobId };
    },

    'backups.verify': async (input, ctx) => {
      const record = await s.catalogue.get(input.tenantId);
      const { jobId } = s.backups.startVerifyJob(record.id, input.snapshotId, ctx.actor);
      return { jobId };
    },

    'backups.prunePreview': async (input) => {
      const { plan, token } = await s.backups.prunePreview(input.tenantId);
      return { prune: plan.prune, keep: plan.keep.length, token, promiseKept: plan.promiseKept };
    },

    'backups.pruneApply': async (input, ctx) => {
      const record = await s.catalogue.get(input.tenantId);
      // Checked before the job starts, so a stale token is refused at once with the fix.
      const { token } = await s.backups.prunePreview(record.id);
      if (token !== input.token) {
        throw new CustosError('APPROVAL_INVALID', 'The snapshots changed since the prune preview was made.', 'Open the preview again and check what would be pruned now.');
      }
      const { jobId } = s.jobs.start({
        kind: 'prune',
        tenantId: record.id,
        actor: ctx.actor,
        params: { tenantId: record.id },
        run: (work) => s.backups.pruneApply(record.id, input.token, work),
        summarize: (r) => ({ deleted: r.deleted.length }),
      });
      return { jobId };
    },
  };
}
