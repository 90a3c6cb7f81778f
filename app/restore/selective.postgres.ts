/**
 * Selective restore into a PostgreSQL tenant (issue 8: "selective restore works the
 * same for both engines"). The plan is made as on SQLite (selective.ts planSelection,
 * against a consistent dump of live); applying it re-checks everything the preview
 * promised inside ONE transaction on the live database, as applySelection does on
 * SQLite:
 *
 *   lock the tenant's tables against writers (SHARE ROW EXCLUSIVE: the CRM can still
 *   read) → no planned id taken meanwhile → the sandbox rows are still the ones
 *   fingerprinted → COPY the rows in (the snapshot's values, encoded as the bulk load
 *   encodes them) → every reference of the inserted rows resolves in live → every
 *   planned id is present → COMMIT. Any throw rolls all of it back.
 *
 * Tenant databases have no foreign keys (real data holds dangling references,
 * EXPORT.md), so the reference check after the insert is what guards them — and
 * because it runs after the insert, a custom value finds its definition where it will
 * live, whether live had it or it came along.
 */
import Database from 'better-sqlite3';
import { ENTITY_ORDER, TENANT_SCHEMA_VERSION, type EntityName } from '../schema';
import { CustosError } from '../shared/errors';
import { throwIfAborted } from '../shared/progress';
import type { PostgresTenantAdmin, TenantTransaction } from '../storage/postgres';
import { LINKS, byOrder, checkSchemaVersion, checkedInsert, fingerprintOf, refused, type Link, type Problem, type SelectionPlan } from './selective';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Entity names come from the schema description; as SQL literals they are checked, never trusted. */
const lit = (name: string) => {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not an entity name: ${name}`);
  return `'${name}'`;
};

/** `<row's target id> resolves in one of these entities, chosen by the type value` as SQL. */
function resolvesIn(typeExpr: string, idExpr: string, targets: readonly EntityName[]): string {
  const arms = targets.map((t) => `WHEN ${lit(t)} THEN EXISTS (SELECT 1 FROM ${q(t)} x WHERE x.id = ${idExpr})`).join(' ');
  return `(CASE ${typeExpr} ${arms} ELSE false END)`;
}

/** Inserted rows (ids in $1) whose reference through `link` points at nothing in live. */
function danglingSql(link: Link): string {
  const col = `r.${q(link.column)}`;
  const from = q(link.from);
  switch (link.kind) {
    case 'plain':
      return `SELECT r.id, ${lit(link.target)} AS t, ${col} AS tid FROM ${from} r WHERE r.id = ANY($1::bigint[]) AND ${col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${q(link.target)} x WHERE x.id = ${col})`;
    case 'poly':
      return `SELECT r.id, r.${q(link.typeColumn)} AS t, ${col} AS tid FROM ${from} r WHERE r.id = ANY($1::bigint[]) AND ${col} IS NOT NULL AND NOT ${resolvesIn(`r.${q(link.typeColumn)}`, col, link.targets)}`;
    case 'custom':
      // A value whose definition is nowhere is reported through field_id (a plain link).
      return `SELECT r.id, d.entity AS t, ${col} AS tid FROM ${from} r JOIN custom_field_definitions d ON d.id = r.field_id WHERE r.id = ANY($1::bigint[]) AND ${col} IS NOT NULL AND NOT ${resolvesIn('d.entity', col, ENTITY_ORDER)}`;
  }
}

export async function applySelectionPostgres(o: {
  snapshotPath: string;
  admin: PostgresTenantAdmin;
  database: string;
  tenantId: string;
  plan: SelectionPlan;
  signal?: AbortSignal;
}): Promise<{ inserted: Partial<Record<EntityName, number>>; total: number }> {
  const { plan } = o;
  if (plan.refusals.length) {
    throw refused(plan.refusals, 'This selection cannot be restored.', 'Change the selection so every record and what it references is in the snapshot or still live, then preview again.', 'refusals');
  }
  const { ids, lists } = checkedInsert(plan.insert);
  const preview = 'Preview the selection again';

  // The sandbox is read-only and nobody writes it; its rows are checked once, before the transaction.
  const snap = new Database(o.snapshotPath, { readonly: true, fileMustExist: true });
  try {
    checkSchemaVersion(snap, 'main', 'snapshot');
    if (fingerprintOf(snap, 'main', lists) !== plan.fingerprint) {
      throw new CustosError('RESTORE_REFUSED', 'The snapshot rows differ from the ones previewed (or the plan was changed).', preview);
    }
  } finally {
    snap.close();
  }

  return o.admin.inTenantTransaction(o.database, o.tenantId, async (tx: TenantTransaction) => {
    // No other writer between the checks and the inserts (the IMMEDIATE of the SQLite path).
    await tx.query(`LOCK TABLE ${ENTITY_ORDER.map(q).join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    const meta = await tx.query<{ value: string }>("SELECT value FROM schema_meta WHERE key = 'schema_version'");
    if (meta[0]?.value !== String(TENANT_SCHEMA_VERSION)) {
      throw new CustosError('TENANT_SCHEMA_UNEXPECTED', `The live tenant database is not at schema version ${TENANT_SCHEMA_VERSION}.`, 'Migrate the tenant before a selective restore.', { found: meta[0]?.value ?? null });
    }

    const conflicts: Problem[] = [];
    for (const [e, s] of ids) {
      for (const r of await tx.query<{ id: number }>(`SELECT id FROM ${q(e)} WHERE id = ANY($1::bigint[])`, [[...s]])) {
        conflicts.push({ entity: e, id: Number(r.id), reason: `${e} ${r.id} now exists in the live database.` });
      }
    }
    if (conflicts.length) throw refused(conflicts.sort(byOrder), 'Records were created in the live database since the preview.', preview, 'conflicts');

    const inserted: Partial<Record<EntityName, number>> = {};
    let total = 0;
    for (const e of ENTITY_ORDER) {
      const list = lists[e];
      if (!list) continue;
      if (o.signal) throwIfAborted(o.signal);
      const n = await tx.copyRowsIn(o.snapshotPath, e, list, o.signal ? { signal: o.signal } : {});
      if (n !== list.length) {
        throw new CustosError('RESTORE_REFUSED', `The sandbox holds ${n} of the ${list.length} planned ${e} rows; nothing was changed.`, preview);
      }
      inserted[e] = n;
      total += n;
    }

    // Every reference of an inserted row must resolve now, in live as it will be committed.
    const dangling: Problem[] = [];
    for (const link of LINKS) {
      const list = lists[link.from];
      if (!list) continue;
      for (const r of await tx.query<{ id: number; t: string; tid: number }>(danglingSql(link), [list])) {
        dangling.push({ entity: link.from, id: Number(r.id), reason: `${link.from} ${r.id} (${link.column}) references ${r.t} ${r.tid}, which is no longer in the live database.` });
      }
    }
    if (dangling.length) throw refused(dangling.sort(byOrder), 'Records this selection depends on were deleted since the preview.', preview, 'refusals');

    // Verify before committing. With the tables locked nobody else inserted, so the
    // COPY counts above and the ids being present say the whole plan is in.
    const wrong: string[] = [];
    for (const e of ENTITY_ORDER) {
      const list = lists[e];
      if (!list) continue;
      const [row] = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${q(e)} WHERE id = ANY($1::bigint[])`, [list]);
      if (Number(row?.n) !== list.length) wrong.push(`${e}: not every restored id is present`);
    }
    if (wrong.length) throw new CustosError('INTERNAL', 'The selective restore did not verify; nothing was changed.', 'Send the console log to the engineering team.', { problems: wrong });
    return { inserted, total };
  });
}
