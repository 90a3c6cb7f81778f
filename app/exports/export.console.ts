/**
 * The advanced (and basic) export as the console runs it (issue 4): billing rule,
 * destination checks before starting, a job with progress and cancel, the ledger,
 * and — for the object-store destination — an upload with a time-limited link.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, statSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { create as tarCreate } from 'tar';
import type { AuditActor } from '../audit/audit.chain';
import type { ConsoleServices } from '../runtime/console';
import type { TenantRecord } from '../control-plane/tenant-record';
import { CustosError } from '../shared/errors';
import { objectKeys } from '../storage/object-store/object-store.port';
import { runExport, type ExportResult, type ExportProgressReport } from './export.service';
import { exportBilling, consumesFreeExport, BILLABLE_REASON_TEXT, type ExportBilling } from './free-export.policy';
import { checkExportDestination, estimateExportBytes } from './export.destination';
import { withSqliteRowBatches } from './sqlite.row-batches';
import type { ExportFormat, ExportProfile } from './export.lists';

export type ExportDestination = { kind: 'folder'; path: string } | { kind: 'objectStore' };

export interface StartExportInput {
  tenantId: string;
  profile: ExportProfile;
  formats: ExportFormat[];
  destination: ExportDestination;
  neutraliseFormulas: boolean;
  billingReference?: string | undefined;
}

export type ExportServices = Pick<ConsoleServices, 'controlPlane' | 'objectStore' | 'catalogue' | 'tenantDbs' | 'clock' | 'jobs' | 'audit' | 'dataDir' | 'appVersion'>;

/** Link lifetime for an export uploaded to the object store. */
export const EXPORT_LINK_SECONDS = 7 * 24 * 3600;

export class ExportConsole {
  constructor(private readonly s: ExportServices) {}

  /** The suggested destination; created on first use so the suggestion always works. */
  defaultFolder(): string {
    const dir = join(this.s.dataDir, 'exports');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  billing(record: TenantRecord, profile: ExportProfile): ExportBilling {
    return exportBilling({ plan: record.plan, freeExportUsedAt: record.freeExportUsedAt, profile });
  }

  async preview(tenantId: string, profile: ExportProfile) {
    const record = await this.s.catalogue.get(tenantId);
    const billing = this.billing(record, profile);
    return {
      billing: billing.status === 'free' ? { status: 'free' as const, reason: null, reasonText: null } : { status: 'billable' as const, reason: billing.reason, reasonText: BILLABLE_REASON_TEXT[billing.reason] },
      estimateBytes: estimateExportBytes({ databaseBytes: record.dbSizeBytes, attachmentBytes: profile === 'advanced' ? record.attachmentBytes : 0, formats: ['csv', 'xlsx'] }),
      defaultFolder: this.defaultFolder(),
      objectStore: this.s.objectStore.location,
    };
  }

  /** Checks everything that can be checked before a job starts, then starts it. */
  async start(input: StartExportInput, actor: AuditActor): Promise<{ jobId: string; billing: ExportBilling }> {
    const record = await this.s.catalogue.get(input.tenantId);
    if (record.status === 'deleted') throw new CustosError('TENANT_DELETED', `Tenant ${record.id} was deleted; there is nothing to export.`, 'Open its tombstone for the certificate of deletion.');
    if (record.status === 'restoring') throw new CustosError('TENANT_BUSY', `Tenant ${record.id} is being restored.`, 'Export after the restore has finished.');
    const billing = this.billing(record, input.profile);
    if (billing.status === 'billable' && !input.billingReference?.trim()) {
      throw new CustosError(
        'EXPORT_BILLING_REFERENCE_REQUIRED',
        `This export is billable: ${BILLABLE_REASON_TEXT[billing.reason].replace(/\.$/, "")}.`,
        'Enter the billing reference (order or invoice number) agreed with the customer, then start again.',
        { reason: billing.reason },
      );
    }
    const folder = input.destination.kind === 'folder' ? input.destination.path : join(this.s.dataDir, 'tmp', 'exports');
    if (input.destination.kind === 'objectStore') mkdirSync(folder, { recursive: true });
    const need = estimateExportBytes({ databaseBytes: record.dbSizeBytes, attachmentBytes: input.profile === 'advanced' ? record.attachmentBytes : 0, formats: input.formats });
    // Refused before starting: not a folder, not writable, inside another export, a symlink, or too small.
    const { dir } = await checkExportDestination(folder, need);

    const ledgerId = `x-${randomUUID()}`;
    const now = this.s.clock.now().toISOString();
    const { jobId } = this.s.jobs.start({
      kind: 'export',
      tenantId: record.id,
      actor,
      params: { tenantId: record.id, profile: input.profile, formats: input.formats, destination: input.destination.kind, billing: billing.status, ledgerId },
      run: async (work) => {
        await this.s.controlPlane.db
          .insertInto('export_ledger')
          .values({
            id: ledgerId,
            tenant_id: record.id,
            job_id: work.jobId,
            profile: input.profile,
            formats: input.formats.join(','),
            billing: billing.status,
            billing_reference: input.billingReference?.trim() || null,
            staff_id: actor.staffId,
            actor_label: actor.label,
            destination: input.destination.kind,
            location: null,
            sha256sums_digest: null,
            state: 'running',
            warnings: 0,
            bytes: 0,
            created_at: now,
            finished_at: null,
          })
          .execute();
        try {
          const auditHead = await this.s.audit.head();
          // One consistent view of the tenant: a SQLite tenant's file, or a PostgreSQL tenant
          // dumped into a temporary SQLite file from one transaction (every list of the
          // package from the same instant), deleted when the export ends.
          const copyProgress = (p: { done: number; total: number | null; bytesDone?: number }) =>
            work.progress({ phase: 'copy from PostgreSQL', done: p.done, total: p.total, ...(p.bytesDone !== undefined ? { bytesDone: p.bytesDone } : {}) });
          const result = await this.s.tenantDbs.withConsistent(record, { tmpDir: join(this.s.dataDir, 'tmp'), signal: work.signal, progress: copyProgress }, (db) =>
            runExport({
              tenantId: record.id,
              tenantSlug: record.slug,
              tenantName: record.name,
              // The SQLite fast path (batched raw rows): the tenant's file or its dump.
              db: withSqliteRowBatches(db),
              objectStore: this.s.objectStore,
              profile: input.profile,
              formats: input.formats,
              outDir: dir,
              neutraliseFormulas: input.neutraliseFormulas,
              staff: { id: actor.staffId ?? actor.label, label: actor.label },
              billing: { status: billing.status, ...(input.billingReference ? { reference: input.billingReference.trim() } : {}) },
              appVersion: this.s.appVersion,
              clock: this.s.clock,
              signal: work.signal,
              // The overall fraction drives the job's bar and ETA; phase and item name the list.
              progress: (p) => {
                const o = p as ExportProgressReport;
                work.progress({ phase: p.phase, ...(p.item ? { item: p.item } : {}), done: o.overallDone ?? p.done, total: o.overallTotal ?? p.total, ...(p.bytesDone !== undefined ? { bytesDone: p.bytesDone } : {}), ...(p.bytesTotal !== undefined ? { bytesTotal: p.bytesTotal } : {}) });
              },
              auditHead,
            }),
          );
          let location = result.path;
          let link: string | null = null;
          if (input.destination.kind === 'objectStore') {
            ({ location, link } = await this.upload(record.id, result, work));
          }
          await this.finishLedger(ledgerId, 'completed', result, location);
          if (consumesFreeExport({ plan: record.plan, freeExportUsedAt: record.freeExportUsedAt, profile: input.profile })) {
            await this.s.catalogue.update(record.id, { free_export_used_at: this.s.clock.now().toISOString() }, this.s.clock.now());
          }
          return { result, location, link };
        } catch (e) {
          await this.s.controlPlane.db
            .updateTable('export_ledger')
            .set({ state: work.signal.aborted ? 'cancelled' : 'failed', finished_at: this.s.clock.now().toISOString() })
            .where('id', '=', ledgerId)
            .execute();
          throw e;
        }
      },
      summarize: ({ result, location, link }) => ({
        status: result.status,
        location,
        link,
        sha256sumsDigest: result.sha256sumsDigest,
        counts: result.counts,
        warnings: result.warnings.length,
        files: result.files,
        bytes: result.bytes,
      }),
    });
    return { jobId, billing };
  }

  private async finishLedger(id: string, state: string, r: ExportResult, location: string): Promise<void> {
    await this.s.controlPlane.db
      .updateTable('export_ledger')
      .set({ state: r.status === 'completed_with_warnings' ? 'completed_with_warnings' : state, location, sha256sums_digest: r.sha256sumsDigest, warnings: r.warnings.length, bytes: r.bytes, finished_at: this.s.clock.now().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Object-store destination: the verified package, as one uncompressed tar (its
   * contents are already compressed), under the tenant's exports prefix so deletion
   * finds it; a presigned link where the store has one (S3).
   */
  private async upload(tenantId: string, result: ExportResult, work: { signal: AbortSignal; progress: (p: { phase: string; done: number; total: number | null; bytesDone?: number; bytesTotal?: number | null }) => void }) {
    const name = basename(result.path);
    const key = `${objectKeys.exportsPrefix(tenantId)}${name}.tar`;
    const files = listFiles(result.path).map((f) => relative(join(result.path, '..'), f));
    const total = files.reduce((n, f) => n + statSync(join(result.path, '..', f)).size, 0);
    work.progress({ phase: 'upload', done: 0, total: null, bytesDone: 0, bytesTotal: total });
    const stream = tarCreate({ cwd: join(result.path, '..'), portable: true, gzip: false }, files);
    await this.s.objectStore.put(key, stream as unknown as NodeJS.ReadableStream as never, { contentType: 'application/x-tar', signal: work.signal });
    const link = await this.s.objectStore.presignGet(key, EXPORT_LINK_SECONDS);
    return { location: `${this.s.objectStore.location} › ${key}`, link };
  }

  async ledger(tenantId: string) {
    const rows = await this.s.controlPlane.db.selectFrom('export_ledger').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').limit(100).execute();
    return rows.map((r) => ({
      id: r.id,
      jobId: r.job_id,
      profile: r.profile,
      formats: r.formats.split(','),
      billing: r.billing,
      billingReference: r.billing_reference,
      actor: r.actor_label,
      destination: r.destination,
      location: r.location,
      sha256sumsDigest: r.sha256sums_digest,
      state: r.state,
      warnings: Number(r.warnings),
      bytes: Number(r.bytes),
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    }));
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}
