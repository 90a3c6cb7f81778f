/**
 * The restore journal (issue 6, step 4: "Journal each step so that a crash resumes or
 * rolls back to the old database"). Kept as JSON in restore_requests.journal (the
 * console) or in a file (the crash fixture): the executor only needs load/save that
 * are durable before it goes on.
 *
 * What makes resuming safe is that the journal never has to be *right* about the
 * swap: the files say where it stands. The staged copy exists until the rename and
 * is gone after it; the kept link exists from before the rename until the finish.
 */
import { existsSync, readFileSync } from 'node:fs';
import { CustosError } from '../shared/errors';
import { writeFileAtomic } from '../shared/fs-atomic';

export const RESTORE_STEPS = ['preflight', 'mark-restoring', 'safety-snapshot', 'swap', 'verify', 'files', 'finish'] as const;
export type RestoreStepId = (typeof RESTORE_STEPS)[number];

const COMMON_STEP_LABELS = {
  'mark-restoring': 'Mark the tenant "restoring" (other jobs wait)',
  'safety-snapshot': 'Take a safety snapshot of the live database',
  files: 'Report file rows whose objects are no longer in storage',
  finish: 'Mark the tenant active again and record the result',
} as const;

/** What each step does, as the request page and the run dialog list it, per kind of restore. */
export const RESTORE_STEP_LABELS: Record<'database' | 'records', Record<RestoreStepId, string>> = {
  database: {
    preflight: 'Download and check the snapshot (checksums, integrity, schema, row counts)',
    ...COMMON_STEP_LABELS,
    swap: 'Swap the restored database in (atomic rename)',
    verify: 'Verify the new live database (integrity, schema version, row counts against the snapshot)',
  },
  records: {
    preflight: 'Check that the sandbox the selection was made in is still there',
    ...COMMON_STEP_LABELS,
    swap: 'Insert the selected records in one transaction, re-checking the preview',
    verify: 'Check the live database after the insert (integrity, schema version)',
  },
};

export type TenantStatusBefore = 'active' | 'suspended' | 'offboarding';

export interface RestoreJournal {
  v: 1;
  requestId: string;
  tenantId: string;
  snapshotId: string;
  /** The tenant's status before the restore; what it returns to. Pinned on the first run. */
  priorStatus: TenantStatusBefore | null;
  safetySnapshotId: string | null;
  /** The engine and every name the restore makes or moves (PostgreSQL: live, staged, kept, loading databases), saved on the first run. */
  target?: { engine: 'sqlite' | 'postgres'; names: Record<string, string> };
  runs: number;
  steps: Partial<Record<RestoreStepId, { doneAt: string }>>;
  /** Set when a run found the new database bad and put the old one back. */
  rolledBack: { at: string; reason: string } | null;
  lastError: { at: string; code: string; message: string } | null;
}

export function newJournal(requestId: string, tenantId: string, snapshotId: string): RestoreJournal {
  return { v: 1, requestId, tenantId, snapshotId, priorStatus: null, safetySnapshotId: null, runs: 0, steps: {}, rolledBack: null, lastError: null };
}

export function parseRestoreJournal(text: string | null): RestoreJournal | null {
  if (text === null || text === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CustosError('INTERNAL', 'The restore journal cannot be read.', 'Report this to engineering; do not edit the control plane by hand.');
  }
  if (typeof value !== 'object' || value === null || (value as { v?: unknown }).v !== 1) {
    throw new CustosError('INTERNAL', 'The restore journal has an unknown format.', 'Use the console version that started this restore.');
  }
  return value as RestoreJournal;
}

export interface JournalStore {
  load(): Promise<RestoreJournal | null>;
  /** Must be durable when it resolves. */
  save(j: RestoreJournal): Promise<void>;
}

/** A journal in a file, written atomically (the crash fixture; a console keeps it in the control plane). */
export function fileJournal(path: string): JournalStore {
  return {
    load: async () => (existsSync(path) ? parseRestoreJournal(readFileSync(path, 'utf8')) : null),
    save: async (j) => writeFileAtomic(path, JSON.stringify(j)),
  };
}
