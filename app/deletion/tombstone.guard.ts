import type { Kysely } from 'kysely';
import type { ControlPlaneDb } from '../control-plane/control-plane.schema';
import { CustosError } from '../shared/errors';
import { deletionDb } from './deletion.tables';

/**
 * Tombstones (issue 7, SECURITY.md "Deletion"; abuse case 6): after deletion, a
 * tenant can never be silently re-created under the same ID, nor restored from a
 * snapshot that escaped deletion. Call these from every place that creates or
 * restores a tenant (catalogue upserts, demo seeding, restore).
 */
export interface Tombstone {
  tenantId: string;
  requestId: string;
  certificateId: string;
  deletedAt: string;
}

export async function findTombstone(db: ControlPlaneDb | Kysely<any>, tenantId: string): Promise<Tombstone | null> {
  const row = await deletionDb(db).selectFrom('tenant_tombstones').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? { tenantId: row.tenant_id, requestId: row.request_id, certificateId: row.certificate_id, deletedAt: row.deleted_at } : null;
}

export function tombstonedError(t: Tombstone): CustosError {
  return new CustosError(
    'TENANT_DELETED',
    `Tenant ${t.tenantId} was permanently deleted on ${t.deletedAt.slice(0, 10)} (deletion request ${t.requestId}); it cannot be created or restored again under this ID.`,
    `Its certificate of deletion is ${t.certificateId}. A returning customer gets a new tenant ID.`,
    { tenantId: t.tenantId, requestId: t.requestId, certificateId: t.certificateId },
  );
}

/** Throws TENANT_DELETED when the tenant ID carries a tombstone. */
export async function assertNotTombstoned(db: ControlPlaneDb | Kysely<any>, tenantId: string): Promise<void> {
  const t = await findTombstone(db, tenantId);
  if (t) throw tombstonedError(t);
}

/** For bulk upserts: which of these IDs are tombstoned (chunked under SQLite's variable limit). */
export async function tombstonedAmong(db: ControlPlaneDb | Kysely<any>, tenantIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < tenantIds.length; i += 500) {
    const chunk = tenantIds.slice(i, i + 500);
    if (chunk.length === 0) continue;
    const rows = await deletionDb(db).selectFrom('tenant_tombstones').select('tenant_id').where('tenant_id', 'in', chunk).execute();
    for (const r of rows) out.add(r.tenant_id);
  }
  return out;
}

/** Bulk form of {@link assertNotTombstoned}: refuses the whole batch if any ID is tombstoned. */
export async function assertNoneTombstoned(db: ControlPlaneDb | Kysely<any>, tenantIds: readonly string[]): Promise<void> {
  const hit = await tombstonedAmong(db, tenantIds);
  const first = [...hit][0];
  if (first !== undefined) await assertNotTombstoned(db, first);
}
