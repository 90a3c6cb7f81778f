/**
 * Live and selective restore (issues 6 and 8), one journaled executor for both kinds
 * and both engines:
 *
 *   preflight → mark restoring → safety snapshot → swap | insert → verify → files → finish
 *
 * Every step is idempotent and the journal records which finished, so a rerun after a
 * crash resumes. How each step touches the database is the target's (live-target.ts):
 * a staged file and an atomic rename on SQLite, a new database and a transactional
 * rename on PostgreSQL. On a rerun the engine says where the swap stands, whatever
 * the journal managed to record. If the new database fails its verification the old
 * one is put back and the request fails with the reason. The kept old database is
 * dropped at the finish: from then on the safety snapshot in the object store is the
 * way back ("roll back", for the configured period), so no stray copy of a
 * customer's database stays behind.
 *
 * Selective restore inserts in one transaction on live, which is its own atomic
 * swap; a rerun sees whether it committed by looking for the planned IDs.
 */
import { existsSync } from 'node:fs';
import { readSnapshotManifest, type SnapshotManifest } from '../backups/snapshot.manifest';
import type { Clock } from '../shared/clock.port';
import { CustosError, toErrorInfo } from '../shared/errors';
import { throwIfAborted, type LongWork } from '../shared/progress';
import { objectKeys, type ObjectStore } from '../storage/object-store/object-store.port';
import { plannedRows, type FileRow, type LiveTarget } from './live-target';
import { newJournal, RESTORE_STEPS, type JournalStore, type RestoreJournal, type RestoreStepId, type TenantStatusBefore } from './restore.journal';
import type { SelectionPlan } from './selective';

export type RestoreWork =
  | { kind: 'live'; snapshotId: string }
  | { kind: 'records'; snapshotId: string; sandboxPath: string; plan: SelectionPlan };

export interface RestoreExecutorDeps {
  requestId: string;
  tenantId: string;
  /** The live database, on its engine (sqliteLiveTarget / postgresLiveTarget). */
  target: LiveTarget;
  objectStore: ObjectStore;
  clock: Clock;
  journal: JournalStore;
  tenantStatus(): Promise<string>;
  setTenantStatus(status: 'restoring' | TenantStatusBefore): Promise<void>;
  /** Index the safety snapshot and hold it for the rollback period. */
  onSafetySnapshot(manifest: SnapshotManifest): Promise<void>;
  /** Close every handle this process holds on the live file before the swap. */
  releaseHandles(): Promise<void>;
  /** Crash fixture hook: called at each named point; a no-op in the console. */
  checkpoint?(name: string): void;
}

export interface MissingFile {
  fileId: number;
  objectKey: string;
}

export interface RestoreOutcome {
  kind: 'live' | 'records';
  snapshotId: string;
  safetySnapshotId: string;
  rowCounts: Record<string, number>;
  inserted: Record<string, number> | null;
  missingFiles: MissingFile[];
  missingFileCount: number;
  runs: number;
}

export async function runRestore(work: RestoreWork, deps: RestoreExecutorDeps, lw: LongWork): Promise<RestoreOutcome> {
  const { signal, progress } = lw;
  const cp = (name: string) => deps.checkpoint?.(name);
  const journal: RestoreJournal = (await deps.journal.load()) ?? newJournal(deps.requestId, deps.tenantId, work.snapshotId);
  journal.runs += 1;
  journal.lastError = null;
  const target = deps.target;
  // A SQLite data folder may have moved between runs (its names are paths); database names must not change.
  const sameNames = (j: NonNullable<RestoreJournal['target']>) => j.engine === target.engine && (target.engine === 'sqlite' || JSON.stringify(j.names) === JSON.stringify(target.names));
  if (journal.target && !sameNames(journal.target)) {
    throw new CustosError('INTERNAL', 'This restore was started with other database names than this console would use now (another console version?).', 'Finish it with the console version that started it, or ask engineering; nothing was changed by this run.', { journaled: journal.target });
  }
  // Both names before anything is made under them, so whoever reads the journal finds them.
  journal.target = { engine: target.engine, names: { ...target.names } };
  await deps.journal.save(journal);
  const total = RESTORE_STEPS.length;
  const step = async (id: RestoreStepId, fn: () => Promise<void>) => {
    if (journal.steps[id]) return;
    throwIfAborted(signal);
    progress({ phase: id, done: RESTORE_STEPS.indexOf(id), total, item: id });
    await fn();
    journal.steps[id] = { doneAt: deps.clock.now().toISOString() };
    await deps.journal.save(journal);
    cp(`after-${id}`);
  };

  try {
    if (!(await target.exists())) {
      throw new CustosError('TENANT_DATABASE_MISSING', `The live database of tenant ${deps.tenantId} (${target.where}) is missing; a restore replaces a database, it does not create one.`, 'Check the tenant database and the catalogue entry.');
    }
    let manifest: SnapshotManifest | null = null;

    // 1. Preflight: a live restore stages a verified copy; a selective one checks its plan still holds.
    if (work.kind === 'live' && journal.steps.preflight && !journal.steps.swap && (await target.swapState()) === 'lost') {
      // The staged copy vanished before the swap (someone cleaned up): fetch it again.
      delete journal.steps.preflight;
    }
    await step('preflight', async () => {
      if (work.kind === 'live') {
        manifest = await target.stage(work.snapshotId, lw, cp);
        cp('after-stage');
      } else if (!existsSync(work.sandboxPath)) {
        throw new CustosError('RESTORE_REFUSED', 'The sandbox this selection was made in has expired or was closed.', 'Open a sandbox of the same snapshot again and preview the selection again.');
      }
    });

    // 2. Restoring: other jobs for the tenant wait; the directory shows it.
    await step('mark-restoring', async () => {
      if (journal.priorStatus === null) {
        const status = await deps.tenantStatus();
        if (status === 'deleted') throw new CustosError('TENANT_DELETED', `Tenant ${deps.tenantId} was deleted.`, 'Nothing can be restored into a deleted tenant.');
        journal.priorStatus = status === 'restoring' ? 'active' : (status as TenantStatusBefore);
        await deps.journal.save(journal);
      }
      await deps.setTenantStatus('restoring');
    });

    // 3. Safety snapshot of the live database as it is now (issue 5's code path).
    await step('safety-snapshot', async () => {
      const m = await target.safetySnapshot(lw);
      await deps.onSafetySnapshot(m);
      journal.safetySnapshotId = m.snapshotId;
    });

    // 4. The swap.
    await step('swap', async () => {
      await deps.releaseHandles();
      if (work.kind === 'records') {
        // Did a crashed run commit already? The transaction is all-or-nothing, so all planned IDs or none are there.
        const planned = plannedRows(work.plan);
        if (planned > 0 && (await target.countPresent(work.plan)) === planned) return;
        await target.insertRecords(work.sandboxPath, work.plan, signal);
        return;
      }
      const state = await target.swapState();
      if (state === 'staged') await target.swap(lw, cp);
      else if (state === 'lost') {
        throw new CustosError('INTERNAL', 'The restored copy disappeared before it was swapped in; the live database was not changed.', 'Run the restore again: it fetches the snapshot again.');
      }
      // else: the swap happened in a run that crashed before the journal recorded it.
    });

    // 5. Verify the new live database; a bad one is swapped back out.
    await step('verify', async () => {
      manifest ??= await readSnapshotManifest(deps.objectStore, deps.tenantId, work.snapshotId, signal);
      const problem = await target.check(work.kind === 'live' ? manifest.rowCounts : null, manifest.schemaVersion);
      if (problem) {
        if (work.kind === 'live' && (await target.putBack())) {
          journal.rolledBack = { at: deps.clock.now().toISOString(), reason: problem };
          await deps.setTenantStatus(journal.priorStatus ?? 'active');
          await deps.journal.save(journal);
        }
        throw new CustosError('RESTORE_REFUSED', `The restored database failed its check after the swap (${problem}); the previous database was put back.`, 'Verify the snapshot from the Backups panel and choose another one.');
      }
    });

    // 6. Files whose objects are gone from storage (reported, not fatal: the rows are the customer's record of them).
    // The step is journaled (progress, resume point); the report itself is read again on a
    // rerun that skips it, since it goes into the result either way.
    let files: { sample: MissingFile[]; count: number } | null = null;
    await step('files', async () => {
      files = await missingFiles(target, deps.objectStore, deps.tenantId, signal);
    });
    const { sample: missing, count: missingCount } = files ?? (await missingFiles(target, deps.objectStore, deps.tenantId, signal));

    // 7. Finish.
    await step('finish', async () => {
      await target.removeKept();
      await deps.setTenantStatus(journal.priorStatus ?? 'active');
    });
    progress({ phase: 'finish', done: total, total });

    return {
      kind: work.kind,
      snapshotId: work.snapshotId,
      safetySnapshotId: journal.safetySnapshotId ?? '',
      rowCounts: await target.rowCounts(),
      inserted: work.kind === 'records' ? plannedCounts(work.plan) : null,
      missingFiles: missing,
      missingFileCount: missingCount,
      runs: journal.runs,
    };
  } catch (e) {
    const info = toErrorInfo(e);
    journal.lastError = { at: deps.clock.now().toISOString(), code: info.code, message: info.message };
    await deps.journal.save(journal).catch(() => {});
    // Before the swap nothing changed: the tenant may go back to its status at once.
    if (!journal.steps.swap && journal.steps['mark-restoring']) {
      if (work.kind === 'live') await target.discardStaged().catch(() => {});
      await deps.setTenantStatus(journal.priorStatus ?? 'active').catch(() => {});
      delete journal.steps['mark-restoring'];
      await deps.journal.save(journal).catch(() => {});
    }
    throw e;
  }
}

function plannedCounts(plan: SelectionPlan): Record<string, number> {
  return Object.fromEntries(Object.entries(plan.insert).map(([k, ids]) => [k, ids?.length ?? 0]));
}

/** File rows whose object is not in the store: one listing of the tenant's files prefix, not a request per file. */
export async function missingFiles(target: Pick<LiveTarget, 'fileRows'>, store: ObjectStore, tenantId: string, signal: AbortSignal): Promise<{ sample: MissingFile[]; count: number }> {
  const present = new Set<string>();
  for await (const o of store.list(objectKeys.attachmentsPrefix(tenantId), { signal })) present.add(o.key);
  const sample: MissingFile[] = [];
  let count = 0;
  for await (const r of target.fileRows(signal) as AsyncIterable<FileRow>) {
    if (present.has(r.objectKey)) continue;
    count++;
    if (sample.length < 200) sample.push({ fileId: r.id, objectKey: r.objectKey });
  }
  return { sample, count };
}
