/**
 * Pure helpers for showing a job's progress (CONVENTIONS.md §2: every long function
 * reports done/total/bytes/phase; the screen turns that into a bar and words).
 */
import { formatBytes, formatCount } from '../ui/format';

/** What the renderer knows about a job: the contract's job view, or the last progress event. */
export interface JobProgressFacts {
  state: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
  phase: string;
  done: number;
  total: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  etaSeconds: number | null;
}

export const FINAL_STATES: ReadonlySet<JobProgressFacts['state']> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

export function isFinal(state: JobProgressFacts['state']): boolean {
  return FINAL_STATES.has(state);
}

/**
 * 0…1, or null when the job cannot say (no total yet): the bar is then indeterminate.
 * Bytes win over items when both are known — the runner's ETA is measured the same way.
 */
export function progressFraction(j: Pick<JobProgressFacts, 'state' | 'done' | 'total' | 'bytesDone' | 'bytesTotal'>): number | null {
  if (j.state === 'succeeded') return 1;
  let f: number | null = null;
  if (j.bytesTotal !== null && j.bytesTotal > 0) f = j.bytesDone / j.bytesTotal;
  else if (j.total !== null && j.total > 0) f = j.done / j.total;
  if (f === null || !Number.isFinite(f)) return null;
  return Math.min(1, Math.max(0, f));
}

/**
 * "about 2 min left". Rounded the way people say it: nobody needs "about 117 s".
 * null (the runner does not know yet) → ''.
 */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 10) return 'a few seconds left';
  if (seconds < 55) return `about ${Math.max(10, Math.round(seconds / 10) * 10)} s left`;
  if (seconds < 90) return 'about 1 min left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const h = Math.floor(minutes / 60);
  const m = Math.round((minutes - h * 60) / 5) * 5;
  if (m === 0) return `about ${h} h left`;
  if (m === 60) return `about ${h + 1} h left`;
  return `about ${h} h ${m} min left`;
}

const PHASE_LABEL: Record<string, string> = {
  waiting: 'Waiting for other jobs on this tenant',
  starting: 'Starting',
  copy: 'Copying the database',
  check: 'Checking',
  'compress+upload': 'Compressing and uploading',
  manifest: 'Writing the manifest',
  download: 'Downloading',
  decompress: 'Decompressing',
  prune: 'Deleting pruned snapshots',
  // A restore's journal steps (issue 6).
  preflight: 'Checking the snapshot',
  'mark-restoring': 'Marking the tenant "restoring"',
  'safety-snapshot': 'Taking a safety snapshot',
  swap: 'Putting the restored data in place',
  verify: 'Verifying the live database',
  files: 'Looking for missing files',
  finish: 'Finishing',
  done: 'Done',
};

/** The runner's phase names ("compress+upload") in words. Unknown phases are shown as they come. */
export function phaseLabel(phase: string): string {
  const known = PHASE_LABEL[phase];
  if (known) return known;
  if (!phase) return 'Working';
  return phase.charAt(0).toUpperCase() + phase.slice(1);
}

/** "12 of 40 · 3.2 MiB of 10 MiB": the amounts behind the bar. */
export function progressAmounts(j: Pick<JobProgressFacts, 'done' | 'total' | 'bytesDone' | 'bytesTotal'>): string {
  const parts: string[] = [];
  if (j.bytesTotal !== null && j.bytesTotal > 0) parts.push(`${formatBytes(j.bytesDone)} of ${formatBytes(j.bytesTotal)}`);
  else if (j.bytesDone > 0) parts.push(formatBytes(j.bytesDone));
  else if (j.total !== null && j.total > 0) parts.push(`${formatCount(j.done)} of ${formatCount(j.total)}`);
  return parts.join(' · ');
}

const KIND_LABEL: Record<string, string> = {
  snapshot: 'Snapshot',
  verify: 'Verification',
  prune: 'Prune',
  export: 'Export',
  restore: 'Restore',
  'restore-records': 'Selective restore',
  'restore-rollback': 'Restore roll back',
  sandbox: 'Restore sandbox',
  deletion: 'Deletion',
};

export function jobKindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? (kind ? kind.charAt(0).toUpperCase() + kind.slice(1) : 'Job');
}

export const STATE_LABEL: Record<JobProgressFacts['state'], string> = {
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};
