/**
 * Jobs (ARCHITECTURE.md): long work reports progress (items and bytes done/total,
 * phase, ETA), can be cancelled, and ends in a result record. The job's own journal
 * (export .partial folder, restore journal, deletion steps) makes a crash resume or
 * roll back; the runner makes the crash *visible*: a job whose process died is shown
 * as interrupted, never as running forever.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventEmitter } from 'node:events';
import type { ConsoleEvent, JobProgressEvent } from '../api/contract';
import type { AuditActor } from '../audit/audit.chain';
import type { AuditLog } from '../audit/audit.service';
import type { ControlPlane, TenantLockMode } from '../control-plane/control-plane.port';
import type { JobsTable } from '../control-plane/control-plane.schema';
import type { Clock } from '../shared/clock.port';
import { CustosError, toErrorInfo, type ErrorInfo } from '../shared/errors';
import type { LongWork, ProgressReport } from '../shared/progress';

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface JobView {
  id: string;
  kind: string;
  tenantId: string | null;
  state: JobState;
  phase: string;
  done: number;
  total: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  actor: string;
  createdAt: string;
  finishedAt: string | null;
  etaSeconds: number | null;
  result: unknown;
  error: ErrorInfo | null;
}

export interface JobSpec<T> {
  kind: string;
  tenantId: string | null;
  actor: AuditActor;
  /** Safe to log: IDs and options, never customer data. */
  params: Record<string, unknown>;
  /** Exclusive jobs (restore, deletion) wait for every other job on the tenant, and others wait for them. */
  exclusive?: boolean;
  run(work: LongWork & { jobId: string }): Promise<T>;
  /** What goes into the result record and the audit "end" record. */
  summarize?(result: T): unknown;
}

interface Live {
  item?: string;
  controller: AbortController;
  startedAt: number;
  phaseStartedAt: number;
  lastEmit: number;
  lastPersist: number;
  view: JobView;
}

const RUNNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const STALE_AFTER_MS = 2 * 60_000;
/** How often a job waiting for another console's job on the same tenant asks again. */
const TENANT_LOCK_RETRY_MS = 1000;

function toView(r: JobsTable): JobView {
  return {
    id: r.id,
    kind: r.kind,
    tenantId: r.tenant_id,
    state: r.state as JobState,
    phase: r.phase,
    done: Number(r.done),
    total: r.total === null ? null : Number(r.total),
    bytesDone: Number(r.bytes_done),
    bytesTotal: r.bytes_total === null ? null : Number(r.bytes_total),
    actor: r.actor_label,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    etaSeconds: null,
    result: r.result ? (JSON.parse(r.result) as unknown) : null,
    error: r.error ? (JSON.parse(r.error) as ErrorInfo) : null,
  };
}

export class JobRunner {
  private readonly live = new Map<string, Live>();
  /** Per-tenant chain so exclusive jobs run alone in this process; across processes, the control plane's tenant lock. */
  private readonly tenantTail = new Map<string, Promise<unknown>>();
  private readonly running = new Map<string, Set<Promise<unknown>>>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly cp: ControlPlane,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly events: EventEmitter<{ event: [ConsoleEvent] }>,
  ) {}

  /** On start: jobs left 'running' by a process that is gone are marked interrupted. */
  async recoverStale(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - STALE_AFTER_MS).toISOString();
    const r = await this.cp.db
      .updateTable('jobs')
      .set({ state: 'interrupted', finished_at: this.clock.now().toISOString(), error: JSON.stringify({ code: 'INTERNAL', message: 'The console stopped while this job was running.', hint: 'Run it again: it starts cleanly and resumes where it safely can.' }) })
      .where('state', '=', 'running')
      .where((eb) => eb.or([eb('heartbeat_at', '<', cutoff), eb('runner', 'like', `${hostname()}:%`)]))
      .where('runner', '!=', RUNNER)
      .executeTakeFirst();
    this.heartbeat ??= setInterval(() => void this.beat(), 30_000);
    this.heartbeat.unref();
    return Number(r.numUpdatedRows);
  }

  private async beat(): Promise<void> {
    if (this.live.size === 0) return;
    await this.cp.db.updateTable('jobs').set({ heartbeat_at: this.clock.now().toISOString() }).where('id', 'in', [...this.live.keys()]).execute().catch(() => {});
  }

  start<T>(spec: JobSpec<T>): { jobId: string; done: Promise<T> } {
    const jobId = `j-${randomUUID()}`;
    const now = this.clock.now();
    const view: JobView = {
      id: jobId,
      kind: spec.kind,
      tenantId: spec.tenantId,
      state: 'running',
      phase: 'waiting',
      done: 0,
      total: null,
      bytesDone: 0,
      bytesTotal: null,
      actor: spec.actor.label,
      createdAt: now.toISOString(),
      finishedAt: null,
      etaSeconds: null,
      result: null,
      error: null,
    };
    const live: Live = { controller: new AbortController(), startedAt: Date.now(), phaseStartedAt: Date.now(), lastEmit: 0, lastPersist: 0, view };
    this.live.set(jobId, live);

    const inserted = this.cp.db
      .insertInto('jobs')
      .values({
        id: jobId,
        kind: spec.kind,
        tenant_id: spec.tenantId,
        state: 'running',
        phase: 'waiting',
        done: 0,
        total: null,
        bytes_done: 0,
        bytes_total: null,
        actor_label: spec.actor.label,
        staff_id: spec.actor.staffId,
        params: JSON.stringify(spec.params),
        result: null,
        error: null,
        created_at: view.createdAt,
        finished_at: null,
        heartbeat_at: view.createdAt,
        runner: RUNNER,
      })
      .execute();

    const done = inserted.then(() => this.schedule(spec, live));
    // The caller may not await `done`; failures are recorded, never unhandled.
    done.catch(() => {});
    return { jobId, done };
  }

  private async schedule<T>(spec: JobSpec<T>, live: Live): Promise<T> {
    const key = spec.tenantId ?? '*none*';
    const running = this.running.get(key) ?? new Set<Promise<unknown>>();
    this.running.set(key, running);
    const prevTail = this.tenantTail.get(key) ?? Promise.resolve();
    let gate: Promise<unknown>;
    if (spec.exclusive && spec.tenantId) gate = Promise.allSettled([prevTail, ...running]);
    else gate = prevTail;
    const exec = gate.then(() => this.execute(spec, live));
    const settled = exec.catch(() => undefined);
    if (spec.exclusive && spec.tenantId) this.tenantTail.set(key, settled);
    else {
      running.add(settled);
      void settled.then(() => running.delete(settled));
    }
    return exec;
  }

  private async execute<T>(spec: JobSpec<T>, live: Live): Promise<T> {
    const { view } = live;
    let release: (() => Promise<void>) | null = null;
    await this.audit.append({ actor: spec.actor, action: `job.start:${spec.kind}`, tenantId: spec.tenantId, params: { jobId: view.id, ...spec.params }, outcome: { status: 'ok' } });
    view.phase = 'starting';
    this.emit(live, true);
    try {
      if (live.controller.signal.aborted) throw new CustosError('JOB_CANCELLED', 'The job was cancelled before it started.');
      if (spec.tenantId) release = await this.tenantLock(spec.tenantId, spec.exclusive ? 'exclusive' : 'shared', live);
      const result = await spec.run({ jobId: view.id, signal: live.controller.signal, progress: (p) => this.onProgress(live, p) });
      const summary = spec.summarize ? spec.summarize(result) : result;
      await this.finish(live, 'succeeded', summary ?? null, null);
      await this.audit.append({ actor: spec.actor, action: `job.end:${spec.kind}`, tenantId: spec.tenantId, params: { jobId: view.id, result: summary ?? null }, outcome: { status: 'ok' } });
      return result;
    } catch (e) {
      const cancelled = live.controller.signal.aborted;
      const info: ErrorInfo = cancelled ? { code: 'JOB_CANCELLED', message: 'The job was cancelled; nothing was left under a final name.', hint: 'Run it again when you are ready.' } : toErrorInfo(e);
      await this.finish(live, cancelled ? 'cancelled' : 'failed', null, info);
      await this.audit.append({ actor: spec.actor, action: `job.end:${spec.kind}`, tenantId: spec.tenantId, params: { jobId: view.id }, outcome: { status: 'failed', code: info.code } });
      throw cancelled ? new CustosError('JOB_CANCELLED', info.message, info.hint) : e;
    } finally {
      await release?.();
      this.live.delete(view.id);
    }
  }

  /**
   * Waits, cancellable and shown as a phase, while another console sharing the
   * control plane runs a conflicting job on the tenant (a restore there, an export
   * here). Waiting rather than refusing: the job is queued, as it is behind a job
   * of this console.
   */
  private async tenantLock(tenantId: string, mode: TenantLockMode, live: Live): Promise<() => Promise<void>> {
    for (let attempt = 0; ; attempt++) {
      const release = await this.cp.tryTenantLock(tenantId, mode);
      if (release) return release;
      if (attempt === 0) {
        live.view.phase = 'waiting for another console';
        this.emit(live, true);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, TENANT_LOCK_RETRY_MS);
        live.controller.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
      if (live.controller.signal.aborted) throw new CustosError('JOB_CANCELLED', 'The job was cancelled while it waited for another console.');
    }
  }

  private onProgress(live: Live, p: ProgressReport): void {
    const v = live.view;
    if (p.phase !== v.phase) live.phaseStartedAt = Date.now();
    v.phase = p.phase;
    if (p.item !== undefined) live.item = p.item;
    v.done = p.done;
    v.total = p.total;
    if (p.bytesDone !== undefined) v.bytesDone = p.bytesDone;
    if (p.bytesTotal !== undefined) v.bytesTotal = p.bytesTotal;
    v.etaSeconds = this.eta(live);
    this.emit(live, false);
  }

  /** ETA from the current phase's rate: bytes where known (archives, uploads), else items. */
  private eta(live: Live): number | null {
    const v = live.view;
    const elapsed = (Date.now() - live.phaseStartedAt) / 1000;
    const frac = v.bytesTotal ? v.bytesDone / v.bytesTotal : v.total ? v.done / v.total : null;
    if (frac === null || frac <= 0.01 || elapsed < 1) return null;
    return Math.max(0, Math.round((elapsed / frac) * (1 - frac)));
  }

  private emit(live: Live, force: boolean): void {
    const now = Date.now();
    if (!force && now - live.lastEmit < 200) return;
    live.lastEmit = now;
    const v = live.view;
    const event: JobProgressEvent = {
      type: 'job',
      jobId: v.id,
      kind: v.kind,
      tenantId: v.tenantId,
      state: v.state === 'interrupted' ? 'failed' : v.state,
      phase: v.phase,
      done: v.done,
      total: v.total,
      bytesDone: v.bytesDone,
      bytesTotal: v.bytesTotal,
      etaSeconds: v.etaSeconds,
      ...(live.item ? { item: live.item } : {}),
      ...(v.error ? { message: v.error.message } : {}),
    };
    this.events.emit('event', event);
    if (force || now - live.lastPersist > 1000) {
      live.lastPersist = now;
      void this.cp.db
        .updateTable('jobs')
        .set({ phase: v.phase, done: v.done, total: v.total, bytes_done: v.bytesDone, bytes_total: v.bytesTotal, heartbeat_at: this.clock.now().toISOString() })
        .where('id', '=', v.id)
        .execute()
        .catch(() => {});
    }
  }

  private async finish(live: Live, state: JobState, result: unknown, error: ErrorInfo | null): Promise<void> {
    const v = live.view;
    v.state = state;
    v.result = result;
    v.error = error;
    v.finishedAt = this.clock.now().toISOString();
    if (state === 'succeeded') {
      v.phase = 'done';
      if (v.total !== null) v.done = v.total;
      if (v.bytesTotal !== null) v.bytesDone = v.bytesTotal;
    }
    v.etaSeconds = null;
    await this.cp.db
      .updateTable('jobs')
      .set({ state, phase: v.phase, done: v.done, total: v.total, bytes_done: v.bytesDone, bytes_total: v.bytesTotal, result: result === null ? null : JSON.stringify(result), error: error ? JSON.stringify(error) : null, finished_at: v.finishedAt })
      .where('id', '=', v.id)
      .execute();
    this.emit(live, true);
  }

  cancel(jobId: string): boolean {
    const live = this.live.get(jobId);
    if (!live) return false;
    live.controller.abort();
    return true;
  }

  async get(jobId: string): Promise<JobView> {
    const live = this.live.get(jobId);
    if (live) return { ...live.view };
    const row = await this.cp.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    if (!row) throw new CustosError('JOB_NOT_FOUND', 'No such job.', 'Reload the page.');
    return toView(row);
  }

  async list(filter: { tenantId?: string; kind?: string; limit?: number }): Promise<JobView[]> {
    let q = this.cp.db.selectFrom('jobs').selectAll();
    if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    const rows = await q.orderBy('created_at', 'desc').limit(filter.limit ?? 50).execute();
    return rows.map((r) => {
      const live = this.live.get(r.id);
      return live ? { ...live.view } : toView(r);
    });
  }

  /** Waits for every job of this process (CLI commands and tests). */
  async idle(): Promise<void> {
    while (this.live.size > 0) await new Promise((r) => setTimeout(r, 50));
  }

  close(): void {
    for (const l of this.live.values()) l.controller.abort();
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
}
