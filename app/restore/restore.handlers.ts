import type { ConsoleServices } from '../runtime/console';
import type { Handlers } from '../api/dispatcher';
import type { EntityName } from '../schema';
import { planView } from './restore.service';
import { browseCell } from '../shared/browse-cell';

type RestoreOps =
  | 'restore.plan'
  | 'restore.sandboxes'
  | 'restore.openSandbox'
  | 'restore.closeSandbox'
  | 'restore.compare'
  | 'restore.sandboxRecords'
  | 'restore.previewSelection'
  | 'restore.request'
  | 'restore.approve'
  | 'restore.cancel'
  | 'restore.run'
  | 'restore.rollback'
  | 'restore.list'
  | 'restore.get';

function cut(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, browseCell(v)])));
}

export function restoreHandlers(s: ConsoleServices): Pick<Handlers, RestoreOps> {
  return {
    'restore.plan': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      return s.restore.plan(input.tenantId, input.day);
    },
    'restore.sandboxes': async (input) => s.restore.sandboxes(input.tenantId),
    'restore.openSandbox': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      const grant = ctx.audit.grantId && ctx.audit.justification ? { id: ctx.audit.grantId, ticket: ctx.audit.justification.ticket } : null;
      return s.restore.openSandbox(input.tenantId, input.snapshotId, ctx.actor, grant);
    },
    'restore.closeSandbox': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      await s.restore.closeSandbox(input.tenantId, input.sandboxId);
      return { ok: true as const };
    },
    'restore.compare': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      return s.restore.compare(input.tenantId, input.sandboxId);
    },
    'restore.sandboxRecords': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      ctx.audit.extra = { sandboxId: input.sandboxId, entity: input.entity, filter: input.filter, afterId: input.afterId };
      const page = await s.restore.records(input.tenantId, input.sandboxId, input.entity as EntityName, input.filter, input.afterId, input.limit);
      return { ...page, rows: cut(page.rows) };
    },
    'restore.previewSelection': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      return planView(await s.restore.previewSelection(input.tenantId, input.sandboxId, input.selection.map((r) => ({ entity: r.entity as EntityName, id: r.id }))));
    },
    'restore.request': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      const v =
        input.kind === 'live'
          ? await s.restore.request(input, ctx.actor)
          : await s.restore.request({ ...input, selection: input.selection.map((r) => ({ entity: r.entity as EntityName, id: r.id })) }, ctx.actor);
      ctx.audit.extra = { requestId: v.id, snapshotId: v.snapshotId, kind: v.kind, ticket: v.ticket };
      return v;
    },
    'restore.approve': async (input, ctx) => {
      const v = await s.restore.approve(input.requestId, ctx.actor);
      ctx.audit.tenantId = v.tenantId;
      ctx.audit.approvalIds = [v.id];
      return v;
    },
    'restore.cancel': async (input, ctx) => {
      const v = await s.restore.cancel(input.requestId, input.reason, ctx.actor, ctx.actor.roles.includes('admin'));
      ctx.audit.tenantId = v.tenantId;
      return v;
    },
    'restore.run': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      ctx.audit.approvalIds = [input.requestId];
      const { jobId } = await s.restore.run(input.tenantId, input.requestId, ctx.actor);
      return { jobId };
    },
    'restore.rollback': async (input, ctx) => {
      ctx.audit.tenantId = input.tenantId;
      ctx.audit.approvalIds = [input.requestId];
      return s.restore.rollback(input.tenantId, input.requestId, input.reason, ctx.actor);
    },
    'restore.list': async (input) => s.restore.list(input.tenantId, input.limit),
    'restore.get': async (input) => s.restore.get(input.requestId),
  };
}
