/**
 * Executing a deletion request (issue 7): a job of journaled steps, each
 * idempotent and safe to rerun after a crash.
 *
 *   1 suspend        tenant suspended; sandboxes and temporary copies on this machine deleted
 *   2 database       the tenant database (file + -wal/-shm/-journal, or a server database)
 *   3 attachments    every object under tenants/<id>/
 *   4 backups        every object under backups/<id>/ (snapshots and manifests)
 *   5 exports        every object under exports/<id>/
 *   6 control-plane  catalogue entry anonymised, grants revoked, tombstone left
 *   7 verify         every location listed again: must be empty/absent
 *   8 certificate    certificate issued (JSON + PDF, control plane + object store), request completed
 *
 * Why every run executes every step, even those a previous run finished: each
 * step is a no-op on an empty location, and an object that appeared after its
 * step ran (a backup that was already uploading, something planted) must be
 * deleted by the rerun that follows a failed verification. The journal is what
 * makes reruns exact rather than what makes them skip: before deleting, each step
 * records what it found in deletion_inventory, so totals in the certificate
 * count every object once, whichever run deleted it.
 *
 * A legal hold stops the job between steps (LEGAL_HOLD); the request stays
 * `executing` and resumes after the hold is lifted.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditActor } from '../audit/audit.chain';
import type { AuditLog } from '../audit/audit.service';
import type { ControlPlane } from '../control-plane/control-plane.port';
import type { Clock } from '../shared/clock.port';
import { CustosError, toErrorInfo } from '../shared/errors';
import { throwIfAborted, yieldToLoop, type LongWork } from '../shared/progress';
import { objectKeys } from '../storage/object-store/object-store.port';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { searchTextOf } from '../tenants/tenant-catalogue';
import type { DeletionConfig } from './deletion.config';
import {
  canonicalCertificate,
  certificateKeys,
  renderCertificatePdf,
  sha256Hex,
  summariseSnapshots,
  type DeletionCertificate,
} from './deletion.certificate';
import {
  DELETION_STEPS,
  STEP_LABELS,
  parseJournal,
  type DeletionJournal,
  type DeletionLocationId,
  type DeletionStepId,
  type LocationTotals,
  type VerificationCheck,
  type VerificationResult,
} from './deletion.journal';
import { requireRequest, writeTransition } from './deletion.repository';
import { transition, type DeletionRequestState } from './deletion.state-machine';
import { deletionDb, type DeletionDb } from './deletion.tables';
import type { TenantDatabaseDropper, TenantDatabaseRef } from './tenant-database.dropper';

/** Folders on this machine holding sandboxes or temporary copies of a tenant (issue 6 adds its own). */
export type SandboxDirs = (tenantId: string) => readonly string[] | Promise<readonly string[]>;

/**
 * Removes what another feature keeps about the tenant in the control plane (export
 * ledger destinations, restore notes…), inside step 6's transaction. Must be idempotent.
 */
export type ControlPlaneScrubber = (trx: Kysely<any>, tenantId: string, now: Date) => Promise<void>;

export interface DeletionExecutorDeps {
  controlPlane: ControlPlane;
  objectStore: ObjectStore;
  dropper: TenantDatabaseDropper;
  audit: AuditLog;
  clock: Clock;
  config: DeletionConfig;
  appVersion: string;
  sandboxDirs?: SandboxDirs;
  controlPlaneScrubbers?: readonly ControlPlaneScrubber[];
  /** Object store list page size (tests lower it to exercise pagination). */
  listPageSize?: number;
  /**
   * Test hook (the crash fixture kills its process here): called at
   * `<step>:start`, `<step>:listed`, `<step>:item` (after the first deletion),
   * `<step>:done` and `certificate:stored`.
   */
  checkpoint?: (point: string) => void | Promise<void>;
}

export interface DeletionExecutionResult {
  requestId: string;
  tenantId: string;
  certificateId: string;
  jsonSha256: string;
  runs: number;
  totals: Partial<Record<DeletionLocationId, LocationTotals>>;
}

export const NEUTRAL_TENANT_NAME = (tenantId: string) => `Deleted tenant ${tenantId}`;
export const NEUTRAL_TENANT_SLUG = (tenantId: string) => `deleted-${tenantId}`;

const OBJECT_LOCATIONS: readonly { step: DeletionStepId; location: DeletionLocationId; prefix: (id: string) => string }[] = [
  { step: 'attachments', location: 'attachments', prefix: objectKeys.tenantRoot },
  { step: 'backups', location: 'backups', prefix: objectKeys.backupsPrefix },
  { step: 'exports', location: 'exports', prefix: objectKeys.exportsPrefix },
];

const INVENTORY_BATCH = 200;
const LEFTOVERS_KEPT = 100;

function isMissing(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/** A sandbox folder from a callback is deleted recursively: refuse anything that is not clearly a folder of its own. */
function checkSandboxDir(dir: string): string {
  const resolved = path.resolve(dir);
  if (!path.isAbsolute(dir) || resolved === path.parse(resolved).root || resolved.split(path.sep).filter(Boolean).length < 2) {
    throw new CustosError('CONFIG_INVALID', `A sandbox folder to delete is not a safe path: ${JSON.stringify(dir)}.`, 'This is a bug in the feature that registered the folder; nothing was deleted.');
  }
  return resolved;
}

async function* walkFiles(dir: string): AsyncGenerator<{ path: string; size: number }> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e)) return;
    throw e;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    // Symbolic links are deleted as links, never followed out of the sandbox.
    if (e.isDirectory() && !e.isSymbolicLink()) yield* walkFiles(p);
    else {
      const st = await lstat(p).catch((err: unknown) => (isMissing(err) ? null : Promise.reject(err)));
      if (st) yield { path: p, size: st.size };
    }
  }
}

export class DeletionExecutor {
  private readonly db: DeletionDb;

  constructor(private readonly deps: DeletionExecutorDeps) {
    this.db = deletionDb(deps.controlPlane.db);
  }

  /**
   * Runs (or resumes) the execution of a request already in `executing` (the
   * service's `execute` makes that transition, with its checks, first).
   */
  async run(requestId: string, work: LongWork & { actor: AuditActor }): Promise<DeletionExecutionResult> {
    const loaded = await requireRequest(this.db, requestId);
    if (loaded.state.status !== 'executing') {
      throw new CustosError('DELETION_TRANSITION_REFUSED', `Request ${requestId} is ${loaded.state.status}, not executing.`, 'Execute it from the request page once its grace period has ended.');
    }
    const journal = parseJournal(loaded.row.journal) ?? (await this.startJournal(loaded.state));
    journal.runs += 1;
    journal.lastError = null;
    await this.saveJournal(requestId, journal);

    const run = new Run(this.deps, this.db, loaded.state, journal, work);
    try {
      return await run.all();
    } catch (e) {
      const info = toErrorInfo(e);
      journal.lastError = { at: this.deps.clock.now().toISOString(), code: info.code, message: info.message };
      await this.saveJournal(requestId, journal).catch(() => {});
      throw e;
    }
  }

  /** First run: pin the certificate ID and the tenant facts the certificate needs after step 6 anonymises them. */
  private async startJournal(r: DeletionRequestState): Promise<DeletionJournal> {
    const t = await this.db.selectFrom('tenants').selectAll().where('id', '=', r.tenantId).executeTakeFirst();
    if (!t) {
      throw new CustosError('TENANT_NOT_FOUND', `Tenant ${r.tenantId} of request ${r.id} is not in the catalogue.`, 'Nothing was deleted. Check the tenant catalogue.');
    }
    if (t.status === 'deleted') {
      throw new CustosError('TENANT_DELETED', `Tenant ${r.tenantId} is already marked deleted, but request ${r.id} has no journal.`, 'Nothing was deleted. Report this to the engineering team.');
    }
    return {
      v: 1,
      certificateId: `dc-${randomUUID()}`,
      tenant: { id: t.id, name: t.name, plan: t.plan, region: t.region, createdAt: t.created_at, dbEngine: t.db_engine as TenantDatabaseRef['dbEngine'], dbLocation: t.db_location },
      startedAt: this.deps.clock.now().toISOString(),
      runs: 0,
      steps: {},
      totals: {},
      sandboxDirs: [],
      verification: null,
      lastError: null,
    };
  }

  private async saveJournal(requestId: string, journal: DeletionJournal): Promise<void> {
    await this.db.updateTable('deletion_requests').set({ journal: JSON.stringify(journal) }).where('id', '=', requestId).execute();
  }
}

/** One run of the steps; holds the request, journal and work parameters together. */
class Run {
  private readonly tenantId: string;
  private readonly ref: TenantDatabaseRef;

  constructor(
    private readonly deps: DeletionExecutorDeps,
    private readonly db: DeletionDb,
    private readonly request: DeletionRequestState,
    private readonly journal: DeletionJournal,
    private readonly work: LongWork & { actor: AuditActor },
  ) {
    this.tenantId = request.tenantId;
    this.ref = { tenantId: journal.tenant.id, dbEngine: journal.tenant.dbEngine, dbLocation: journal.tenant.dbLocation };
  }

  private now(): Date {
    return this.deps.clock.now();
  }

  private async checkpoint(point: string): Promise<void> {
    await this.deps.checkpoint?.(point);
  }

  private async save(): Promise<void> {
    await this.db.updateTable('deletion_requests').set({ journal: JSON.stringify(this.journal) }).where('id', '=', this.request.id).execute();
  }

  private phase(step: DeletionStepId): string {
    return `${DELETION_STEPS.indexOf(step) + 1}/${DELETION_STEPS.length} ${step}`;
  }

  async all(): Promise<DeletionExecutionResult> {
    let result: DeletionExecutionResult | null = null;
    for (const step of DELETION_STEPS) {
      throwIfAborted(this.work.signal);
      await this.assertNoHold();
      this.work.progress({ phase: this.phase(step), done: 0, total: null, item: STEP_LABELS[step] });
      await this.checkpoint(`${step}:start`);
      switch (step) {
        case 'suspend':
          await this.suspend();
          break;
        case 'database':
          await this.database();
          break;
        case 'attachments':
        case 'backups':
        case 'exports': {
          const loc = OBJECT_LOCATIONS.find((l) => l.step === step)!;
          await this.purgePrefix(step, loc.location, loc.prefix(this.tenantId));
          break;
        }
        case 'control-plane':
          await this.controlPlane();
          break;
        case 'verify':
          await this.verify();
          break;
        case 'certificate':
          result = await this.certificate();
          break;
      }
      if (step !== 'certificate') {
        this.journal.steps[step] = { doneAt: this.now().toISOString(), runs: (this.journal.steps[step]?.runs ?? 0) + 1 };
        await this.save();
      }
      await this.checkpoint(`${step}:done`);
    }
    return result!;
  }

  private async assertNoHold(): Promise<void> {
    const t = await this.db.selectFrom('tenants').select('legal_hold').where('id', '=', this.tenantId).executeTakeFirst();
    if (t?.legal_hold) {
      throw new CustosError('LEGAL_HOLD', `Deletion of tenant ${this.tenantId} stopped: the tenant was put on legal hold (${t.legal_hold}).`, 'Once an admin lifts the hold, execute the request again; it resumes where it stopped.');
    }
  }

  // ---- inventory ---------------------------------------------------------------------

  private async record(location: DeletionLocationId, items: { key: string; size: number }[]): Promise<void> {
    const listedAt = this.now().toISOString();
    for (let i = 0; i < items.length; i += INVENTORY_BATCH) {
      const rows = items.slice(i, i + INVENTORY_BATCH).map((it) => ({ request_id: this.request.id, location, key: it.key, size: it.size, listed_at: listedAt }));
      await this.db
        .insertInto('deletion_inventory')
        .values(rows)
        .onConflict((oc) => oc.columns(['request_id', 'location', 'key']).doNothing())
        .execute();
    }
  }

  private async totals(location: DeletionLocationId): Promise<LocationTotals> {
    const r = await this.db
      .selectFrom('deletion_inventory')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number | null>('size').as('b')])
      .where('request_id', '=', this.request.id)
      .where('location', '=', location)
      .executeTakeFirstOrThrow();
    return { objects: Number(r.n), bytes: Number(r.b ?? 0) };
  }

  private async closeLocation(location: DeletionLocationId): Promise<void> {
    this.journal.totals[location] = await this.totals(location);
  }

  // ---- steps -----------------------------------------------------------------------------

  private async suspend(): Promise<void> {
    // Never undo step 6: a rerun after anonymisation leaves `deleted` as it is.
    await this.db
      .updateTable('tenants')
      .set({ status: 'suspended', updated_at: this.now().toISOString() })
      .where('id', '=', this.tenantId)
      .where('status', 'not in', ['suspended', 'deleted'])
      .execute();

    const fromCallback = this.deps.sandboxDirs ? await this.deps.sandboxDirs(this.tenantId) : [];
    const dirs = [...new Set([...this.journal.sandboxDirs, ...fromCallback.map(checkSandboxDir)])];
    this.journal.sandboxDirs = dirs;
    await this.save();

    const items: { key: string; size: number }[] = [];
    for (const dir of dirs) for await (const f of walkFiles(dir)) items.push({ key: f.path, size: f.size });
    await this.record('sandboxes', items);
    await this.checkpoint('suspend:listed');
    const bytesTotal = items.reduce((s, i) => s + i.size, 0);
    let done = 0;
    for (const dir of dirs) {
      throwIfAborted(this.work.signal);
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      done++;
      this.work.progress({ phase: this.phase('suspend'), done, total: dirs.length, bytesDone: done === dirs.length ? bytesTotal : 0, bytesTotal, item: 'sandbox folders' });
      if (done === 1) await this.checkpoint('suspend:item');
    }
    await this.closeLocation('sandboxes');
  }

  private async database(): Promise<void> {
    const items = await this.deps.dropper.inventory(this.ref);
    await this.record('database', items);
    await this.checkpoint('database:listed');
    const bytesTotal = items.reduce((s, i) => s + i.size, 0);
    this.work.progress({ phase: this.phase('database'), done: 0, total: items.length, bytesDone: 0, bytesTotal, item: 'database files' });
    await this.deps.dropper.drop(this.ref);
    this.work.progress({ phase: this.phase('database'), done: items.length, total: items.length, bytesDone: bytesTotal, bytesTotal, item: 'database files' });
    await this.closeLocation('database');
  }

  private async purgePrefix(step: DeletionStepId, location: DeletionLocationId, prefix: string): Promise<void> {
    const { objectStore } = this.deps;
    const listed: { key: string; size: number }[] = [];
    let pending: { key: string; size: number }[] = [];
    const listOptions = { signal: this.work.signal, ...(this.deps.listPageSize ? { pageSize: this.deps.listPageSize } : {}) };
    // Inventory first, deletions after: a crash in between leaves an inventory that
    // still counts every object, and a listing that is never disturbed by deletes.
    for await (const o of objectStore.list(prefix, listOptions)) {
      listed.push({ key: o.key, size: o.size });
      pending.push({ key: o.key, size: o.size });
      if (pending.length >= INVENTORY_BATCH) {
        await this.record(location, pending);
        pending = [];
        this.work.progress({ phase: this.phase(step), done: 0, total: listed.length, item: `listing ${prefix}` });
      }
    }
    await this.record(location, pending);
    await this.checkpoint(`${step}:listed`);

    const bytesTotal = listed.reduce((s, o) => s + o.size, 0);
    let done = 0;
    let bytesDone = 0;
    for (const o of listed) {
      throwIfAborted(this.work.signal);
      await objectStore.delete(o.key);
      done++;
      bytesDone += o.size;
      this.work.progress({ phase: this.phase(step), done, total: listed.length, bytesDone, bytesTotal, item: prefix });
      if (done === 1) await this.checkpoint(`${step}:item`);
      if (done % 100 === 0) await yieldToLoop();
    }
    await this.closeLocation(location);
  }

  private async controlPlane(): Promise<void> {
    const now = this.now();
    const at = now.toISOString();
    const id = this.tenantId;
    await this.deps.controlPlane.exclusive(`deletion:${id}`, async (trx) => {
      const t = deletionDb(trx);
      await t
        .insertInto('tenant_tombstones')
        .values({ tenant_id: id, request_id: this.request.id, certificate_id: this.journal.certificateId, deleted_at: at })
        .onConflict((oc) => oc.column('tenant_id').doNothing())
        .execute();
      const name = NEUTRAL_TENANT_NAME(id);
      const slug = NEUTRAL_TENANT_SLUG(id);
      // Plan, region, creation date and engine stay: they describe the tombstone, not a person.
      await t
        .updateTable('tenants')
        .set({
          name,
          slug,
          status: 'deleted',
          dpa_version: null,
          dpa_accepted_at: null,
          db_size_bytes: 0,
          attachment_count: 0,
          attachment_bytes: 0,
          last_snapshot_at: null,
          free_export_used_at: null,
          legal_hold: null,
          search_text: searchTextOf({ id, slug, name }),
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
      // Justified-access grants end with the tenant; their rows stay as the trace of past access.
      await t.updateTable('grants').set({ revoked_at: at }).where('tenant_id', '=', id).where('revoked_at', 'is', null).execute();
      for (const scrub of this.deps.controlPlaneScrubbers ?? []) await scrub(trx as Kysely<any>, id, now);
    });
  }

  private async verify(): Promise<void> {
    const checks: VerificationCheck[] = [];
    const leftovers: { location: string; key: string }[] = [];
    let leftoverCount = 0;
    const note = (location: VerificationCheck['location'], target: string, keys: string[]) => {
      checks.push({ location, target, remaining: keys.length });
      leftoverCount += keys.length;
      for (const key of keys) if (leftovers.length < LEFTOVERS_KEPT) leftovers.push({ location, key });
    };

    const sandboxLeft: string[] = [];
    for (const dir of this.journal.sandboxDirs) {
      const st = await lstat(dir).catch((e: unknown) => (isMissing(e) ? null : Promise.reject(e)));
      if (st) sandboxLeft.push(dir);
    }
    note('sandboxes', this.journal.sandboxDirs.length ? this.journal.sandboxDirs.join(', ') : '(none registered)', sandboxLeft);

    note('database', `${this.ref.dbEngine} ${this.ref.dbLocation}`, await this.deps.dropper.remaining(this.ref));

    for (const loc of OBJECT_LOCATIONS) {
      const prefix = loc.prefix(this.tenantId);
      const keys: string[] = [];
      for await (const o of this.deps.objectStore.list(prefix, { signal: this.work.signal, ...(this.deps.listPageSize ? { pageSize: this.deps.listPageSize } : {}) })) keys.push(o.key);
      note(loc.location, `${this.deps.objectStore.location} › ${prefix}`, keys);
    }

    const cp: string[] = [];
    const t = await this.db.selectFrom('tenants').selectAll().where('id', '=', this.tenantId).executeTakeFirst();
    if (t && (t.status !== 'deleted' || t.name !== NEUTRAL_TENANT_NAME(this.tenantId) || t.dpa_version !== null || t.dpa_accepted_at !== null)) cp.push(`tenants/${this.tenantId}`);
    const tomb = await this.db.selectFrom('tenant_tombstones').select('tenant_id').where('tenant_id', '=', this.tenantId).executeTakeFirst();
    if (!tomb) cp.push(`tenant_tombstones/${this.tenantId} (missing)`);
    note('control-plane', 'tenant catalogue entry anonymised; tombstone present', cp);

    const result: VerificationResult = { at: this.now().toISOString(), ok: leftoverCount === 0, checks, leftovers, leftoverCount };
    this.journal.verification = result;
    await this.save();
    this.work.progress({ phase: this.phase('verify'), done: checks.length, total: checks.length, item: result.ok ? 'all locations empty' : `${leftoverCount} left` });
    if (!result.ok) {
      const shown = leftovers.slice(0, 10).map((l) => `${l.location}: ${l.key}`);
      throw new CustosError(
        'DELETION_VERIFY_FAILED',
        `Verification found ${leftoverCount} item(s) left after deletion of tenant ${this.tenantId}: ${shown.join('; ')}${leftoverCount > shown.length ? '; …' : ''}.`,
        'Something wrote to the tenant while it was being deleted, or a deletion did not take. The request stays executing: find what wrote there, stop it, and execute the request again.',
        { requestId: this.request.id, tenantId: this.tenantId, leftoverCount, leftovers },
      );
    }
  }

  private async certificate(): Promise<DeletionExecutionResult> {
    const { objectStore, audit, clock, config } = this.deps;
    const fresh = await requireRequest(this.db, this.request.id);
    const r = fresh.state;
    const completedAt = clock.now();
    const head = await audit.head();
    const backupKeys = (
      await this.db.selectFrom('deletion_inventory').select('key').where('request_id', '=', r.id).where('location', '=', 'backups').execute()
    ).map((row) => row.key);
    const keys = certificateKeys(this.journal.certificateId);
    const store = objectStore.location;
    const totals = (l: DeletionLocationId): LocationTotals => this.journal.totals[l] ?? { objects: 0, bytes: 0 };
    const cert: DeletionCertificate = {
      kind: 'custos.deletion-certificate',
      version: 1,
      certificateId: this.journal.certificateId,
      tenant: { id: r.tenantId, name: this.journal.tenant.name ?? NEUTRAL_TENANT_NAME(r.tenantId), plan: this.journal.tenant.plan, region: this.journal.tenant.region, createdAt: this.journal.tenant.createdAt },
      request: {
        id: r.id,
        reference: r.requestReference,
        receivedOn: r.receivedOn,
        requesterContact: r.requesterContact,
        filedAt: r.filedAt,
        filedBy: r.filedBy.label,
        approvedAt: r.approval?.at ?? '',
        approvedBy: r.approval?.label ?? '',
        scheduledFor: r.scheduledFor ?? '',
        finalExport: { wanted: r.wantsFinalExport, jobId: r.finalExport?.jobId ?? null, location: r.finalExport?.location ?? null },
      },
      execution: { startedAt: r.executingStartedAt ?? this.journal.startedAt, executedBy: r.executedBy ?? this.work.actor.label, runs: this.journal.runs },
      locations: [
        { id: 'sandboxes', description: this.journal.sandboxDirs.length ? `Folders on the console machine: ${this.journal.sandboxDirs.join(', ')}` : 'No sandbox or temporary folder was registered for this tenant.', ...totals('sandboxes') },
        { id: 'database', description: `${this.ref.dbEngine} database ${this.ref.dbLocation}${this.ref.dbEngine === 'sqlite' ? ' with its side files' : ' on the tenant database server'}`, ...totals('database') },
        { id: 'attachments', description: `${store} › ${objectKeys.tenantRoot(r.tenantId)}`, ...totals('attachments') },
        { id: 'backups', description: `${store} › ${objectKeys.backupsPrefix(r.tenantId)}`, ...totals('backups') },
        { id: 'exports', description: `${store} › ${objectKeys.exportsPrefix(r.tenantId)}`, ...totals('exports') },
        { id: 'control-plane', description: 'Catalogue entry anonymised (name, DPA acceptance, usage figures removed); justified-access grants revoked; tombstone kept (tenant ID, request, certificate).', objects: 1, bytes: 0 },
      ],
      snapshots: summariseSnapshots(backupKeys, objectKeys.backupsPrefix(r.tenantId)),
      verification: this.journal.verification!,
      completedAt: completedAt.toISOString(),
      auditChainHead: head,
      issuer: { product: 'Custos', appVersion: this.deps.appVersion, objectStore: store },
    };
    const { json, sha256 } = canonicalCertificate(cert);
    const pdf = Buffer.from(await renderCertificatePdf(cert, sha256, json));
    const pdfSha256 = sha256Hex(pdf);
    // The JSON first, the PDF that vouches for it second; both overwrite a crashed run's copies.
    await objectStore.put(keys.json, json, { contentType: 'application/json', metadata: { sha256 } });
    await objectStore.put(keys.pdf, pdf, { contentType: 'application/pdf', metadata: { sha256: pdfSha256, 'json-sha256': sha256 } });
    await this.checkpoint('certificate:stored');

    this.journal.steps.certificate = { doneAt: completedAt.toISOString(), runs: (this.journal.steps.certificate?.runs ?? 0) + 1 };
    const actor = { staffId: this.work.actor.staffId, label: this.work.actor.label, roles: this.work.actor.roles };
    await this.deps.controlPlane.exclusive(`deletion:${r.id}`, async (trx) => {
      const t = deletionDb(trx);
      const current = await requireRequest(t, r.id);
      const decided = transition(current.state, { type: 'complete', certificateId: this.journal.certificateId }, actor, completedAt, config);
      if (!decided.ok) throw new CustosError(decided.refusal.code, decided.refusal.message, decided.refusal.hint, { reason: decided.refusal.reason });
      await t
        .insertInto('deletion_certificates')
        .values({
          id: cert.certificateId,
          request_id: r.id,
          tenant_id: r.tenantId,
          json,
          json_sha256: sha256,
          pdf_base64: pdf.toString('base64'),
          pdf_sha256: pdfSha256,
          json_key: keys.json,
          pdf_key: keys.pdf,
          created_at: completedAt.toISOString(),
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ json, json_sha256: sha256, pdf_base64: pdf.toString('base64'), pdf_sha256: pdfSha256, created_at: completedAt.toISOString() }),
        )
        .execute();
      // The certificate keeps the tenant's name; the journal no longer needs it.
      const journal: DeletionJournal = { ...this.journal, tenant: { ...this.journal.tenant, name: null } };
      await writeTransition(t, decided, actor, { journal: JSON.stringify(journal) });
      // The inventory was a crash-safety tool; the totals live on in the journal and the certificate.
      await t.deleteFrom('deletion_inventory').where('request_id', '=', r.id).execute();
    });
    this.journal.tenant.name = null;
    await audit.append({
      actor: this.work.actor,
      action: 'deletion.complete',
      tenantId: r.tenantId,
      params: { requestId: r.id, reference: r.requestReference, certificateId: cert.certificateId, jsonSha256: sha256, from: 'executing', to: 'completed' },
      outcome: { status: 'ok' },
    });
    this.work.progress({ phase: this.phase('certificate'), done: 1, total: 1, item: cert.certificateId });
    return { requestId: r.id, tenantId: r.tenantId, certificateId: cert.certificateId, jsonSha256: sha256, runs: this.journal.runs, totals: { ...this.journal.totals } };
  }
}
