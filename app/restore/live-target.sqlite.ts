/**
 * A SQLite tenant's live file as a restore target. The swap:
 *
 *   1. the verified copy is staged beside the live file (`.<live>.restore-<request>`,
 *      same folder so rename is atomic, fsynced by restoreSnapshotToFile);
 *   2. the live file is hard-linked to `.<live>.before-<request>` (atomic; the old
 *      database keeps a name while its main name moves on);
 *   3. rename(staged → live): POSIX replaces the name atomically, so a reader opening
 *      the live path gets the old file or the new one, never a mix; fsync the folder.
 *
 * The staged copy exists until the rename and is gone after it; the `before` link
 * exists from before the rename until the finish. Selective restore inserts in one
 * SQLite transaction (selective.ts), which is its own atomic swap.
 */
import Database from 'better-sqlite3';
import { existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { countRows, integrityCheck, quoteIdent, readSchemaVersion } from '../backups/snapshot.sqlite';
import { restoreSnapshotToFile } from '../backups/snapshot.verifier';
import { takeSnapshot } from '../backups/snapshot.writer';
import { fsyncDir } from '../shared/fs-atomic';
import { throwIfAborted } from '../shared/progress';
import { countsDiffer, type FileRow, type LiveTarget, type SwapState, type TargetContext } from './live-target';
import { applySelection, type SelectionPlan } from './selective';

export function stagedPath(livePath: string, requestId: string): string {
  return join(dirname(livePath), `.${basename(livePath)}.restore-${requestId}`);
}
export function beforePath(livePath: string, requestId: string): string {
  return join(dirname(livePath), `.${basename(livePath)}.before-${requestId}`);
}

const ino = (p: string): number | null => (existsSync(p) ? statSync(p).ino : null);

export function sqliteLiveTarget(livePath: string, ctx: TargetContext): LiveTarget {
  const staged = stagedPath(livePath, ctx.requestId);
  const before = beforePath(livePath, ctx.requestId);
  const dir = dirname(livePath);
  const open = () => new Database(livePath, { readonly: true, fileMustExist: true });
  return {
    engine: 'sqlite',
    names: { live: livePath, staged, before },
    where: livePath,
    exists: async () => existsSync(livePath) || existsSync(before),
    async swapState(): Promise<SwapState> {
      if (existsSync(staged)) return 'staged';
      // Before the journal records the swap, `before` exists only from the link on; the
      // rename makes live a different file from it. No link, or the same file: not swapped.
      const kept = ino(before);
      return kept === null || kept === ino(livePath) ? 'lost' : 'swapped';
    },
    async stage(snapshotId, { signal, progress }) {
      rmSync(staged, { force: true });
      const r = await restoreSnapshotToFile({ objectStore: ctx.objectStore, tenantId: ctx.tenantId, snapshotId, tmpDir: ctx.tmpDir, clock: ctx.clock, targetPath: staged, signal, progress });
      return r.manifest;
    },
    discardStaged: async () => rmSync(staged, { force: true }),
    // gzip level 1: the tenant waits in "restoring" while this runs, and a safety copy is short-lived (held for the rollback period).
    safetySnapshot: ({ signal, progress }) =>
      takeSnapshot({ dbPath: livePath, tenantId: ctx.tenantId, objectStore: ctx.objectStore, clock: ctx.clock, tmpDir: ctx.tmpDir, appVersion: ctx.appVersion, compressionLevel: 1, signal, progress }),
    async swap({ signal }, cp) {
      settleLiveFile(livePath);
      if (!existsSync(before)) {
        linkSync(livePath, before);
        fsyncDir(dir);
      }
      cp('after-link');
      throwIfAborted(signal);
      renameSync(staged, livePath);
      cp('after-rename');
      fsyncDir(dir);
    },
    check: async (expectedCounts, schemaVersion) => checkLive(livePath, expectedCounts, schemaVersion),
    async putBack() {
      if (!existsSync(before)) return false;
      renameSync(before, livePath);
      fsyncDir(dir);
      return true;
    },
    async *fileRows() {
      const db = open();
      try {
        for (const r of db.prepare('SELECT id, object_key FROM files ORDER BY id').iterate() as IterableIterator<{ id: number; object_key: string }>) {
          yield { id: r.id, objectKey: r.object_key } satisfies FileRow;
        }
      } finally {
        db.close();
      }
    },
    async removeKept() {
      rmSync(before, { force: true });
      rmSync(staged, { force: true });
      fsyncDir(dir);
    },
    async rowCounts() {
      const db = open();
      try {
        return countRows(db);
      } finally {
        db.close();
      }
    },
    countPresent: async (plan) => countPresent(livePath, plan),
    insertRecords: async (sandboxPath, plan, signal) => {
      applySelection({ snapshotPath: sandboxPath, livePath, plan, signal });
    },
  };
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
    return expectedCounts ? countsDiffer(expectedCounts, countRows(db)) : null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    db.close();
  }
}

function countPresent(livePath: string, plan: SelectionPlan): number {
  const db = new Database(livePath, { readonly: true, fileMustExist: true });
  try {
    let n = 0;
    for (const [entity, ids] of Object.entries(plan.insert)) {
      if (!ids || ids.length === 0) continue;
      n += db.prepare(`SELECT count(*) FROM ${quoteIdent(entity)} WHERE id IN (SELECT value FROM json_each(?))`).pluck().get(JSON.stringify(ids)) as number;
    }
    return n;
  } finally {
    db.close();
  }
}
