/**
 * Backups as the console runs them (issue 5): snapshot jobs, the snapshot index in
 * the control plane (kept in step with the object store; `reindex` rebuilds it from
 * listings), verification by test-restore, compliance and the prune plan.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditActor } from '../audit/audit.chain';
import type { ConsoleServices } from '../runtime/console';
import type { TenantRecord } from '../control-plane/tenant-record';
import { CustosError } from '../shared/errors';
import type { LongWork } from '../shared/progress';
import { throwIfAborted } from '../shared/progress';
import type { BackupSnapshotsTable } from '../control-plane/control-plane.schema';
import {
  checkCompliance,
  summarizeFleetCompliance,
  planPrune,
  takeSnapshot,
  takeSnapshotOfCopy,
  listSnapshots,
  cleanupIncomplete,
  deleteSnapshot,
  verifySnapshot,
  type ComplianceReport,
  type ScheduledSnapshot,
  type SnapshotManifest,
  type VerificationResult,
  type PrunePlan,
  type FleetComplianceSummary,
} from './index';

export type BackupServices = Pick<ConsoleServices, 'controlPlane' | 'objectStore' | 'catalogue' | 'tenantDbs' | 'clock' | 'jobs' | 'audit' | 'dataDir' | 'appVersion' | 'log'>;

export interface SnapshotRow {
  snapshotId: string;
  takenAt: string;
  state: string;
  compressedBytes: number | null;
  rawBytes: number | null;
  schemaVersion: number | null;
  verification: 'pending' | 'verified' | 'failed';
  lastVerifiedAt: string | null;
  held: boolean;
}

export class BackupService {
  private fleetCache: { at: number; value: FleetHealth } | null = null;

  constructor(private readonly s: BackupServices) {}

  get tmpDir(): string {
    const dir = join(this.s.dataDir, 'tmp');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /**
   * One snapshot of a tenant's live database, indexed, and the catalogue's "last
   * snapshot" updated. A SQLite tenant is copied with SQLite's online backup; a
   * PostgreSQL tenant is first dumped into a temporary SQLite file (every table from
   * one instant, issue 8) which is then uploaded in the same portable format, its
   * manifest saying engine 'postgres'. The dump is removed whatever happens.
   */
  async snapshotTenant(record: TenantRecord, work: LongWork): Promise<SnapshotManifest> {
    if (record.status === 'deleted') throw new CustosError('TENANT_DELETED', `Tenant ${record.id} was deleted; it has no database to back up.`, 'Nothing to do.');
    const common = { tenantId: record.id, objectStore: this.s.objectStore, clock: this.s.clock, tmpDir: this.tmpDir, appVersion: this.s.appVersion, ...work };
    let manifest: SnapshotManifest;
    if (record.dbEngine === 'sqlite') {
      manifest = await takeSnapshot({ ...common, dbPath: this.s.tenantDbs.pathOf(record) });
    } else {
      manifest = await takeSnapshotOfCopy(() => this.s.tenantDbs.sqliteCopy(record, { tmpDir: this.tmpDir, signal: work.signal, progress: (p) => work.progress({ ...p, phase: 'dump' }) }), common);
    }
    await this.indexManifest(manifest);
    return manifest;
  }

  async indexManifest(m: SnapshotManifest, state = 'complete'): Promise<void> {
    const row: BackupSnapshotsTable = {
      tenant_id: m.tenantId,
      snapshot_id: m.snapshotId,
      taken_at_ms: Date.parse(m.takenAt),
      taken_at: m.takenAt,
      state,
      schema_version: m.schemaVersion,
      raw_bytes: m.rawBytes,
      compressed_bytes: m.compressedBytes,
      raw_sha256: m.rawSha256,
      compressed_sha256: m.compressedSha256,
      row_counts: JSON.stringify(m.rowCounts),
      app_version: m.appVersion,
      verification: 'pending',
      last_verified_at: null,
      last_verification_id: null,
      indexed_at: this.s.clock.now().toISOString(),
    };
    await this.s.controlPlane.db
      .insertInto('backup_snapshots')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'snapshot_id']).doUpdateSet({ state, indexed_at: row.indexed_at }))
      .execute();
    await this.refreshLastSnapshot(m.tenantId);
    this.fleetCache = null;
  }

  private async refreshLastSnapshot(tenantId: string): Promise<void> {
    const newest = await this.s.controlPlane.db
      .selectFrom('backup_snapshots')
      .select('taken_at')
      .where('tenant_id', '=', tenantId)
      .where('state', '=', 'complete')
      .orderBy('taken_at_ms', 'desc')
      .limit(1)
      .executeTakeFirst();
    await this.s.catalogue.update(tenantId, { last_snapshot_at: newest?.taken_at ?? null }, this.s.clock.now());
  }

  /** Rebuilds a tenant's index rows from the object store: the store is the truth. */
  async reindexTenant(tenantId: string, signal?: AbortSignal): Promise<{ complete: number; incomplete: number; broken: number; removed: number }> {
    const listing = await listSnapshots({ objectStore: this.s.objectStore, tenantId, clock: this.s.clock, ...(signal ? { signal } : {}) });
    const seen = new Set<string>();
    const counts = { complete: 0, incomplete: 0, broken: 0, removed: 0 };
    for (const e of listing.entries) {
      counts[e.state]++;
      if (e.state === 'complete' && e.manifest) {
        seen.add(e.snapshotId);
        await this.indexManifest(e.manifest);
      }
    }
    const rows = await this.s.controlPlane.db.selectFrom('backup_snapshots').select('snapshot_id').where('tenant_id', '=', tenantId).execute();
    for (const r of rows) {
      if (!seen.has(r.snapshot_id)) {
        await this.s.controlPlane.db.deleteFrom('backup_snapshots').where('tenant_id', '=', tenantId).where('snapshot_id', '=', r.snapshot_id).execute();
        counts.removed++;
      }
    }
    await this.refreshLastSnapshot(tenantId);
    return counts;
  }

  async snapshots(tenantId: string): Promise<SnapshotRow[]> {
    const rows = await this.s.controlPlane.db.selectFrom('backup_snapshots').selectAll().where('tenant_id', '=', tenantId).orderBy('taken_at_ms', 'asc').orderBy('snapshot_id').execute();
    const holds = await this.s.controlPlane.db.selectFrom('backup_holds').select('snapshot_id').where('tenant_id', '=', tenantId).where('released_at', 'is', null).execute();
    const held = new Set(holds.map((h) => h.snapshot_id));
    return rows.map((r) => ({
      snapshotId: r.snapshot_id,
      takenAt: r.taken_at,
      state: r.state,
      compressedBytes: r.compressed_bytes === null ? null : Number(r.compressed_bytes),
      rawBytes: r.raw_bytes === null ? null : Number(r.raw_bytes),
      schemaVersion: r.schema_version,
      verification: r.verification as SnapshotRow['verification'],
      lastVerifiedAt: r.last_verified_at,
      held: held.has(r.snapshot_id),
    }));
  }

  private scheduled(rows: SnapshotRow[]): ScheduledSnapshot[] {
    return rows
      .filter((r) => r.state === 'complete' || r.state === 'broken')
      .map((r) => ({ id: r.snapshotId, takenAt: Date.parse(r.takenAt), verification: r.state === 'broken' ? 'failed' : r.verification, held: r.held }));
  }

  async tenantView(tenantId: string): Promise<{ snapshots: SnapshotRow[]; compliance: ComplianceReport; plan: PrunePlan }> {
    const record = await this.s.catalogue.get(tenantId);
    const rows = await this.snapshots(record.id);
    const sched = this.scheduled(rows);
    const now = this.s.clock.now().getTime();
    const created = Date.parse(record.createdAt);
    return {
      snapshots: rows,
      compliance: checkCompliance(sched, created, now, { allGaps: true }),
      plan: planPrune(sched, created, now),
    };
  }

  /** Fleet health from the index only (no object-store round trips), cached a minute. */
  async fleetHealth(): Promise<FleetHealth> {
    if (this.fleetCache && Date.now() - this.fleetCache.at < 60_000) return this.fleetCache.value;
    const now = this.s.clock.now().getTime();
    const tenants = await this.s.controlPlane.db.selectFrom('tenants').select(['id', 'name', 'slug', 'created_at']).where('status', '!=', 'deleted').execute();
    const holds = await this.s.controlPlane.db.selectFrom('backup_holds').select(['tenant_id', 'snapshot_id']).where('released_at', 'is', null).execute();
    const held = new Set(holds.map((h) => `${h.tenant_id}/${h.snapshot_id}`));
    const byTenant = new Map<string, ScheduledSnapshot[]>();
    const stream = this.s.controlPlane.db
      .selectFrom('backup_snapshots')
      .select(['tenant_id', 'snapshot_id', 'taken_at_ms', 'verification', 'state'])
      .where('state', 'in', ['complete', 'broken'])
      .orderBy('tenant_id')
      .orderBy('taken_at_ms')
      .stream(5000);
    for await (const r of stream) {
      let list = byTenant.get(r.tenant_id);
      if (!list) byTenant.set(r.tenant_id, (list = []));
      list.push({ id: r.snapshot_id, takenAt: Number(r.taken_at_ms), verification: r.state === 'broken' ? 'failed' : (r.verification as ScheduledSnapshot['verification']), held: held.has(`${r.tenant_id}/${r.snapshot_id}`) });
    }
    const reports = tenants.map((t) => ({ tenantId: t.id, report: checkCompliance(byTenant.get(t.id) ?? [], Date.parse(t.created_at), now) }));
    const summary = summarizeFleetCompliance(reports, now, { worstLimit: 50 });
    const names = new Map(tenants.map((t) => [t.id, { name: t.name, slug: t.slug }]));
    const rows = reports.map(({ tenantId, report }) => ({
      tenantId,
      name: names.get(tenantId)?.name ?? tenantId,
      slug: names.get(tenantId)?.slug ?? tenantId,
      compliant: report.compliant,
      neverBackedUp: report.neverBackedUp,
      newestAt: report.newestAt,
      newestAgeHours: report.newestAgeHours,
      violations: report.violations.length,
      worstGapHours: report.violations.reduce((m, g) => Math.max(m, g.hours), 0),
      worstGapRatio: report.violations.reduce((m, g) => Math.max(m, g.hours / g.allowedHours), 0),
      snapshots: report.counts.total,
      verified: report.counts.verified,
      failed: report.counts.failed,
    }));
    const value: FleetHealth = { summary, tenants: rows };
    this.fleetCache = { at: Date.now(), value };
    return value;
  }

  /** Test-restores one snapshot and records the verdict; a failed one is quarantined. */
  async verify(tenantId: string, snapshotId: string, requestedBy: string, work: LongWork & { jobId?: string }): Promise<VerificationResult> {
    const result = await verifySnapshot({ objectStore: this.s.objectStore, tenantId, snapshotId, tmpDir: this.tmpDir, clock: this.s.clock, signal: work.signal, progress: work.progress });
    const id = `v-${randomUUID()}`;
    await this.s.controlPlane.db
      .insertInto('backup_verifications')
      .values({
        id,
        tenant_id: tenantId,
        snapshot_id: snapshotId,
        checked_at: result.checkedAt,
        outcome: result.outcome,
        code: result.code,
        message: result.message,
        hint: result.hint,
        details: JSON.stringify(result.details),
        duration_ms: result.durationMs,
        job_id: work.jobId ?? null,
        requested_by: requestedBy,
      })
      .execute();
    await this.s.controlPlane.db
      .updateTable('backup_snapshots')
      .set({ verification: result.outcome === 'ok' ? 'verified' : 'failed', last_verified_at: result.checkedAt, last_verification_id: id })
      .where('tenant_id', '=', tenantId)
      .where('snapshot_id', '=', snapshotId)
      .execute();
    this.fleetCache = null;
    return result;
  }

  async lastVerifications(tenantId: string, limit = 20) {
    return this.s.controlPlane.db.selectFrom('backup_verifications').selectAll().where('tenant_id', '=', tenantId).orderBy('checked_at', 'desc').limit(limit).execute();
  }

  /** Preview: the plan and a token binding it to exactly this set of snapshots (CONVENTIONS.md §15). */
  async prunePreview(tenantId: string): Promise<{ plan: PrunePlan; token: string }> {
    const { plan, snapshots } = await this.tenantView(tenantId);
    return { plan, token: pruneToken(tenantId, plan.prune, snapshots) };
  }

  async pruneApply(tenantId: string, token: string, work: LongWork): Promise<{ deleted: string[] }> {
    const { plan, token: now } = await this.prunePreview(tenantId);
    if (now !== token) {
      throw new CustosError('APPROVAL_INVALID', 'The snapshots changed since the prune preview was made.', 'Open the preview again and check what would be pruned now.');
    }
    if (!plan.promiseKept) throw new CustosError('RESTORE_REFUSED', 'The prune plan would break the backup schedule; nothing was pruned.', 'Report this to engineering.');
    const deleted: string[] = [];
    for (const [i, id] of plan.prune.entries()) {
      throwIfAborted(work.signal);
      work.progress({ phase: 'prune', done: i, total: plan.prune.length, item: id });
      await deleteSnapshot({ objectStore: this.s.objectStore, tenantId, snapshotId: id });
      await this.s.controlPlane.db.deleteFrom('backup_snapshots').where('tenant_id', '=', tenantId).where('snapshot_id', '=', id).execute();
      deleted.push(id);
    }
    await this.refreshLastSnapshot(tenantId);
    this.fleetCache = null;
    return { deleted };
  }

  async cleanupIncomplete(tenantId: string): Promise<string[]> {
    const r = await cleanupIncomplete({ objectStore: this.s.objectStore, tenantId, clock: this.s.clock });
    return r.deleted;
  }

  /** Starts a snapshot job for one tenant ("Snapshot now"), verifying the new snapshot afterwards. */
  startSnapshotJob(record: TenantRecord, actor: AuditActor, options: { verify?: boolean } = {}): { jobId: string; done: Promise<unknown> } {
    return this.s.jobs.start({
      kind: 'snapshot',
      tenantId: record.id,
      actor,
      params: { tenantId: record.id, verify: options.verify ?? true },
      run: async (work) => {
        const manifest = await this.snapshotTenant(record, work);
        let verification: VerificationResult | null = null;
        if (options.verify ?? true) verification = await this.verify(record.id, manifest.snapshotId, actor.label, work);
        return { snapshotId: manifest.snapshotId, compressedBytes: manifest.compressedBytes, verification: verification?.outcome ?? 'pending' };
      },
    });
  }

  startVerifyJob(tenantId: string, snapshotId: string, actor: AuditActor): { jobId: string; done: Promise<unknown> } {
    return this.s.jobs.start({
      kind: 'verify',
      tenantId,
      actor,
      params: { tenantId, snapshotId },
      run: async (work) => {
        const r = await this.verify(tenantId, snapshotId, actor.label, work);
        return { snapshotId, outcome: r.outcome, code: r.code, message: r.message };
      },
    });
  }
}

export interface FleetHealth {
  summary: FleetComplianceSummary;
  tenants: {
    tenantId: string;
    name: string;
    slug: string;
    compliant: boolean;
    neverBackedUp: boolean;
    newestAt: string | null;
    newestAgeHours: number | null;
    violations: number;
    worstGapHours: number;
    worstGapRatio: number;
    snapshots: number;
    verified: number;
    failed: number;
  }[];
}

function pruneToken(tenantId: string, prune: readonly string[], snapshots: readonly SnapshotRow[]): string {
  const state = snapshots.map((s) => `${s.snapshotId}:${s.verification}:${s.held ? 1 : 0}`).join(',');
  return createHash('sha256').update(`${tenantId}|${prune.join(',')}|${state}`).digest('hex');
}
