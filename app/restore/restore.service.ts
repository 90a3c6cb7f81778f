/**
 * Restore as the console runs it (issue 6; PostgreSQL tenants, issue 8): the day plan, sandboxes, the comparison,
 * restore requests with four-eyes approval, the journaled executor as a job, and
 * rollback to the safety snapshot for a set period.
 *
 * Who does what (the dispatcher enforces roles; this enforces the rest):
 * - a live restore may be requested by support or technical staff; a selective one
 *   only by technical staff, from a sandbox they hold a justification grant for;
 * - a second staff member (technical or admin), never the requester, approves — the
 *   approval binds the snapshot and, for records, the plan's fingerprint;
 * - technical staff with a live grant run it; a failed run may be run again (it
 *   resumes from the journal); a completed one may be rolled back until
 *   `rollback_until`, unless a later restore completed since (roll that back first).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, chmodSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { AuditActor } from '../audit/audit.chain';
import type { RestoreRequestsTable, RestoreSandboxesTable } from '../control-plane/control-plane.schema';
import type { TenantRecord } from '../control-plane/tenant-record';
import type { ConsoleServices } from '../runtime/console';
import type { EntityName } from '../schema';
import { CustosError } from '../shared/errors';
import type { LongWork } from '../shared/progress';
import { restoreSnapshotToFile } from '../backups/snapshot.verifier';
import { RESTORE_STEPS, RESTORE_STEP_LABELS, parseRestoreJournal, type JournalStore } from './restore.journal';
import { runRestore, type RestoreOutcome, type RestoreWork } from './restore.executor';
import type { LiveTarget } from './live-target';
import { LiveCopies } from './live-copies';
import { postgresLiveTarget } from './live-target.postgres';
import { sqliteLiveTarget } from './live-target.sqlite';
import { planRestore, type RestorePlan } from './restore.plan';
import { compareWithLive, sandboxRecords, type DiffFilter, type DiffPage, type EntityComparison } from './sandbox.compare';
import { planSelection, type RecordRef, type SelectionPlan } from './selective';
import type { RestoreKind, RestoreRequestView, RestoreStatus, SandboxView, SelectionPlanView } from './restore.contract';

export type RestoreServices = Pick<
  ConsoleServices,
  'controlPlane' | 'objectStore' | 'catalogue' | 'tenantDbs' | 'clock' | 'jobs' | 'dataDir' | 'appVersion' | 'backups' | 'grants' | 'log' | 'config'
>;

export interface RestoreConfig {
  sandboxHours: number;
  rollbackDays: number;
}

type RequiredRequestColumns = 'id' | 'tenant_id' | 'kind' | 'status' | 'snapshot_id' | 'snapshot_taken_at' | 'ticket' | 'reason' | 'requested_by' | 'requested_by_staff_id' | 'requested_at' | 'updated_at';

/** A new restore_requests row: what the caller knows, every later-filled column empty. */
function newRequestRow(r: Pick<RestoreRequestsTable, RequiredRequestColumns> & Partial<RestoreRequestsTable>): RestoreRequestsTable {
  return {
    day: null,
    sandbox_id: null,
    selection: null,
    plan: null,
    plan_fingerprint: null,
    rollback_of: null,
    approved_by: null,
    approved_by_staff_id: null,
    approved_at: null,
    cancelled_by: null,
    cancelled_at: null,
    cancel_reason: null,
    job_id: null,
    started_by: null,
    started_at: null,
    finished_at: null,
    safety_snapshot_id: null,
    rollback_until: null,
    rolled_back_by: null,
    journal: null,
    result: null,
    error: null,
    ...r,
  };
}

export function planView(p: SelectionPlan): SelectionPlanView {
  const insertIds: Record<string, number[]> = {};
  const insert: Record<string, number> = {};
  for (const [k, ids] of Object.entries(p.insert)) {
    if (!ids || ids.length === 0) continue;
    insertIds[k] = ids;
    insert[k] = ids.length;
  }
  return { insert, insertIds, addedParents: p.addedParents, addedChildren: p.addedChildren, conflicts: p.conflicts, refusals: p.refusals, totalRows: p.totalRows, fingerprint: p.fingerprint };
}

export class RestoreService {
  private readonly liveCopies: LiveCopies;

  constructor(
    private readonly s: RestoreServices,
    private readonly config: RestoreConfig,
  ) {
    this.liveCopies = new LiveCopies(s.tenantDbs, () => s.backups.tmpDir);
  }

  /** Removes the shared dumps of live PostgreSQL tenants (console shutdown). */
  close(): Promise<void> {
    return this.liveCopies.close();
  }

  private get db() {
    return this.s.controlPlane.db;
  }

  private now(): string {
    return this.s.clock.now().toISOString();
  }

  sandboxRoot(tenantId: string): string {
    return join(this.s.dataDir, 'sandboxes', tenantId);
  }

  // ---- choosing ---------------------------------------------------------------------------

  async plan(tenantId: string, day: string): Promise<RestorePlan> {
    const record = await this.s.catalogue.get(tenantId);
    this.assertRestorable(record);
    const snapshots = await this.s.backups.snapshots(record.id);
    return planRestore(snapshots, day, this.s.clock.now(), record.createdAt);
  }

  private assertRestorable(record: TenantRecord): void {
    if (record.status === 'deleted') throw new CustosError('TENANT_DELETED', `Tenant ${record.id} was deleted; there is nothing to restore into.`, 'Open its tombstone for the certificate of deletion.');
  }

  /**
   * The live database as a SQLite file for the comparison and the selection planner:
   * SQLite, the live file itself (opened read-only); PostgreSQL, a dump of one
   * instant shared for a minute (live-copies.ts). The insert re-checks everything on live.
   */
  private withLiveFile<T>(record: TenantRecord, fn: (livePath: string) => T | Promise<T>): Promise<T> {
    return this.liveCopies.with(record, fn);
  }

  private async liveTarget(record: TenantRecord, requestId: string): Promise<LiveTarget> {
    const ctx = { requestId, tenantId: record.id, objectStore: this.s.objectStore, clock: this.s.clock, tmpDir: this.s.backups.tmpDir, appVersion: this.s.appVersion };
    if (record.dbEngine === 'postgres') return postgresLiveTarget(await this.s.tenantDbs.postgresAdmin(record), record.dbLocation, ctx);
    return sqliteLiveTarget(this.s.tenantDbs.pathOf(record), ctx);
  }

  private async snapshotRow(tenantId: string, snapshotId: string) {
    const row = (await this.s.backups.snapshots(tenantId)).find((r) => r.snapshotId === snapshotId);
    if (!row) throw new CustosError('SNAPSHOT_NOT_FOUND', `Tenant ${tenantId} has no snapshot ${snapshotId} in the index.`, 'Pick a snapshot from the day plan, or reindex the tenant\'s backups.');
    if (row.state !== 'complete') throw new CustosError('SNAPSHOT_INCOMPLETE', `Snapshot ${snapshotId} is ${row.state}; it cannot be restored.`, 'Pick another snapshot.');
    if (row.verification === 'failed') throw new CustosError('RESTORE_REFUSED', `Snapshot ${snapshotId} failed its last verification; it is not restored.`, 'Verify it again from the Backups panel, or pick another snapshot.');
    return row;
  }

  // ---- sandboxes ----------------------------------------------------------------------------

  private sandboxView(r: RestoreSandboxesTable): SandboxView {
    return {
      id: r.id,
      tenantId: r.tenant_id,
      snapshotId: r.snapshot_id,
      snapshotTakenAt: r.snapshot_taken_at,
      status: r.status as SandboxView['status'],
      bytes: r.bytes === null ? null : Number(r.bytes),
      createdBy: r.created_by,
      ticket: r.ticket,
      jobId: r.job_id,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      error: r.error,
    };
  }

  async sandboxes(tenantId: string): Promise<SandboxView[]> {
    await this.sweep();
    const rows = await this.db.selectFrom('restore_sandboxes').selectAll().where('tenant_id', '=', tenantId).where('status', '!=', 'removed').orderBy('created_at', 'desc').execute();
    return rows.map((r) => this.sandboxView(r));
  }

  private sandboxFile(r: RestoreSandboxesTable): string {
    const p = resolve(this.s.dataDir, r.path);
    if (!p.startsWith(resolve(this.sandboxRoot(r.tenant_id)) + sep)) throw new CustosError('INTERNAL', 'A sandbox path points outside the sandboxes folder.', 'Report this to engineering.');
    return p;
  }

  private async readySandbox(tenantId: string, sandboxId: string): Promise<{ row: RestoreSandboxesTable; file: string }> {
    const row = await this.db.selectFrom('restore_sandboxes').selectAll().where('id', '=', sandboxId).where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!row || row.status === 'removed') throw new CustosError('RESTORE_REFUSED', `Sandbox ${sandboxId} does not exist any more (sandboxes expire after ${this.config.sandboxHours} hours).`, 'Open a sandbox of the snapshot again.');
    if (row.status === 'opening') throw new CustosError('TENANT_BUSY', `Sandbox ${sandboxId} is still being restored.`, 'Wait for its job to finish.');
    if (row.status === 'failed') throw new CustosError('RESTORE_REFUSED', `Sandbox ${sandboxId} could not be opened: ${row.error ?? 'unknown error'}.`, 'Pick another snapshot.');
    if (Date.parse(row.expires_at) <= this.s.clock.now().getTime()) {
      await this.removeSandbox(row);
      throw new CustosError('RESTORE_REFUSED', `Sandbox ${sandboxId} has expired and was deleted.`, 'Open a sandbox of the snapshot again.');
    }
    const file = this.sandboxFile(row);
    if (!existsSync(file)) throw new CustosError('RESTORE_REFUSED', `The file of sandbox ${sandboxId} is gone from this machine.`, 'Close it and open a sandbox again.');
    return { row, file };
  }

  async openSandbox(tenantId: string, snapshotId: string, actor: AuditActor, grant: { id: string; ticket: string } | null): Promise<{ jobId: string; sandboxId: string }> {
    const record = await this.s.catalogue.get(tenantId);
    this.assertRestorable(record);
    const snap = await this.snapshotRow(record.id, snapshotId);
    const id = `sb-${randomUUID()}`;
    const dir = join(this.sandboxRoot(record.id), id);
    const file = join(dir, 'snapshot.sqlite');
    const now = this.s.clock.now();
    await this.db
      .insertInto('restore_sandboxes')
      .values({
        id,
        tenant_id: record.id,
        snapshot_id: snapshotId,
        snapshot_taken_at: snap.takenAt,
        status: 'opening',
        path: relative(this.s.dataDir, file),
        bytes: null,
        created_by: actor.label,
        created_by_staff_id: actor.staffId,
        grant_id: grant?.id ?? null,
        ticket: grant?.ticket ?? '',
        job_id: null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.config.sandboxHours * 3_600_000).toISOString(),
        removed_at: null,
        error: null,
      })
      .execute();
    const { jobId } = this.s.jobs.start({
      kind: 'sandbox',
      tenantId: record.id,
      actor,
      params: { tenantId: record.id, snapshotId, sandboxId: id },
      run: async (work) => {
        try {
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          await restoreSnapshotToFile({ objectStore: this.s.objectStore, tenantId: record.id, snapshotId, tmpDir: this.s.backups.tmpDir, clock: this.s.clock, targetPath: file, ...work });
          // Read-only on disk too: nothing in the console writes to a sandbox.
          chmodSync(file, 0o400);
          const bytes = statSync(file).size;
          await this.db.updateTable('restore_sandboxes').set({ status: 'ready', bytes }).where('id', '=', id).execute();
          return { sandboxId: id, bytes };
        } catch (e) {
          rmSync(dir, { recursive: true, force: true });
          await this.db
            .updateTable('restore_sandboxes')
            .set({ status: 'failed', error: e instanceof Error ? e.message : String(e) })
            .where('id', '=', id)
            .execute();
          throw e;
        }
      },
    });
    await this.db.updateTable('restore_sandboxes').set({ job_id: jobId }).where('id', '=', id).execute();
    return { jobId, sandboxId: id };
  }

  async closeSandbox(tenantId: string, sandboxId: string): Promise<void> {
    const row = await this.db.selectFrom('restore_sandboxes').selectAll().where('id', '=', sandboxId).where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!row) throw new CustosError('INVALID_INPUT', `No sandbox ${sandboxId} for tenant ${tenantId}.`, 'Reload the tenant page.');
    await this.removeSandbox(row);
  }

  private async removeSandbox(row: RestoreSandboxesTable): Promise<void> {
    rmSync(join(this.sandboxRoot(row.tenant_id), row.id), { recursive: true, force: true, maxRetries: 3 });
    await this.db.updateTable('restore_sandboxes').set({ status: 'removed', removed_at: this.now() }).where('id', '=', row.id).execute();
  }

  /**
   * Deletes expired sandboxes (kept while an open selective request still needs its
   * file) and releases safety-snapshot holds whose rollback period ended.
   */
  async sweep(): Promise<{ removed: number; released: number }> {
    const now = this.now();
    const expired = await this.db.selectFrom('restore_sandboxes').selectAll().where('status', '!=', 'removed').where('expires_at', '<=', now).execute();
    const needed = new Set(
      (await this.db.selectFrom('restore_requests').select('sandbox_id').where('kind', '=', 'records').where('status', 'in', ['requested', 'approved', 'running']).execute()).map((r) => r.sandbox_id),
    );
    let removed = 0;
    for (const r of expired) {
      if (needed.has(r.id)) continue;
      await this.removeSandbox(r);
      removed++;
    }
    const ended = await this.db.selectFrom('restore_requests').select(['id', 'tenant_id', 'safety_snapshot_id']).where('rollback_until', '<=', now).where('safety_snapshot_id', 'is not', null).execute();
    let released = 0;
    for (const r of ended) {
      const u = await this.db
        .updateTable('backup_holds')
        .set({ released_at: now })
        .where('tenant_id', '=', r.tenant_id)
        .where('snapshot_id', '=', r.safety_snapshot_id!)
        .where('reason', 'like', `safety snapshot of restore ${r.id}%`)
        .where('released_at', 'is', null)
        .executeTakeFirst();
      released += Number(u.numUpdatedRows);
    }
    return { removed, released };
  }

  async compare(tenantId: string, sandboxId: string): Promise<EntityComparison[]> {
    const { file } = await this.readySandbox(tenantId, sandboxId);
    const record = await this.s.catalogue.get(tenantId);
    this.assertRestorable(record);
    return this.withLiveFile(record, (live) => compareWithLive(file, live));
  }

  async records(tenantId: string, sandboxId: string, entityName: EntityName, filter: DiffFilter, afterId: number, limit: number): Promise<DiffPage> {
    const { file } = await this.readySandbox(tenantId, sandboxId);
    const record = await this.s.catalogue.get(tenantId);
    if (filter === 'all') return sandboxRecords(file, null, entityName, filter, afterId, limit);
    this.assertRestorable(record);
    return this.withLiveFile(record, (live) => sandboxRecords(file, live, entityName, filter, afterId, limit));
  }

  async previewSelection(tenantId: string, sandboxId: string, selection: readonly RecordRef[]): Promise<SelectionPlan> {
    const { file } = await this.readySandbox(tenantId, sandboxId);
    const record = await this.s.catalogue.get(tenantId);
    this.assertRestorable(record);
    return this.withLiveFile(record, (livePath) => planSelection({ snapshotPath: file, livePath, selection }));
  }

  // ---- requests -------------------------------------------------------------------------------

  private async row(requestId: string): Promise<RestoreRequestsTable> {
    const r = await this.db.selectFrom('restore_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
    if (!r) throw new CustosError('INVALID_INPUT', `No restore request ${requestId}.`, 'Check the request ID on the tenant\'s Restore panel.');
    return r;
  }

  async view(r: RestoreRequestsTable): Promise<RestoreRequestView> {
    const journal = parseRestoreJournal(r.journal);
    const { can: canRollBack } = await this.rollbackState(r);
    return {
      id: r.id,
      tenantId: r.tenant_id,
      kind: r.kind as RestoreKind,
      status: r.status as RestoreStatus,
      snapshotId: r.snapshot_id,
      snapshotTakenAt: r.snapshot_taken_at,
      day: r.day,
      ticket: r.ticket,
      reason: r.reason,
      sandboxId: r.sandbox_id,
      plan: r.plan ? planView(JSON.parse(r.plan) as SelectionPlan) : null,
      rollbackOf: r.rollback_of,
      requestedBy: r.requested_by,
      requestedAt: r.requested_at,
      approvedBy: r.approved_by,
      approvedAt: r.approved_at,
      cancelledBy: r.cancelled_by,
      cancelledAt: r.cancelled_at,
      cancelReason: r.cancel_reason,
      jobId: r.job_id,
      startedBy: r.started_by,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      safetySnapshotId: r.safety_snapshot_id,
      rollbackUntil: r.rollback_until,
      rolledBackBy: r.rolled_back_by,
      canRollBack,
      steps: RESTORE_STEPS.map((id) => ({ id, label: RESTORE_STEP_LABELS[r.kind === 'records' ? 'records' : 'database'][id], doneAt: journal?.steps[id]?.doneAt ?? null })),
      result: r.result ? (JSON.parse(r.result) as RestoreRequestView['result']) : null,
      error: r.error ? (JSON.parse(r.error) as RestoreRequestView['error']) : null,
    };
  }

  /** Whether a request can be rolled back now, and the later restore that blocks it, if any. */
  private async rollbackState(r: RestoreRequestsTable): Promise<{ can: boolean; later: string | null }> {
    if (r.status !== 'completed') return { can: false, later: null };
    const later = await this.laterCompleted(r);
    const inPeriod = r.safety_snapshot_id !== null && r.rollback_until !== null && Date.parse(r.rollback_until) > this.s.clock.now().getTime();
    return { can: inPeriod && later === null, later };
  }

  private async laterCompleted(r: RestoreRequestsTable): Promise<string | null> {
    const later = await this.db
      .selectFrom('restore_requests')
      .select('id')
      .where('tenant_id', '=', r.tenant_id)
      .where('status', 'in', ['completed', 'rolled_back', 'running'])
      .where('started_at', '>', r.started_at ?? '')
      .where('id', '!=', r.id)
      .executeTakeFirst();
    return later?.id ?? null;
  }

  async get(requestId: string): Promise<RestoreRequestView> {
    return this.view(await this.row(requestId));
  }

  async list(tenantId: string | undefined, limit: number): Promise<RestoreRequestView[]> {
    let q = this.db.selectFrom('restore_requests').selectAll().orderBy('requested_at', 'desc').limit(limit);
    if (tenantId) q = q.where('tenant_id', '=', tenantId);
    const rows = await q.execute();
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async request(
    input:
      | { kind: 'live'; tenantId: string; snapshotId: string; day?: string | undefined; ticket: string; reason: string }
      | { kind: 'records'; tenantId: string; sandboxId: string; selection: RecordRef[]; ticket: string; reason: string },
    actor: AuditActor,
  ): Promise<RestoreRequestView> {
    const record = await this.s.catalogue.get(input.tenantId);
    this.assertRestorable(record);
    let snapshotId: string;
    let plan: SelectionPlan | null = null;
    let sandboxId: string | null = null;
    if (input.kind === 'live') {
      snapshotId = input.snapshotId;
    } else {
      if (!actor.staffId) throw new CustosError('FORBIDDEN', 'A selective restore is requested by a staff member, from a sandbox.', 'Sign in to the console.');
      await this.s.grants.requireLive(actor.staffId, record.id);
      const { row, file } = await this.readySandbox(record.id, input.sandboxId);
      snapshotId = row.snapshot_id;
      sandboxId = row.id;
      plan = await this.withLiveFile(record, (livePath) => planSelection({ snapshotPath: file, livePath, selection: input.selection }));
      if (plan.refusals.length > 0) {
        throw new CustosError('RESTORE_REFUSED', `This selection cannot be restored: ${plan.refusals.slice(0, 3).map((r) => r.reason).join('; ')}.`, 'Change the selection (the preview lists every reason).', { refusals: plan.refusals.slice(0, 50) });
      }
      if (plan.totalRows === 0) throw new CustosError('RESTORE_REFUSED', 'Every selected record already exists in the live database; there is nothing to restore.', 'Pick records shown as "only in the snapshot".', { conflicts: plan.conflicts.slice(0, 50) });
    }
    const snap = await this.snapshotRow(record.id, snapshotId);
    const now = this.now();
    const id = `r-${randomUUID()}`;
    await this.db
      .insertInto('restore_requests')
      .values(
        newRequestRow({
          id,
          tenant_id: record.id,
          kind: input.kind,
          status: 'requested',
          snapshot_id: snapshotId,
          snapshot_taken_at: snap.takenAt,
          day: input.kind === 'live' ? (input.day ?? null) : null,
          ticket: input.ticket.trim(),
          reason: input.reason.trim(),
          sandbox_id: sandboxId,
          selection: input.kind === 'records' ? JSON.stringify(input.selection) : null,
          plan: plan ? JSON.stringify(plan) : null,
          plan_fingerprint: plan?.fingerprint ?? null,
          requested_by: actor.label,
          requested_by_staff_id: actor.staffId,
          requested_at: now,
          updated_at: now,
        }),
      )
      .execute();
    return this.get(id);
  }

  async approve(requestId: string, actor: AuditActor): Promise<RestoreRequestView> {
    const r = await this.row(requestId);
    if (r.status !== 'requested') throw new CustosError('APPROVAL_INVALID', `Restore request ${r.id} is ${r.status}; only a requested one can be approved.`, 'Reload the request.');
    if (!actor.staffId || actor.staffId === r.requested_by_staff_id) {
      throw new CustosError('APPROVAL_INVALID', 'A restore is approved by a second staff member, never by the one who requested it.', 'Ask another technical staff member or an admin to approve it.');
    }
    // The approval covers exactly this snapshot and, for records, this plan; the update only applies if nothing moved meanwhile.
    const u = await this.db
      .updateTable('restore_requests')
      .set({ status: 'approved', approved_by: actor.label, approved_by_staff_id: actor.staffId, approved_at: this.now(), updated_at: this.now() })
      .where('id', '=', r.id)
      .where('status', '=', 'requested')
      .executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) throw new CustosError('APPROVAL_INVALID', `Restore request ${r.id} changed while you were approving it.`, 'Reload it and look again.');
    return this.get(r.id);
  }

  async cancel(requestId: string, reason: string, actor: AuditActor, isAdmin: boolean): Promise<RestoreRequestView> {
    const r = await this.row(requestId);
    if (r.status !== 'requested' && r.status !== 'approved' && r.status !== 'failed') {
      throw new CustosError('RESTORE_REFUSED', `Restore request ${r.id} is ${r.status}; it can no longer be cancelled.`, r.status === 'completed' ? 'Roll it back instead, while the rollback period lasts.' : 'Reload the request.');
    }
    if (r.status === 'failed') {
      const j = parseRestoreJournal(r.journal);
      if (j?.steps.swap && !j.rolledBack) {
        throw new CustosError('RESTORE_REFUSED', `Restore request ${r.id} already swapped the database before it failed; cancelling now would leave it half-done.`, 'Run it again to finish it; then roll it back if it is not wanted.');
      }
    }
    if (!isAdmin && actor.staffId !== r.requested_by_staff_id && actor.staffId !== r.approved_by_staff_id) {
      throw new CustosError('FORBIDDEN', 'Only the requester, the approver or an admin can cancel a restore request.', 'Ask one of them.');
    }
    await this.db
      .updateTable('restore_requests')
      .set({ status: 'cancelled', cancelled_by: actor.label, cancelled_at: this.now(), cancel_reason: reason.trim(), updated_at: this.now() })
      .where('id', '=', r.id)
      .where('status', '=', r.status)
      .execute();
    return this.get(r.id);
  }

  /** Starts (or resumes) an approved restore as an exclusive job. */
  async run(tenantId: string, requestId: string, actor: AuditActor): Promise<{ jobId: string; done: Promise<unknown> }> {
    const r = await this.row(requestId);
    if (r.tenant_id !== tenantId) throw new CustosError('INVALID_INPUT', `Restore request ${r.id} is for another tenant.`, 'Open the request from its tenant page.');
    if (r.status !== 'approved' && r.status !== 'failed') {
      throw new CustosError('APPROVAL_INVALID', `Restore request ${r.id} is ${r.status}; only an approved request (or a failed one, to resume) runs.`, r.status === 'requested' ? 'It needs the approval of a second technical staff member or admin first.' : 'Reload the request.');
    }
    if (r.status === 'failed' && r.kind !== 'rollback' && !r.approved_at) throw new CustosError('APPROVAL_INVALID', 'This request was never approved.', 'Ask for an approval.');
    const record = await this.s.catalogue.get(r.tenant_id);
    this.assertRestorable(record);
    return this.startJob(r, record, actor);
  }

  private async startJob(r: RestoreRequestsTable, record: TenantRecord, actor: AuditActor): Promise<{ jobId: string; done: Promise<unknown> }> {
    let work: RestoreWork;
    if (r.kind === 'records') {
      const { file } = await this.readySandbox(record.id, r.sandbox_id ?? '');
      work = { kind: 'records', snapshotId: r.snapshot_id, sandboxPath: file, plan: JSON.parse(r.plan ?? 'null') as SelectionPlan };
    } else {
      work = { kind: 'live', snapshotId: r.snapshot_id };
    }
    // Before the request is marked running: an unreachable database server leaves it as it was.
    const target = await this.liveTarget(record, r.id);
    const from = r.status;
    const u = await this.db
      .updateTable('restore_requests')
      .set({ status: 'running', started_by: actor.label, started_at: r.started_at ?? this.now(), error: null, updated_at: this.now() })
      .where('id', '=', r.id)
      .where('status', '=', from)
      .executeTakeFirst()
      .catch((e: unknown) => {
        throw new CustosError('TENANT_BUSY', `Another restore of tenant ${record.id} is running.`, 'Wait for it to finish.', { cause: String(e) });
      });
    if (Number(u.numUpdatedRows) !== 1) throw new CustosError('APPROVAL_INVALID', `Restore request ${r.id} changed meanwhile.`, 'Reload it.');
    const journal: JournalStore = {
      load: async () => parseRestoreJournal((await this.row(r.id)).journal),
      save: async (j) => {
        await this.db.updateTable('restore_requests').set({ journal: JSON.stringify(j), safety_snapshot_id: j.safetySnapshotId, updated_at: this.now() }).where('id', '=', r.id).execute();
      },
    };
    await this.liveCopies.invalidate(record.id);
    const started = this.s.jobs.start({
      kind: r.kind === 'live' ? 'restore' : r.kind === 'records' ? 'restore-records' : 'restore-rollback',
      tenantId: record.id,
      actor,
      exclusive: true,
      params: { tenantId: record.id, requestId: r.id, snapshotId: r.snapshot_id, kind: r.kind },
      run: async (lw: LongWork & { jobId: string }) => {
        try {
          const outcome = await runRestore(
            work,
            {
              requestId: r.id,
              tenantId: record.id,
              target,
              objectStore: this.s.objectStore,
              clock: this.s.clock,
              journal,
              tenantStatus: async () => (await this.s.catalogue.get(record.id)).status,
              setTenantStatus: async (status) => this.s.catalogue.update(record.id, { status }, this.s.clock.now()),
              onSafetySnapshot: async (m) => {
                await this.s.backups.indexManifest(m);
                await this.db
                  .insertInto('backup_holds')
                  .values({ id: `h-${randomUUID()}`, tenant_id: record.id, snapshot_id: m.snapshotId, reason: `safety snapshot of restore ${r.id} (rollback period)`, created_by: actor.label, created_at: this.now(), released_at: null })
                  .execute();
              },
              releaseHandles: () => this.s.tenantDbs.closeTenant(record.id),
            },
            lw,
          );
          await this.finished(r, outcome);
          return outcome;
        } catch (e) {
          const info = e instanceof CustosError ? e.toInfo() : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
          await this.db
            .updateTable('restore_requests')
            .set({ status: 'failed', finished_at: this.now(), error: JSON.stringify({ code: info.code, message: info.message, ...('hint' in info && info.hint ? { hint: info.hint } : {}) }), updated_at: this.now() })
            .where('id', '=', r.id)
            .execute();
          throw e;
        }
      },
      summarize: (o) => ({ kind: o.kind, snapshotId: o.snapshotId, safetySnapshotId: o.safetySnapshotId, inserted: o.inserted, missingFiles: o.missingFileCount }),
    });
    await this.db.updateTable('restore_requests').set({ job_id: started.jobId }).where('id', '=', r.id).execute();
    return started;
  }

  private async finished(r: RestoreRequestsTable, o: RestoreOutcome): Promise<void> {
    await this.liveCopies.invalidate(r.tenant_id);
    const now = this.s.clock.now();
    const rollbackUntil = new Date(now.getTime() + this.config.rollbackDays * 86_400_000).toISOString();
    await this.db
      .updateTable('restore_requests')
      .set({
        status: 'completed',
        finished_at: now.toISOString(),
        safety_snapshot_id: o.safetySnapshotId,
        rollback_until: rollbackUntil,
        result: JSON.stringify({ rowCounts: o.rowCounts, inserted: o.inserted, missingFiles: o.missingFiles, missingFileCount: o.missingFileCount, runs: o.runs }),
        error: null,
        updated_at: now.toISOString(),
      })
      .where('id', '=', r.id)
      .execute();
    if (r.kind === 'rollback' && r.rollback_of) {
      await this.db.updateTable('restore_requests').set({ status: 'rolled_back', rolled_back_by: r.id, updated_at: now.toISOString() }).where('id', '=', r.rollback_of).execute();
    }
    const record = await this.s.catalogue.get(r.tenant_id);
    const size = record.dbEngine === 'sqlite' ? statSync(this.s.tenantDbs.pathOf(record)).size : await this.s.tenantDbs.with(record, (db) => db.sizeBytes());
    await this.s.catalogue.update(record.id, { db_size_bytes: size }, now);
  }

  /**
   * One-click roll back: restores the safety snapshot a completed restore took, as a
   * new request that runs at once. It needs no second approval — it returns the
   * tenant to the state the approved restore replaced, which is what that approval's
   * safety net promised — but it is a job, journaled and audited like any restore.
   */
  async rollback(tenantId: string, requestId: string, reason: string, actor: AuditActor): Promise<{ jobId: string; requestId: string }> {
    const orig = await this.row(requestId);
    if (orig.tenant_id !== tenantId) throw new CustosError('INVALID_INPUT', `Restore request ${orig.id} is for another tenant.`, 'Open it from its tenant page.');
    const { can, later } = await this.rollbackState(orig);
    if (!can) {
      throw new CustosError(
        'RESTORE_REFUSED',
        orig.status !== 'completed'
          ? `Restore request ${orig.id} is ${orig.status}; only a completed restore can be rolled back.`
          : later
            ? `A later restore (${later}) ran on this tenant since; rolling this one back would undo it too.`
            : `The rollback period of restore ${orig.id} ended on ${orig.rollback_until ?? '—'}.`,
        later ? `Roll back ${later} first.` : 'Restore the snapshot you need through a new, approved request.',
      );
    }
    const record = await this.s.catalogue.get(tenantId);
    this.assertRestorable(record);
    const snap = await this.snapshotRow(record.id, orig.safety_snapshot_id!);
    const now = this.now();
    const id = `r-${randomUUID()}`;
    await this.db
      .insertInto('restore_requests')
      .values(
        newRequestRow({
          id,
          tenant_id: record.id,
          kind: 'rollback',
          status: 'approved',
          snapshot_id: snap.snapshotId,
          snapshot_taken_at: snap.takenAt,
          ticket: orig.ticket,
          reason: reason.trim(),
          rollback_of: orig.id,
          requested_by: actor.label,
          requested_by_staff_id: actor.staffId,
          requested_at: now,
          approved_by: `covered by the approval of ${orig.id} (${orig.approved_by ?? '—'})`,
          approved_by_staff_id: orig.approved_by_staff_id,
          approved_at: now,
          updated_at: now,
        }),
      )
      .execute();
    const { jobId } = await this.startJob(await this.row(id), record, actor);
    return { jobId, requestId: id };
  }

  /** Deletion (issue 7) plugs this in: a deleted tenant's requests lose their free text and plans. */
  static async scrub(trx: RestoreServices['controlPlane']['db'], tenantId: string): Promise<void> {
    await trx.deleteFrom('restore_sandboxes').where('tenant_id', '=', tenantId).execute();
    await trx.updateTable('restore_requests').set({ reason: '(removed at deletion)', selection: null, plan: null, result: null, journal: null }).where('tenant_id', '=', tenantId).execute();
  }
}

