/**
 * Deletion requests (issue 7) on top of the state machine and the control plane:
 * every operation decides with {@link transition} inside one control-plane
 * transaction, writes the request row and its timeline entry, then an audit
 * record. Audit params carry IDs and the customer's request reference only —
 * never the requester contact, reasons or hold texts (CONVENTIONS.md §10,
 * issue 7: "the audit log holds no customer personal data").
 */
import { randomUUID } from 'node:crypto';
import type { AuditActor } from '../audit/audit.chain';
import type { AuditLog } from '../audit/audit.service';
import type { ControlPlane } from '../control-plane/control-plane.port';
import type { JobRunner } from '../jobs/job-runner';
import type { ConsoleServices } from '../runtime/console';
import type { Clock } from '../shared/clock.port';
import { CustosError, isCustosError } from '../shared/errors';
import type { LongWork } from '../shared/progress';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { DEFAULT_DELETION_CONFIG, type DeletionConfig } from './deletion.config';
import { sha256Hex } from './deletion.certificate';
import { DeletionExecutor, type ControlPlaneScrubber, type DeletionExecutionResult, type SandboxDirs } from './deletion.executor';
import { parseJournal, summariseJournal, type JournalSummary } from './deletion.journal';
import { openRequestOf, requireRequest, toState, writeTransition, type LoadedRequest } from './deletion.repository';
import {
  DELETION_ROLES,
  OPEN_DELETION_STATUSES,
  approvalState,
  availableActions,
  countdown,
  dueDate,
  parametersHash,
  transition,
  viewStatus,
  type AmendableParameter,
  type ApprovalState,
  type Countdown,
  type DeletionAction,
  type DeletionActionType,
  type DeletionParameters,
  type DeletionRefusal,
  type DeletionRequestState,
  type DeletionStatus,
  type DeletionViewStatus,
  type DueDate,
} from './deletion.state-machine';
import { deletionDb, type DeletionDb, type DeletionRequestsTable } from './deletion.tables';
import { findTombstone, tombstonedError, type Tombstone } from './tombstone.guard';
import { SqliteTenantDatabaseDropper, type TenantDatabaseDropper } from './tenant-database.dropper';

export interface DeletionServiceDeps {
  controlPlane: ControlPlane;
  objectStore: ObjectStore;
  audit: AuditLog;
  jobs: JobRunner;
  clock: Clock;
  dropper: TenantDatabaseDropper;
  appVersion: string;
  config?: DeletionConfig;
  sandboxDirs?: SandboxDirs;
  controlPlaneScrubbers?: readonly ControlPlaneScrubber[];
  /** Test hook passed to the executor (see DeletionExecutorDeps.checkpoint). */
  checkpoint?: (point: string) => void | Promise<void>;
}

export type FileDeletionInput = Omit<DeletionParameters, 'requesterContact'> & { requesterContact: string };

export interface DeletionRequestView {
  id: string;
  tenantId: string;
  /** The word to type to confirm execution (null after completion). */
  tenantSlug: string | null;
  status: DeletionStatus;
  /** `on_hold` while the tenant's legal hold blocks an open request. */
  viewStatus: DeletionViewStatus;
  legalHold: string | null;
  requestReference: string;
  receivedOn: string;
  requesterContact: string | null;
  reason: string;
  wantsFinalExport: boolean;
  finalExport: DeletionRequestState['finalExport'];
  filedBy: string;
  filedAt: string;
  approval: { by: string; at: string; expiresAt: string | null; state: ApprovalState } | null;
  /** What an approver sends back to approve exactly this (CONVENTIONS.md §15: preview, then act with its token). */
  parametersHash: string;
  scheduledFor: string | null;
  countdown: Countdown | null;
  due: DueDate;
  cancellation: DeletionRequestState['cancellation'];
  executingStartedAt: string | null;
  executedBy: string | null;
  completedAt: string | null;
  certificateId: string | null;
  journal: JournalSummary | null;
  /** What the viewer may do now (empty when no viewer was given). */
  availableActions: DeletionActionType[];
  updatedAt: string;
}

export interface DeletionTransitionView {
  n: number;
  action: string;
  from: string | null;
  to: string;
  actor: string;
  at: string;
  note: string | null;
}

export interface DeletionListFilter {
  /** A stored status, or `on_hold` for open requests whose tenant is on legal hold. */
  status?: DeletionViewStatus;
  tenantId?: string;
  /** Only open requests past their legal due date. */
  overdue?: boolean;
  sort?: 'dueOn' | 'filedAt';
  offset?: number;
  limit?: number;
}

export interface DeletionCertificateFiles {
  certificateId: string;
  requestId: string;
  tenantId: string;
  json: string;
  jsonSha256: string;
  pdf: Buffer;
  pdfSha256: string;
  jsonKey: string;
  pdfKey: string;
  createdAt: string;
}

const DAY = 86_400_000;

function refusalError(refusal: DeletionRefusal, details: Record<string, unknown>): CustosError {
  return new CustosError(refusal.code, refusal.message, refusal.hint, { reason: refusal.reason, ...details });
}

function tenantOnlyHoldRefusal(tenantId: string, current: string | null, action: Extract<DeletionAction, { type: 'hold' | 'release' }>, actor: AuditActor): DeletionRefusal | null {
  if (!DELETION_ROLES[action.type].some((r) => actor.roles.includes(r))) {
    return { code: 'FORBIDDEN', reason: 'ROLE', message: `Your roles do not allow you to ${action.type === 'hold' ? 'put a tenant on legal hold' : 'lift a legal hold'}.`, hint: `This needs ${DELETION_ROLES[action.type].join(' or ')}.` };
  }
  if (action.type === 'hold' && current !== null) {
    return { code: 'DELETION_TRANSITION_REFUSED', reason: 'ALREADY_ON_HOLD', message: `Tenant ${tenantId} is already on legal hold (${current}).`, hint: 'Nothing to do.' };
  }
  if (action.type === 'hold' && action.reason.trim().length < 3) {
    return { code: 'DELETION_TRANSITION_REFUSED', reason: 'REASON_REQUIRED', message: 'Say why the tenant is on legal hold.', hint: 'Give the legal reason; staff see it on the tenant and its requests.' };
  }
  if (action.type === 'release' && current === null) {
    return { code: 'DELETION_TRANSITION_REFUSED', reason: 'NOT_ON_HOLD', message: `Tenant ${tenantId} is not on legal hold.`, hint: 'Nothing to do.' };
  }
  return null;
}

function isUniqueViolation(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /UNIQUE constraint failed|duplicate key value/i.test(msg);
}

export class DeletionService {
  readonly config: DeletionConfig;
  private readonly db: DeletionDb;
  private readonly executor: DeletionExecutor;

  constructor(private readonly deps: DeletionServiceDeps) {
    this.config = deps.config ?? DEFAULT_DELETION_CONFIG;
    this.db = deletionDb(deps.controlPlane.db);
    this.executor = new DeletionExecutor({
      controlPlane: deps.controlPlane,
      objectStore: deps.objectStore,
      dropper: deps.dropper,
      audit: deps.audit,
      clock: deps.clock,
      config: this.config,
      appVersion: deps.appVersion,
      ...(deps.sandboxDirs ? { sandboxDirs: deps.sandboxDirs } : {}),
      ...(deps.controlPlaneScrubbers ? { controlPlaneScrubbers: deps.controlPlaneScrubbers } : {}),
      ...(deps.checkpoint ? { checkpoint: deps.checkpoint } : {}),
    });
  }

  // ---- audit -------------------------------------------------------------------------

  private async auditOk(actor: AuditActor, action: DeletionActionType, r: DeletionRequestState, from: string | null, extra: Record<string, unknown> = {}): Promise<void> {
    await this.deps.audit.append({
      actor,
      action: `deletion.${action}`,
      tenantId: r.tenantId,
      params: { requestId: r.id, reference: r.requestReference, from, to: r.status, ...extra },
      outcome: { status: 'ok' },
    });
  }

  /** Refusals are audited too: a self-approval or a replayed approval is exactly what a reviewer looks for. */
  private async auditRefused(actor: AuditActor, action: DeletionActionType, tenantId: string | null, requestId: string | null, refusal: DeletionRefusal): Promise<void> {
    await this.deps.audit.append({
      actor,
      action: `deletion.${action}`,
      tenantId,
      params: { requestId, refusal: refusal.reason },
      outcome: { status: 'refused', code: refusal.code },
    });
  }

  // ---- one transition ------------------------------------------------------------------

  /**
   * Decides and writes one action on an existing request, in one transaction.
   * `effects` runs in the same transaction after a successful decision (tenant
   * status, legal hold) and may return extra row columns.
   */
  private async act(
    requestId: string,
    action: Exclude<DeletionAction, { type: 'file' }>,
    actor: AuditActor,
    options: {
      effects?: (trx: DeletionDb, before: LoadedRequest, next: DeletionRequestState) => Promise<Partial<Pick<DeletionRequestsTable, 'tenant_prior_status'>> | void>;
      auditExtra?: (next: DeletionRequestState) => Record<string, unknown>;
    } = {},
  ): Promise<DeletionRequestState> {
    const now = this.deps.clock.now();
    const outcome = await this.deps.controlPlane.exclusive(`deletion:${requestId}`, async (trx) => {
      const db = deletionDb(trx);
      const before = await requireRequest(db, requestId);
      const t = transition(before.state, action, actor, now, this.config);
      if (!t.ok) return { ok: false as const, refusal: t.refusal, tenantId: before.state.tenantId };
      const extra = (await options.effects?.(db, before, t.next)) ?? {};
      await writeTransition(db, t, actor, extra);
      return { ok: true as const, next: t.next, from: before.state.status };
    });
    if (!outcome.ok) {
      await this.auditRefused(actor, action.type, outcome.tenantId, requestId, outcome.refusal);
      throw refusalError(outcome.refusal, { requestId });
    }
    await this.auditOk(actor, action.type, outcome.next, outcome.from, options.auditExtra?.(outcome.next) ?? {});
    return outcome.next;
  }

  // ---- operations ------------------------------------------------------------------------

  /** Files a request (account managers). One open request per tenant. */
  async file(input: FileDeletionInput, actor: AuditActor): Promise<DeletionRequestView> {
    const now = this.deps.clock.now();
    const requestId = `dr-${randomUUID()}`;
    let outcome: { ok: true; next: DeletionRequestState } | { ok: false; refusal: DeletionRefusal };
    try {
      outcome = await this.deps.controlPlane.exclusive(`deletion:file:${input.tenantId}`, async (trx) => {
        const db = deletionDb(trx);
        const tomb = await findTombstone(trx, input.tenantId);
        if (tomb) throw tombstonedError(tomb);
        const tenant = await db.selectFrom('tenants').select(['id', 'slug', 'status', 'legal_hold']).where('id', '=', input.tenantId).executeTakeFirst();
        if (!tenant) throw new CustosError('TENANT_NOT_FOUND', `No tenant with ID "${input.tenantId}".`, 'Search the tenant directory for the right tenant.');
        if (tenant.status === 'deleted') throw new CustosError('TENANT_DELETED', `Tenant ${tenant.id} is already deleted.`, 'Open its tombstone for the certificate of deletion.');
        const open = await openRequestOf(db, tenant.id);
        if (open) {
          throw new CustosError('DELETION_TRANSITION_REFUSED', `Tenant ${tenant.id} already has an open deletion request (${open.id}, ${open.status}).`, 'Open that request instead of filing a second one.', {
            reason: 'ILLEGAL_STATE',
            requestId: open.id,
          });
        }
        const t = transition(
          null,
          {
            type: 'file',
            requestId,
            tenantSlug: tenant.slug,
            legalHold: tenant.legal_hold,
            params: {
              tenantId: tenant.id,
              requestReference: input.requestReference,
              receivedOn: input.receivedOn,
              requesterContact: input.requesterContact,
              reason: input.reason,
              wantsFinalExport: input.wantsFinalExport,
            },
          },
          actor,
          now,
          this.config,
        );
        if (!t.ok) return { ok: false as const, refusal: t.refusal };
        await writeTransition(db, t, actor);
        return { ok: true as const, next: t.next };
      });
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new CustosError('DELETION_TRANSITION_REFUSED', `Tenant ${input.tenantId} already has an open deletion request.`, 'Reload the deletion queue and open that request.', { reason: 'ILLEGAL_STATE' });
      }
      throw e;
    }
    if (!outcome.ok) {
      await this.auditRefused(actor, 'file', input.tenantId, null, outcome.refusal);
      throw refusalError(outcome.refusal, {});
    }
    const filed = outcome.next;
    await this.auditOk(actor, 'file', filed, null, { wantsFinalExport: filed.wantsFinalExport, receivedOn: filed.receivedOn });
    return this.get(filed.id, actor);
  }

  /** Changes parameters before scheduling; an approval is withdrawn (the approver saw other values). */
  async amend(requestId: string, changes: Partial<Pick<DeletionParameters, AmendableParameter>>, actor: AuditActor): Promise<DeletionRequestView> {
    await this.act(requestId, { type: 'amend', changes }, actor, { auditExtra: () => ({ changed: Object.keys(changes).sort() }) });
    return this.get(requestId, actor);
  }

  /** Records the final export's job and location; schedules straight away when the request is already approved. */
  async recordFinalExport(requestId: string, input: { jobId: string; location: string }, actor: AuditActor): Promise<DeletionRequestView> {
    const next = await this.act(requestId, { type: 'recordFinalExport', jobId: input.jobId, location: input.location }, actor, { auditExtra: () => ({ exportJobId: input.jobId }) });
    if (next.status === 'approved') await this.tryAutoSchedule(requestId, actor);
    return this.get(requestId, actor);
  }

  /**
   * Approves (admins; never the filer) with the parameters hash the approver was
   * shown. The tenant becomes `offboarding`. Unless `schedule: false`, the request
   * is scheduled at once when nothing else is pending (the final export).
   */
  async approve(requestId: string, input: { parametersHash: string; schedule?: boolean }, actor: AuditActor): Promise<DeletionRequestView> {
    await this.act(requestId, { type: 'approve', parametersHash: input.parametersHash }, actor, {
      effects: async (db, before) => {
        const tenant = await db.selectFrom('tenants').select('status').where('id', '=', before.state.tenantId).executeTakeFirst();
        await db.updateTable('tenants').set({ status: 'offboarding', updated_at: this.deps.clock.now().toISOString() }).where('id', '=', before.state.tenantId).where('status', '!=', 'deleted').execute();
        // A re-approval keeps the status from before the first one.
        return { tenant_prior_status: before.row.tenant_prior_status ?? (tenant && tenant.status !== 'offboarding' ? tenant.status : 'active') };
      },
      auditExtra: () => ({ parametersHash: input.parametersHash }),
    });
    if (input.schedule !== false) await this.tryAutoSchedule(requestId, actor);
    return this.get(requestId, actor);
  }

  private async tryAutoSchedule(requestId: string, actor: AuditActor): Promise<void> {
    const r = await requireRequest(this.db, requestId);
    if (!transition(r.state, { type: 'schedule' }, actor, this.deps.clock.now(), this.config).ok) return;
    await this.schedule(requestId, actor).catch((e: unknown) => {
      // Lost a race with another change: the request page shows what is left to do.
      if (!isCustosError(e)) throw e;
    });
  }

  /** Starts the grace period (needs a valid approval and, if wanted, the final export recorded). */
  async schedule(requestId: string, actor: AuditActor): Promise<DeletionRequestView> {
    await this.act(requestId, { type: 'schedule' }, actor, { auditExtra: (n) => ({ scheduledFor: n.scheduledFor }) });
    return this.get(requestId, actor);
  }

  /** Cancels before execution, with a reason (kept on the request, not in the audit log). The tenant gets its status back. */
  async cancel(requestId: string, input: { reason: string }, actor: AuditActor): Promise<DeletionRequestView> {
    await this.act(requestId, { type: 'cancel', reason: input.reason }, actor, {
      effects: async (db, before) => {
        await db
          .updateTable('tenants')
          .set({ status: before.row.tenant_prior_status ?? 'active', updated_at: this.deps.clock.now().toISOString() })
          .where('id', '=', before.state.tenantId)
          .where('status', '=', 'offboarding')
          .execute();
      },
    });
    return this.get(requestId, actor);
  }

  /**
   * Puts the tenant on legal hold (with its reason). The hold lives on the tenant:
   * it blocks approval and execution of any request, present or future.
   */
  async hold(tenantId: string, input: { reason: string }, actor: AuditActor): Promise<{ tenantId: string; legalHold: string; request: DeletionRequestView | null }> {
    const requestId = await this.holdOrRelease(tenantId, { type: 'hold', reason: input.reason }, actor);
    return { tenantId, legalHold: input.reason.trim(), request: requestId ? await this.get(requestId, actor) : null };
  }

  /** Lifts the legal hold (admins). */
  async release(tenantId: string, actor: AuditActor): Promise<{ tenantId: string; request: DeletionRequestView | null }> {
    const requestId = await this.holdOrRelease(tenantId, { type: 'release' }, actor);
    return { tenantId, request: requestId ? await this.get(requestId, actor) : null };
  }

  private async holdOrRelease(tenantId: string, action: Extract<DeletionAction, { type: 'hold' | 'release' }>, actor: AuditActor): Promise<string | null> {
    const now = this.deps.clock.now();
    type Outcome = { ok: true; requestId: string | null; next: DeletionRequestState | null } | { ok: false; requestId: string | null; refusal: DeletionRefusal };
    const outcome = await this.deps.controlPlane.exclusive(`deletion:hold:${tenantId}`, async (trx): Promise<Outcome> => {
      const db = deletionDb(trx);
      const tenant = await db.selectFrom('tenants').select(['id', 'status', 'legal_hold']).where('id', '=', tenantId).executeTakeFirst();
      if (!tenant) throw new CustosError('TENANT_NOT_FOUND', `No tenant with ID "${tenantId}".`, 'Search the tenant directory for the right tenant.');
      if (tenant.status === 'deleted') throw new CustosError('TENANT_DELETED', `Tenant ${tenantId} is already deleted; there is nothing left to hold.`, 'Open its tombstone for the certificate of deletion.');
      const open = await openRequestOf(db, tenantId);
      let next: DeletionRequestState | null = null;
      if (open) {
        const t = transition(toState(open, tenant.legal_hold), action, actor, now, this.config);
        if (!t.ok) return { ok: false, requestId: open.id, refusal: t.refusal };
        await writeTransition(db, t, actor);
        next = t.next;
      } else {
        // No open request: the same rules, decided on the tenant alone.
        const refusal = tenantOnlyHoldRefusal(tenantId, tenant.legal_hold, action, actor);
        if (refusal) return { ok: false, requestId: null, refusal };
      }
      await db
        .updateTable('tenants')
        .set({ legal_hold: action.type === 'hold' ? action.reason.trim() : null, updated_at: now.toISOString() })
        .where('id', '=', tenantId)
        .execute();
      return { ok: true, requestId: open?.id ?? null, next };
    });
    if (!outcome.ok) {
      await this.auditRefused(actor, action.type, tenantId, outcome.requestId, outcome.refusal);
      throw refusalError(outcome.refusal, { tenantId, requestId: outcome.requestId });
    }
    await this.deps.audit.append({
      actor,
      action: `deletion.${action.type}`,
      tenantId,
      params: { requestId: outcome.requestId, ...(outcome.next ? { reference: outcome.next.requestReference, status: outcome.next.status } : {}) },
      outcome: { status: 'ok' },
    });
    return outcome.requestId;
  }

  /**
   * The checks and the transition to `executing` (or a resume of it), without
   * starting the work: used by {@link execute}, and by callers that run the
   * executor elsewhere.
   */
  async beginExecution(requestId: string, input: { confirmSlug: string }, actor: AuditActor): Promise<DeletionRequestView> {
    const r = await requireRequest(this.db, requestId);
    const staleBefore = new Date(this.deps.clock.now().getTime() - 2 * 60_000).toISOString();
    const running = await this.db
      .selectFrom('jobs')
      .select(['id'])
      .where('kind', '=', 'deletion')
      .where('tenant_id', '=', r.state.tenantId)
      .where('state', '=', 'running')
      .where('heartbeat_at', '>', staleBefore)
      .executeTakeFirst();
    if (running) {
      throw new CustosError('TENANT_BUSY', `The deletion of tenant ${r.state.tenantId} is already running (job ${running.id}).`, 'Follow that job; run it again only if it fails.', { jobId: running.id });
    }
    await this.act(requestId, { type: 'execute', confirmSlug: input.confirmSlug }, actor);
    return this.get(requestId, actor);
  }

  /** Executes (or resumes) as an exclusive job on the tenant. Resolves once the job has started. */
  async execute(requestId: string, input: { confirmSlug: string }, actor: AuditActor): Promise<{ requestId: string; jobId: string; done: Promise<DeletionExecutionResult> }> {
    const view = await this.beginExecution(requestId, input, actor);
    const { jobId, done } = this.deps.jobs.start({
      kind: 'deletion',
      tenantId: view.tenantId,
      actor,
      params: { requestId },
      exclusive: true,
      run: (work) => this.run(requestId, actor, work),
      summarize: (r) => ({ requestId: r.requestId, certificateId: r.certificateId, jsonSha256: r.jsonSha256, runs: r.runs, totals: r.totals }),
    });
    return { requestId, jobId, done };
  }

  /** Runs the executor for a request already `executing` (the job body; also the crash fixture's entry). */
  async run(requestId: string, actor: AuditActor, work: LongWork): Promise<DeletionExecutionResult> {
    try {
      return await this.executor.run(requestId, { ...work, actor });
    } catch (e) {
      if (isCustosError(e) && e.code === 'DELETION_VERIFY_FAILED') {
        const r = await requireRequest(this.db, requestId);
        await this.deps.audit.append({
          actor,
          action: 'deletion.verify',
          tenantId: r.state.tenantId,
          params: { requestId, reference: r.state.requestReference, leftoverCount: e.details?.leftoverCount ?? null },
          outcome: { status: 'failed', code: e.code },
        });
      }
      throw e;
    }
  }

  // ---- reads -----------------------------------------------------------------------------

  toView(r: DeletionRequestState, journalText: string | null, viewer?: AuditActor): DeletionRequestView {
    const now = this.deps.clock.now();
    const approval = approvalState(r, now, this.config);
    return {
      id: r.id,
      tenantId: r.tenantId,
      tenantSlug: r.tenantSlug,
      status: r.status,
      viewStatus: viewStatus(r),
      legalHold: r.legalHold,
      requestReference: r.requestReference,
      receivedOn: r.receivedOn,
      requesterContact: r.requesterContact,
      reason: r.reason,
      wantsFinalExport: r.wantsFinalExport,
      finalExport: r.finalExport,
      filedBy: r.filedBy.label,
      filedAt: r.filedAt,
      approval: r.approval ? { by: r.approval.label, at: r.approval.at, expiresAt: approval.expiresAt, state: approval.state } : null,
      parametersHash: parametersHash(r),
      scheduledFor: r.scheduledFor,
      countdown: r.status === 'scheduled' ? countdown(r, now) : null,
      due: dueDate(r, now, this.config),
      cancellation: r.cancellation,
      executingStartedAt: r.executingStartedAt,
      executedBy: r.executedBy,
      completedAt: r.completedAt,
      certificateId: r.certificateId,
      journal: summariseJournal(parseJournal(journalText)),
      availableActions: viewer ? availableActions(r, viewer, now, this.config) : [],
      updatedAt: r.updatedAt,
    };
  }

  async get(requestId: string, viewer?: AuditActor): Promise<DeletionRequestView> {
    const r = await requireRequest(this.db, requestId);
    return this.toView(r.state, r.row.journal, viewer);
  }

  /** The queue: filter by status (or on hold), tenant, overdue; sorted by due date by default. */
  async list(filter: DeletionListFilter = {}, viewer?: AuditActor): Promise<{ total: number; rows: DeletionRequestView[] }> {
    const now = this.deps.clock.now();
    let q = this.db.selectFrom('deletion_requests as r').leftJoin('tenants as t', 't.id', 'r.tenant_id');
    if (filter.status === 'on_hold') q = q.where('r.status', 'in', [...OPEN_DELETION_STATUSES]).where('t.legal_hold', 'is not', null);
    else if (filter.status) q = q.where('r.status', '=', filter.status);
    if (filter.tenantId) q = q.where('r.tenant_id', '=', filter.tenantId);
    if (filter.overdue) {
      // Overdue once the due day (received + legalDeadlineDays) has ended.
      const lastOverdueReceipt = new Date(now.getTime() - (this.config.legalDeadlineDays + 1) * DAY).toISOString().slice(0, 10);
      q = q.where('r.status', 'in', [...OPEN_DELETION_STATUSES]).where('r.received_on', '<=', lastOverdueReceipt);
    }
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll('r')
      .select('t.legal_hold')
      .$call((qb) => (filter.sort === 'filedAt' ? qb.orderBy('r.filed_at', 'desc') : qb.orderBy('r.received_on', 'asc').orderBy('r.filed_at', 'asc')))
      .orderBy('r.id')
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0)
      .execute();
    return {
      total: Number(total.n),
      rows: rows.map((row) => {
        const { legal_hold, ...req } = row;
        return this.toView(toState(req, legal_hold ?? null), req.journal, viewer);
      }),
    };
  }

  async timeline(requestId: string): Promise<DeletionTransitionView[]> {
    await requireRequest(this.db, requestId);
    const rows = await this.db.selectFrom('deletion_transitions').selectAll().where('request_id', '=', requestId).orderBy('n').execute();
    return rows.map((t) => ({ n: Number(t.n), action: t.action, from: t.from_status, to: t.to_status, actor: t.actor_label, at: t.at, note: t.note }));
  }

  /**
   * A certificate by certificate ID, request ID or (through the tombstone) tenant
   * ID, checked against its recorded SHA-256 before it is handed out.
   */
  async certificate(id: string): Promise<DeletionCertificateFiles> {
    const row = await this.db
      .selectFrom('deletion_certificates')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', id), eb('request_id', '=', id), eb('tenant_id', '=', id)]))
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (!row) throw new CustosError('OBJECT_NOT_FOUND', `No certificate of deletion for "${id}".`, 'A certificate exists once a deletion request has completed.');
    const pdf = Buffer.from(row.pdf_base64, 'base64');
    if (sha256Hex(row.json) !== row.json_sha256 || sha256Hex(pdf) !== row.pdf_sha256) {
      throw new CustosError('INTERNAL', `The stored certificate ${row.id} does not match its recorded SHA-256.`, 'Do not send it. Fetch the copy from the object store (certificates/) and report this to the engineering team.', { certificateId: row.id });
    }
    return {
      certificateId: row.id,
      requestId: row.request_id,
      tenantId: row.tenant_id,
      json: row.json,
      jsonSha256: row.json_sha256,
      pdf,
      pdfSha256: row.pdf_sha256,
      jsonKey: row.json_key,
      pdfKey: row.pdf_key,
      createdAt: row.created_at,
    };
  }

  async tombstone(tenantId: string): Promise<Tombstone | null> {
    return findTombstone(this.deps.controlPlane.db, tenantId);
  }
}

/**
 * The service on a running console's services (what handlers and the CLI use).
 * `sandboxDirs` and `controlPlaneScrubbers` are where other features (issue 6's
 * sandboxes, the export ledger) plug their own copies of a tenant in.
 */
export function createDeletionService(
  s: Pick<ConsoleServices, 'controlPlane' | 'objectStore' | 'audit' | 'jobs' | 'clock' | 'tenantDbs' | 'appVersion'>,
  options: { config?: DeletionConfig; sandboxDirs?: SandboxDirs; controlPlaneScrubbers?: readonly ControlPlaneScrubber[]; dropper?: TenantDatabaseDropper } = {},
): DeletionService {
  return new DeletionService({
    controlPlane: s.controlPlane,
    objectStore: s.objectStore,
    audit: s.audit,
    jobs: s.jobs,
    clock: s.clock,
    appVersion: s.appVersion,
    dropper: options.dropper ?? new SqliteTenantDatabaseDropper(s.tenantDbs.dir),
    ...(options.config ? { config: options.config } : {}),
    ...(options.sandboxDirs ? { sandboxDirs: options.sandboxDirs } : {}),
    ...(options.controlPlaneScrubbers ? { controlPlaneScrubbers: options.controlPlaneScrubbers } : {}),
  });
}
