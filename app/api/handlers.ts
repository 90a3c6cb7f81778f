/**
 * The domain behind each contract operation. Handlers receive input already
 * parsed by the dispatcher and a session already checked for its role.
 */
import { ENTITIES, SUBJECT_ENTITIES, entity as entityDef } from '../schema';
import type { ConsoleServices } from '../runtime/console';
import type { Handlers, HandlerContext } from './dispatcher';
import type { StaffView } from './contract';
import type { Session } from '../staff/staff.service';
import { CustosError } from '../shared/errors';

function sessionInfo(s: { staff: StaffView; idleExpiresAt: string }) {
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
          historyBySubject: SUBJECT_ENTITIES.map((subject) => ({ entity: subject, label: `History of ${entityDef(subject).label.toLowerCase()}`, count: bySubject[subject] ?? 0 })),
          customFields: definitions
            .sort((a, b) => a.entity.localeCompare(b.entity) || a.key.localeCompare(b.key))
            .map((d) => ({ entity: d.entity, key: d.key, label: d.label, type: d.field_type, valueCount: valueCounts[String(d.id)] ?? 0 })),
          dbSizeBytes: await db.sizeBytes(),
          // Known only after an export or verification has compared the files table with the store.
          missingObjects: null,
        };
      });
    },
  };
}
