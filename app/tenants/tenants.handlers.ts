import { browseCell } from '../shared/browse-cell';
import type { ConsoleServices } from '../runtime/console';
import type { Handlers } from '../api/dispatcher';
import { requireSession } from '../api/handlers';
import { ENTITIES, SUBJECT_ENTITIES, entity as entityDef } from '../schema';

type TenantOps = 'tenants.list' | 'tenants.get' | 'tenants.stats' | 'tenants.records' | 'grants.open' | 'grants.list' | 'grants.revoke';

export function tenantHandlers(s: ConsoleServices): Pick<Handlers, TenantOps> {
  return {
    'tenants.list': async (input) => s.catalogue.list(input),

    'tenants.get': async (input) => s.catalogue.detail(input.tenantId),

    'tenants.stats': async (input, ctx) => {
      const record = await s.catalogue.get(input.tenantId);
      ctx.audit.tenantId = record.id;
      return s.tenantDbs.with(record, async (db) => {
        const { schemaVersion } = await db.checkSchema();
        const counts = await db.counts();
        const bySubject = await db.countBy('activities', 'subject_type');
        const definitions: { id: number; entity: string; key: string; label: string; field_type: string }[] = [];
        for await (const row of db.stream('custom_field_definitions')) definitions.push(row as (typeof definitions)[number]);
        const valueCounts = await db.countBy('custom_field_values', 'field_id');
        return {
          tenantId: record.id,
          schemaVersion,
          counts: ENTITIES.map((e) => ({ entity: e.name, label: e.label, count: counts[e.name] })),
          historyBySubject: SUBJECT_ENTITIES.map((subject) => ({
            entity: subject,
            label: `History of ${entityDef(subject).label.toLowerCase()}`,
            count: bySubject[subject] ?? 0,
          })),
          customFields: definitions
            .sort((a, b) => a.entity.localeCompare(b.entity) || a.key.localeCompare(b.key))
            .map((d) => ({ entity: d.entity, key: d.key, label: d.label, type: d.field_type, valueCount: valueCounts[String(d.id)] ?? 0 })),
          dbSizeBytes: await db.sizeBytes(),
          // Known only after an export or verification has compared the files table with the store.
          missingObjects: null,
        };
      });
    },

    'tenants.records': async (input, ctx) => {
      const record = await s.catalogue.get(input.tenantId);
      ctx.audit.tenantId = record.id;
      ctx.audit.extra = { entity: input.entity, afterId: input.afterId, limit: input.limit };
      const columns = entityDef(input.entity).columns.map((c) => c.name);
      return s.tenantDbs.with(record, async (db) => {
        await db.checkSchema();
        const rows: Record<string, unknown>[] = [];
        for await (const row of db.stream(input.entity, { afterId: input.afterId, batchSize: input.limit })) {
          const out: Record<string, unknown> = {};
          for (const c of columns) out[c] = browseCell(row[c]);
          rows.push(out);
          if (rows.length >= input.limit) break;
        }
        const last = rows[rows.length - 1];
        return { columns, rows, nextAfterId: rows.length === input.limit && last ? Number(last.id) : null };
      });
    },

    'grants.open': async (input, ctx) => {
      const session = requireSession(ctx);
      const record = await s.catalogue.get(input.tenantId);
      const grant = await s.grants.open({ staffId: session.staff.id, tenantId: record.id, reason: input.reason, ticket: input.ticket, ...(input.minutes ? { minutes: input.minutes } : {}) });
      ctx.audit.grantId = grant.id;
      ctx.audit.justification = { reason: grant.reason, ticket: grant.ticket };
      return { ...grant, staffEmail: session.staff.email };
    },

    'grants.list': async (input) => s.grants.listForTenant(input.tenantId),

    'grants.revoke': async (input, ctx) => {
      const session = requireSession(ctx);
      await s.grants.revoke(input.grantId, session.staff.id, session.roles.includes('admin'));
      return { ok: true as const };
    },
  };
}
