/**
 * Deletion requests in the control plane: rows ⇄ state-machine values, and the one
 * way a decided transition is written (row + timeline entry, in the caller's transaction).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { CustosError } from '../shared/errors';
import type { DeletionActor, DeletionRequestState, DeletionStatus, DeletionTransition } from './deletion.state-machine';
import type { DeletionDb, DeletionRequestsTable, DeletionTransitionsTable } from './deletion.tables';

export type DeletionRequestRow = Selectable<DeletionRequestsTable>;

export function toState(row: DeletionRequestRow, legalHold: string | null): DeletionRequestState {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    status: row.status as DeletionStatus,
    filedBy: { staffId: row.filed_by_staff_id, label: row.filed_by },
    filedAt: row.filed_at,
    requestReference: row.request_reference,
    receivedOn: row.received_on,
    requesterContact: row.requester_contact,
    reason: row.reason,
    wantsFinalExport: Number(row.wants_final_export) === 1,
    finalExport:
      row.final_export_job_id !== null
        ? { jobId: row.final_export_job_id, location: row.final_export_location ?? '', recordedAt: row.final_export_recorded_at ?? '', recordedBy: row.final_export_recorded_by ?? '' }
        : null,
    approval:
      row.approved_at !== null && row.approval_hash !== null
        ? { staffId: row.approved_by_staff_id ?? '', label: row.approved_by ?? '', at: row.approved_at, hash: row.approval_hash }
        : null,
    scheduledAt: row.scheduled_at,
    scheduledBy: row.scheduled_by,
    scheduledFor: row.scheduled_for,
    cancellation: row.cancelled_at !== null ? { by: row.cancelled_by ?? '', at: row.cancelled_at, reason: row.cancel_reason ?? '' } : null,
    executingStartedAt: row.executing_started_at,
    executedBy: row.executed_by,
    completedAt: row.completed_at,
    certificateId: row.certificate_id,
    legalHold,
    updatedAt: row.updated_at,
  };
}

/** The columns a state owns (journal and tenant_prior_status are written separately). */
export function toColumns(s: DeletionRequestState): Omit<DeletionRequestsTable, 'journal' | 'tenant_prior_status'> {
  return {
    id: s.id,
    tenant_id: s.tenantId,
    tenant_slug: s.tenantSlug,
    status: s.status,
    filed_by: s.filedBy.label,
    filed_by_staff_id: s.filedBy.staffId,
    filed_at: s.filedAt,
    request_reference: s.requestReference,
    received_on: s.receivedOn,
    requester_contact: s.requesterContact,
    reason: s.reason,
    wants_final_export: s.wantsFinalExport ? 1 : 0,
    final_export_job_id: s.finalExport?.jobId ?? null,
    final_export_location: s.finalExport?.location ?? null,
    final_export_recorded_at: s.finalExport?.recordedAt ?? null,
    final_export_recorded_by: s.finalExport?.recordedBy ?? null,
    approved_by: s.approval?.label ?? null,
    approved_by_staff_id: s.approval?.staffId ?? null,
    approved_at: s.approval?.at ?? null,
    approval_hash: s.approval?.hash ?? null,
    scheduled_at: s.scheduledAt,
    scheduled_by: s.scheduledBy,
    scheduled_for: s.scheduledFor,
    cancelled_by: s.cancellation?.by ?? null,
    cancelled_at: s.cancellation?.at ?? null,
    cancel_reason: s.cancellation?.reason ?? null,
    executing_started_at: s.executingStartedAt,
    executed_by: s.executedBy,
    completed_at: s.completedAt,
    certificate_id: s.certificateId,
    updated_at: s.updatedAt,
  };
}

export interface LoadedRequest {
  state: DeletionRequestState;
  row: DeletionRequestRow;
}

/** A request with its tenant's current legal hold (the hold lives on the tenant). */
export async function loadRequest(db: DeletionDb, requestId: string): Promise<LoadedRequest | null> {
  const row = await db.selectFrom('deletion_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
  if (!row) return null;
  const tenant = await db.selectFrom('tenants').select('legal_hold').where('id', '=', row.tenant_id).executeTakeFirst();
  return { state: toState(row, tenant?.legal_hold ?? null), row };
}

export async function requireRequest(db: DeletionDb, requestId: string): Promise<LoadedRequest> {
  const r = await loadRequest(db, requestId);
  if (!r) throw new CustosError('DELETION_TRANSITION_REFUSED', `No deletion request with ID "${requestId}".`, 'Open the request from the deletion queue.', { requestId });
  return r;
}

export async function openRequestOf(db: DeletionDb, tenantId: string): Promise<DeletionRequestRow | null> {
  return (
    (await db
      .selectFrom('deletion_requests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('status', 'not in', ['completed', 'cancelled'])
      .executeTakeFirst()) ?? null
  );
}

/**
 * Writes a decided transition: the row (insert for `file`, otherwise an update
 * guarded by the status it was decided from, so a concurrent change cannot be
 * overwritten) and the next timeline entry.
 */
export async function writeTransition(
  trx: DeletionDb,
  t: Extract<DeletionTransition, { ok: true }>,
  actor: DeletionActor,
  extra: Partial<Pick<DeletionRequestsTable, 'journal' | 'tenant_prior_status'>> = {},
): Promise<Selectable<DeletionTransitionsTable>> {
  const cols = toColumns(t.next);
  if (t.from === null) {
    await trx
      .insertInto('deletion_requests')
      .values({ ...cols, journal: extra.journal ?? null, tenant_prior_status: extra.tenant_prior_status ?? null })
      .execute();
  } else {
    const res = await trx
      .updateTable('deletion_requests')
      .set({ ...cols, ...extra })
      .where('id', '=', t.next.id)
      .where('status', '=', t.from)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      throw new CustosError('DELETION_TRANSITION_REFUSED', `Request ${t.next.id} changed while you were working on it.`, 'Reload the request and try again.', { requestId: t.next.id });
    }
  }
  const last = await trx
    .selectFrom('deletion_transitions')
    .select((eb) => eb.fn.max<number | null>('n').as('n'))
    .where('request_id', '=', t.next.id)
    .executeTakeFirst();
  const entry = {
    id: `dt-${randomUUID()}`,
    request_id: t.next.id,
    n: Number(last?.n ?? 0) + 1,
    action: t.action,
    from_status: t.from,
    to_status: t.to,
    actor_label: actor.label,
    actor_staff_id: actor.staffId,
    at: t.next.updatedAt,
    note: t.note,
  };
  await trx.insertInto('deletion_transitions').values(entry).execute();
  return entry;
}
