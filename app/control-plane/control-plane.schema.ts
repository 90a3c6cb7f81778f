/**
 * Control plane tables as kysely sees them. The same schema runs on SQLite (the
 * embedded default) and PostgreSQL (issue 8), so column types stay portable:
 * timestamps are ISO 8601 UTC text (sortable), booleans are 0/1 integers, JSON is text.
 */
import type { Generated, Kysely } from 'kysely';

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  plan: string;
  status: string;
  region: string;
  created_at: string;
  dpa_version: string | null;
  dpa_accepted_at: string | null;
  db_engine: string;
  db_location: string;
  db_size_bytes: number;
  attachment_count: number;
  attachment_bytes: number;
  last_snapshot_at: string | null;
  free_export_used_at: string | null;
  legal_hold: string | null;
  /** Lower-cased name + slug + id, for directory search without per-engine collations. */
  search_text: string;
  updated_at: string;
}

export interface StaffTable {
  id: string;
  email: string;
  display_name: string;
  /** JSON array of roles. */
  roles: string;
  status: string;
  password_hash: string;
  must_change_password: number;
  failed_attempts: number;
  locked_until: string | null;
  lock_count: number;
  created_at: string;
  last_sign_in_at: string | null;
  password_changed_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the bearer token: a stolen control-plane copy cannot be replayed. */
  id: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  transport: string;
  ended_at: string | null;
  end_reason: string | null;
}

export interface AuditLogTable {
  seq: number;
  event_id: string;
  ts: string;
  actor_staff_id: string | null;
  actor_label: string;
  action: string;
  tenant_id: string | null;
  outcome: string;
  /** Canonical JSON of the whole record body that the hash covers. */
  body: string;
  prev_hash: string;
  hash: string;
}

export interface GrantsTable {
  id: string;
  staff_id: string;
  tenant_id: string;
  reason: string;
  ticket: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  tenant_id: string | null;
  state: string;
  phase: string;
  done: number;
  total: number | null;
  bytes_done: number;
  bytes_total: number | null;
  actor_label: string;
  staff_id: string | null;
  params: string;
  result: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  heartbeat_at: string;
  runner: string;
}

export interface ExportLedgerTable {
  id: string;
  tenant_id: string;
  job_id: string | null;
  profile: string;
  formats: string;
  billing: string;
  billing_reference: string | null;
  staff_id: string | null;
  actor_label: string;
  destination: string;
  location: string | null;
  sha256sums_digest: string | null;
  state: string;
  warnings: number;
  bytes: number;
  created_at: string;
  finished_at: string | null;
}

export interface BackupSnapshotsTable {
  tenant_id: string;
  snapshot_id: string;
  taken_at_ms: number;
  taken_at: string;
  state: string;
  schema_version: number | null;
  raw_bytes: number | null;
  compressed_bytes: number | null;
  raw_sha256: string | null;
  compressed_sha256: string | null;
  row_counts: string | null;
  app_version: string | null;
  verification: string;
  last_verified_at: string | null;
  last_verification_id: string | null;
  indexed_at: string;
}

export interface BackupVerificationsTable {
  id: string;
  tenant_id: string;
  snapshot_id: string;
  checked_at: string;
  outcome: string;
  code: string | null;
  message: string;
  hint: string | null;
  details: string | null;
  duration_ms: number;
  job_id: string | null;
  requested_by: string;
}

export interface BackupHoldsTable {
  id: string;
  tenant_id: string;
  snapshot_id: string;
  reason: string;
  created_by: string;
  created_at: string;
  released_at: string | null;
}

/** A restore request (issue 6); the status is RestoreStatus in app/restore/restore.types.ts. */
export interface RestoreRequestsTable {
  id: string;
  tenant_id: string;
  kind: string;
  status: string;
  snapshot_id: string;
  snapshot_taken_at: string;
  day: string | null;
  ticket: string;
  reason: string;
  sandbox_id: string | null;
  /** JSON RecordRef[] for a selective restore. */
  selection: string | null;
  /** JSON SelectionPlan (selective) computed when requested; the approval binds to its fingerprint. */
  plan: string | null;
  plan_fingerprint: string | null;
  /** For a rollback: the request whose safety snapshot it restores. */
  rollback_of: string | null;
  requested_by: string;
  requested_by_staff_id: string | null;
  requested_at: string;
  approved_by: string | null;
  approved_by_staff_id: string | null;
  approved_at: string | null;
  cancelled_by: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  job_id: string | null;
  started_by: string | null;
  started_at: string | null;
  finished_at: string | null;
  safety_snapshot_id: string | null;
  rollback_until: string | null;
  rolled_back_by: string | null;
  journal: string | null;
  result: string | null;
  error: string | null;
  updated_at: string;
}

/** A restored snapshot opened read-only for inspection; the file lives under <dataDir>/sandboxes/<tenant>/. */
export interface RestoreSandboxesTable {
  id: string;
  tenant_id: string;
  snapshot_id: string;
  snapshot_taken_at: string;
  /** 'opening' | 'ready' | 'failed' | 'removed' */
  status: string;
  /** Relative to the data folder. */
  path: string;
  bytes: number | string | null;
  created_by: string;
  created_by_staff_id: string | null;
  grant_id: string | null;
  ticket: string;
  job_id: string | null;
  created_at: string;
  expires_at: string;
  removed_at: string | null;
  error: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface ControlPlaneDatabase {
  tenants: TenantsTable;
  staff: StaffTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  grants: GrantsTable;
  jobs: JobsTable;
  export_ledger: ExportLedgerTable;
  backup_snapshots: BackupSnapshotsTable;
  backup_verifications: BackupVerificationsTable;
  backup_holds: BackupHoldsTable;
  restore_requests: RestoreRequestsTable;
  restore_sandboxes: RestoreSandboxesTable;
}

export type ControlPlaneDb = Kysely<ControlPlaneDatabase>;
export type { Generated };
