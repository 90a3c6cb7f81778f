/**
 * What a restore does to a tenant's live database, per engine (issues 6 and 8). The
 * executor (restore.executor.ts) owns the order of the steps and the journal; a
 * target owns how each step touches its engine:
 *
 * - SQLite (live-target.sqlite.ts): the verified copy is a file staged beside the live
 *   one; the swap is a hard link of the old file plus one atomic rename.
 * - PostgreSQL (live-target.postgres.ts): the verified copy is loaded into a new
 *   database; the swap renames live → kept and restored → live in ONE transaction.
 *
 * Either way the engine itself says where the swap stands after a crash (swapState):
 * the staged copy exists until the swap and is gone after it; the kept old database
 * exists from the swap until the finish. The journal is never trusted for that.
 */
import type { SnapshotManifest } from '../backups/snapshot.manifest';
import type { Clock } from '../shared/clock.port';
import type { LongWork } from '../shared/progress';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import type { SelectionPlan } from './selective';

/** What every target needs besides its own engine. */
export interface TargetContext {
  requestId: string;
  tenantId: string;
  objectStore: ObjectStore;
  clock: Clock;
  /** Room for one uncompressed copy of the tenant. */
  tmpDir: string;
  appVersion: string;
}

/**
 * Valid while the swap step is not journaled:
 * - 'staged': the verified copy waits beside live; nothing is swapped;
 * - 'swapped': the copy is live (a run crashed after the swap, before the journal said so);
 * - 'lost': the staged copy vanished before the swap (live is still the old database).
 */
export type SwapState = 'staged' | 'swapped' | 'lost';

export interface FileRow {
  id: number;
  objectKey: string;
}

export interface LiveTarget {
  readonly engine: 'sqlite' | 'postgres';
  /** Every name the restore creates or moves (paths or database names), journaled on the first run. */
  readonly names: Readonly<Record<string, string>>;
  /** For messages: where the live database is. */
  readonly where: string;
  /** False when neither the live database nor a kept old one exists (nothing to replace). */
  exists(): Promise<boolean>;
  swapState(): Promise<SwapState>;
  /** Downloads and verifies the snapshot into the staged copy (replacing a partial one). */
  stage(snapshotId: string, lw: LongWork, checkpoint: (name: string) => void): Promise<SnapshotManifest>;
  /** Removes the staged copy (a restore that failed before the swap). */
  discardStaged(): Promise<void>;
  /** A snapshot of the live database as it is now, through issue 5's writer. */
  safetySnapshot(lw: LongWork): Promise<SnapshotManifest>;
  /** The swap; called only in state 'staged'. The old database stays kept until {@link removeKept}. */
  swap(lw: LongWork, checkpoint: (name: string) => void): Promise<void>;
  /** Null when the live database is sound and matches; otherwise what is wrong. */
  check(expectedCounts: Record<string, number> | null, schemaVersion: number): Promise<string | null>;
  /** Puts the kept old database back in place of a bad new one; false when none is kept. */
  putBack(): Promise<boolean>;
  fileRows(signal: AbortSignal): AsyncIterable<FileRow>;
  /** Drops the kept old database (the safety snapshot is the way back from now on). Idempotent. */
  removeKept(): Promise<void>;
  rowCounts(): Promise<Record<string, number>>;
  /** How many of the plan's rows are in live (all or none: the insert is one transaction). */
  countPresent(plan: SelectionPlan): Promise<number>;
  /** The selective restore's insert, in one transaction on live that re-checks the preview. */
  insertRecords(sandboxPath: string, plan: SelectionPlan, signal: AbortSignal): Promise<void>;
}

/** Planned rows in all. */
export function plannedRows(plan: SelectionPlan): number {
  return Object.values(plan.insert).reduce((n, ids) => n + (ids?.length ?? 0), 0);
}

/** Null when equal; otherwise which tables differ (both engines' checks against a manifest). */
export function countsDiffer(expected: Record<string, number>, actual: Record<string, number>): string | null {
  const diff = Object.keys({ ...expected, ...actual }).filter((t) => expected[t] !== actual[t]);
  return diff.length > 0 ? `row counts differ from the manifest in ${diff.join(', ')}` : null;
}
