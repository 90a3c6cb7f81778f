/**
 * Live and selective restore (issue 6), one journaled executor for both:
 *
 *   preflight → mark restoring → safety snapshot → swap | insert → verify → files → finish
 *
 * Every step is idempotent and the journal records which finished, so a rerun after a
 * crash resumes. The swap is where a crash must never leave a mix:
 *
 *   1. the verified copy is staged beside the live file (`<live>.restore-<request>`,
 *      same folder so rename is atomic, fsynced by restoreSnapshotToFile);
 *   2. the live file is hard-linked to `<live>.before-<request>` (atomic; the old
 *      database keeps a name while its main name moves on);
 *   3. rename(staged → live): POSIX replaces the name atomically, so a reader opening
 *      the live path gets the old file or the new one, never a mix; fsync the folder.
 *
 * On a rerun the files say where the swap stands, whatever the journal managed to
 * record: the staged copy exists until the rename and is gone after it. If the new
 * database fails its verification, rename(before → live) puts the old one back (the
 * same atomic move), and the request fails with the reason. The local `before` link
 * is removed at the finish: from then on the safety snapshot in the object store is
 * the way back ("roll back", for the configured period), so no stray copy of a
 * customer's database stays on this machine.
 *
 * Selective restore inserts in one SQLite transaction (selective.ts), which is its
 * own atomic swap; a rerun sees whether it committed by looking for the planned IDs.
 */
import Database from 'better-sqlite3';
import { existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { restoreSnapshotToFile } from '../backups/snapshot.verifier';
import { readSnapshotManifest, type SnapshotManifest } from '../backups/snapshot.manifest';
import { takeSnapshot } from '../backups/snapshot.writer';
import { countRows, integrityCheck, quoteIdent, readSchemaVersion } from '../backups/snapshot.sqlite';
import type { Clock } from '../shared/clock.port';
import { CustosError, toErrorInfo } from '../shared/errors';
import { fsyncDir } from '../shared/fs-atomic';
import { throwIfAborted, type LongWork } from '../shared/progress';
import { objectKeys, type ObjectStore } from '../storage/object-store/object-store.port';
import { newJournal, RESTORE_STEPS, type JournalStore, type RestoreJournal, type RestoreStepId, type TenantStatusBefore } from './restore.journal';
import { applySelection, type SelectionPlan } from './selective';

export type RestoreWork =
  | { kind: 'live'; snapshotId: string }
  | { kind: 'records'; snapshotId: string; sandboxPath: string; plan: SelectionPlan };

export interface RestoreExecutorDeps {
  requestId: string;
  tenantId: string;
  livePath: string;
  objectStore: ObjectStore;
  clock: Clock;
  tmpDir: string;
  appVersion: string;
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

export function stagedPath(livePath: string, requestId: string): string {
  return join(dirname(livePath), `.${basename(livePath)}.restore-${requestId}`);
}
export function beforePath(livePath: string, requestId: string): string {
  return join(dirname(livePath), `.${basename(livePath)}.before-${requestId}`);
}

const ino = (p: string): number | null => (existsSync(p) ? statSync(p).ino : null);

export async function runRestore(work: RestoreWork, deps: RestoreExecutorDeps, lw: LongWork): Promise<RestoreOutcome> {
  const { signal, progress } = lw;
  const cp = (name: string) => deps.checkpoint?.(name);
  const journal: RestoreJournal = (await deps.journal.load()) ?? newJournal(deps.requestId, deps.tenantId, work.snapshotId);
  journal.runs += 1;
  journal.lastError = null;
  await deps.journal.save(journal);
  const staged = stagedPath(deps.livePath, deps.requestId);
  const before = beforePath(deps.livePath, deps.requestId);
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
    if (!existsSync(deps.livePath) && !existsSync(before)) {
      throw new CustosError('TENANT_DATABASE_MISSING', `The live database of tenant ${deps.tenantId} is missing; a restore replaces a database, it does not create one.`, 'Check the tenants folder and the catalogue entry.');
    }
    let manifest: SnapshotManifest | null = null;

    // 1. Preflight: a live restore stages a verified copy; a selective one checks its plan still holds.
    if (work.kind === 'live' && journal.steps.preflight && !journal.steps.swap && !existsSync(staged) && ino(deps.livePath) === ino(before)) {
      // The staged copy vanished before the swap (someone cleaned the folder): fetch it again.
      delete journal.steps.preflight;
    }
    await step('preflight', async () => {
      if (work.kind === 'live') {
        rmSync(staged, { force: true });
        const r = await restoreSnapshotToFile({ objectStore: deps.objectStore, tenantId: deps.tenantId, snapshotId: work.snapshotId, tmpDir: deps.tmpDir, clock: deps.clock, targetPath: staged, signal, progress });
        manifest = r.manifest;
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
      // gzip level 1: the tenant waits in "restoring" while this runs, and a safety copy is short-lived (held for the rollback period).
      const m = await takeSnapshot({ dbPath: deps.livePath, tenantId: deps.tenantId, objectStore: deps.objectStore, clock: deps.clock, tmpDir: deps.tmpDir, appVersion: deps.appVersion, compressionLevel: 1, signal, progress });
      await deps.onSafetySnapshot(m);
      journal.safetySnapshotId = m.snapshotId;
    });

    // 4. The swap.
    await step('swap', async () => {
      await deps.releaseHandles();
      if (work.kind === 'records') {
        await insertRecords(work, deps, lw);
        return;
      }
      if (existsSync(staged)) {
        settleLiveFile(deps.livePath);
        if (!existsSync(before)) {
          linkSync(deps.livePath, before);
          fsyncDir(dirname(deps.livePath));
        }
        cp('after-link');
        throwIfAborted(signal);
        renameSync(staged, deps.livePath);
        cp('after-rename');
        fsyncDir(dirname(deps.livePath));
      } else if (ino(deps.livePath) === ino(before)) {
        throw new CustosError('INTERNAL', 'The restored copy disappeared before it was swapped in; the live database was not changed.', 'Run the restore again: it fetches the snapshot again.');
      }
      // else: the rename happened in a run that crashed before the journal recorded it.
    });

    // 5. Verify the new live database; a bad one is swapped back out.
    await step('verify', async () => {
      manifest ??= await readSnapshotManifest(deps.objectStore, deps.tenantId, work.snapshotId, signal);
      const problem = checkLive(deps.livePath, work.kind === 'live' ? manifest.rowCounts : null, manifest.schemaVersion);
      if (problem) {
        if (work.kind === 'live' && existsSync(before)) {
          renameSync(before, deps.livePath);
          fsyncDir(dirname(deps.livePath));
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
      files = await missingFiles(deps.livePath, deps.objectStore, deps.tenantId, signal);
    });
    const { sample: missing, count: missingCount } = files ?? (await missingFiles(deps.livePath, deps.objectStore, deps.tenantId, signal));

    // 7. Finish.
    await step('finish', async () => {
      rmSync(before, { force: true });
      fsyncDir(dirname(deps.livePath));
      await deps.setTenantStatus(journal.priorStatus ?? 'active');
    });
    progress({ phase: 'finish', done: total, total });

    const db = new Database(deps.livePath, { readonly: true, fileMustExist: true });
    let rowCounts: Record<string, number>;
    try {
      rowCounts = countRows(db);
    } finally {
      db.close();
    }
    return {
      kind: work.kind,
      snapshotId: work.snapshotId,
      safetySnapshotId: journal.safetySnapshotId ?? '',
      rowCounts,
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
      if (work.kind === 'live') rmSync(staged, { force: true });
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

/** A hot rollback journal or WAL beside the live file belongs to the OLD database: settle it into that file first. */
function settleLiveFile(livePath: string): void {
  if (!existsSync(`${livePath}-journal`) && !existsSync(`${livePath}-wal`)) return;
  const db = new Database(livePath, { fileMustExist: true });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    if (existsSync(`${livePath}-wal`)) db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Null when the live database is sound and matches; otherwise what is wrong. */
function checkLive(livePath: string, expectedCounts: Record<string, number> | null, schemaVersion: number): string | null {
  let db: Database.Database;
  try {
    db = new Database(livePath, { readonly: true, fileMustExist: true });
  } catch (e) {
    return `it cannot be opened: ${(e as Error).message}`;
  }
  try {
    const report = integrityCheck(db);
    if (report.length !== 1 || report[0] !== 'ok') return `integrity check: ${report.slice(0, 3).join('; ')}`;
    const v = readSchemaVersion(db);
    if (v !== schemaVersion) return `schema version ${v ?? 'none'} instead of ${schemaVersion}`;
    if (expectedCounts) {
      const actual = countRows(db);
      const diff = Object.keys({ ...expectedCounts, ...actual }).filter((t) => expectedCounts[t] !== actual[t]);
      if (diff.length > 0) return `row counts differ from the manifest in ${diff.join(', ')}`;
    }
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    db.close();
  }
}

async function insertRecords(work: Extract<RestoreWork, { kind: 'records' }>, deps: RestoreExecutorDeps, lw: LongWork): Promise<void> {
  // Did a crashed run commit already? The transaction is all-or-nothing, so all planned IDs or none are there.
  const present = countPresent(deps.livePath, work.plan);
  const planned = Object.values(work.plan.insert).reduce((n, ids) => n + (ids?.length ?? 0), 0);
  if (present === planned && planned > 0) return;
  applySelection({ snapshotPath: work.sandboxPath, livePath: deps.livePath, plan: work.plan, signal: lw.signal });
}

function countPresent(livePath: string, plan: SelectionPlan): number {
  const db = new Database(livePath, { readonly: true, fileMustExist: true });
  try {
    let n = 0;
    for (const [entity, ids] of Object.entries(plan.insert)) {
      if (!ids || ids.length === 0) continue;
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        n += (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(entity)} WHERE id IN (${chunk.map(() => '?').join(',')})`).get(...chunk) as { n: number }).n;
      }
    }
    return n;
  } finally {
    db.close();
  }
}

/** File rows whose object is not in the store: one listing of the tenant's files prefix, not a request per file. */
export async function missingFiles(livePath: string, store: ObjectStore, tenantId: string, signal: AbortSignal): Promise<{ sample: MissingFile[]; count: number }> {
  const present = new Set<string>();
  for await (const o of store.list(objectKeys.attachmentsPrefix(tenantId), { signal })) present.add(o.key);
  const db = new Database(livePath, { readonly: true, fileMustExist: true });
  try {
    const sample: MissingFile[] = [];
    let count = 0;
    for (const r of db.prepare('SELECT id, object_key FROM files ORDER BY id').iterate() as IterableIterator<{ id: number; object_key: string }>) {
      if (present.has(r.object_key)) continue;
      count++;
      if (sample.length < 200) sample.push({ fileId: r.id, objectKey: r.object_key });
    }
    return { sample, count };
  } finally {
    db.close();
  }
}
