/**
 * The execution journal (ARCHITECTURE.md: long work "writes a journal so that a
 * crash resumes"), kept as JSON in deletion_requests.journal. It pins what must
 * not change between runs (certificate ID, the tenant facts read before the
 * catalogue entry was anonymised), records which steps finished, the per-location
 * totals (from the inventory table, so exact across crashes), the last
 * verification and the last error.
 */
import { CustosError } from '../shared/errors';

export const DELETION_STEPS = ['suspend', 'database', 'attachments', 'backups', 'exports', 'control-plane', 'verify', 'certificate'] as const;
export type DeletionStepId = (typeof DELETION_STEPS)[number];

export const STEP_LABELS: Record<DeletionStepId, string> = {
  suspend: 'Suspend the tenant; delete sandboxes and temporary copies',
  database: 'Delete the tenant database',
  attachments: 'Delete attachments and every other object under the tenant prefix',
  backups: 'Delete backup snapshots and manifests',
  exports: 'Delete export packages',
  'control-plane': 'Remove personal data from the control plane; leave a tombstone',
  verify: 'Verify every location is empty',
  certificate: 'Issue the certificate of deletion',
};

/** Where data was deleted; each has a total in the certificate. */
export const DELETION_LOCATIONS = ['sandboxes', 'database', 'attachments', 'backups', 'exports'] as const;
export type DeletionLocationId = (typeof DELETION_LOCATIONS)[number];

export interface LocationTotals {
  objects: number;
  bytes: number;
}

export interface VerificationCheck {
  location: DeletionLocationId | 'control-plane';
  /** The prefix, folder or database that was listed again. */
  target: string;
  remaining: number;
}

export interface VerificationResult {
  at: string;
  ok: boolean;
  checks: VerificationCheck[];
  /** Up to 100 leftovers, exactly as listed. */
  leftovers: { location: string; key: string }[];
  leftoverCount: number;
}

export interface JournalTenant {
  id: string;
  /** Null once the request completed: the certificate keeps the name. */
  name: string | null;
  plan: string;
  region: string;
  createdAt: string;
  dbEngine: 'sqlite' | 'postgres';
  dbLocation: string;
}

export interface DeletionJournal {
  v: 1;
  certificateId: string;
  tenant: JournalTenant;
  startedAt: string;
  runs: number;
  steps: Partial<Record<DeletionStepId, { doneAt: string; runs: number }>>;
  totals: Partial<Record<DeletionLocationId, LocationTotals>>;
  /** Sandbox folders seen by any run (verification checks all of them). */
  sandboxDirs: string[];
  verification: VerificationResult | null;
  lastError: { at: string; code: string; message: string } | null;
}

export function parseJournal(text: string | null): DeletionJournal | null {
  if (text === null || text === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  const j = value as Partial<DeletionJournal> | null;
  if (!j || j.v !== 1 || typeof j.certificateId !== 'string' || !j.tenant || typeof j.tenant.id !== 'string') {
    throw new CustosError('INTERNAL', 'The journal of this deletion request is unreadable.', 'Report this to the engineering team; do not edit the request by hand.');
  }
  return { sandboxDirs: [], verification: null, lastError: null, steps: {}, totals: {}, ...j } as DeletionJournal;
}

/** What a screen shows of the journal: no tenant name, only progress and totals. */
export interface JournalSummary {
  runs: number;
  certificateId: string;
  steps: { id: DeletionStepId; label: string; doneAt: string | null }[];
  totals: Partial<Record<DeletionLocationId, LocationTotals>>;
  verification: VerificationResult | null;
  lastError: DeletionJournal['lastError'];
}

export function summariseJournal(j: DeletionJournal | null): JournalSummary | null {
  if (!j) return null;
  return {
    runs: j.runs,
    certificateId: j.certificateId,
    steps: DELETION_STEPS.map((id) => ({ id, label: STEP_LABELS[id], doneAt: j.steps[id]?.doneAt ?? null })),
    totals: j.totals,
    verification: j.verification,
    lastError: j.lastError,
  };
}
