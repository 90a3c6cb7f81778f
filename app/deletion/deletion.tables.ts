/**
 * Control plane tables of the deletion feature (issue 7), as kysely sees them.
 * Created by migration 0006-deletion. Same portability rules as
 * control-plane.schema.ts: ISO 8601 UTC text for timestamps, 0/1 for booleans,
 * JSON and binary as text.
 *
 * To merge into control-plane.schema.ts: the five interfaces and the five entries
 * of {@link DeletionTables}. Until then, {@link deletionDb} widens a ControlPlaneDb.
 */
import type { Kysely } from 'kysely';
import type { ControlPlaneDatabase, ControlPlaneDb } from '../control-plane/control-plane.schema';

export interface DeletionRequestsTable {
  id: string;
  tenant_id: string;
  /** The slug to type to confirm execution; cleared at completion (the certificate keeps the tenant's name). */
  tenant_slug: string | null;
  /** filed | approved | scheduled | executing | completed | cancelled (never on_hold: a hold lives on the tenant). */
  status: string;
  filed_by: string;
  filed_by_staff_id: string | null;
  filed_at: string;
  /** The customer's own reference for its request (ticket, letter number). */
  request_reference: string;
  /** YYYY-MM-DD: when the customer's request was received (starts the legal deadline). */
  received_on: string;
  /** The customer's staff contact who asked; cleared at completion (kept in the certificate). */
  requester_contact: string | null;
  reason: string;
  wants_final_export: number;
  final_export_job_id: string | null;
  final_export_location: string | null;
  final_export_recorded_at: string | null;
  final_export_recorded_by: string | null;
  approved_by: string | null;
  approved_by_staff_id: string | null;
  approved_at: string | null;
  /** SHA-256 of the canonical parameters (request ID, tenant ID, action, …) the approver saw. */
  approval_hash: string | null;
  scheduled_at: string | null;
  scheduled_by: string | null;
  scheduled_for: string | null;
  cancelled_by: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  executing_started_at: string | null;
  executed_by: string | null;
  completed_at: string | null;
  certificate_id: string | null;
  /** The tenant's directory status before approval made it `offboarding`; restored on cancel. */
  tenant_prior_status: string | null;
  /** JSON of the execution journal (see deletion.journal.ts). */
  journal: string | null;
  updated_at: string;
}

export interface DeletionTransitionsTable {
  id: string;
  request_id: string;
  /** 1, 2, 3… per request: the timeline's order even when two transitions share a timestamp. */
  n: number;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_label: string;
  actor_staff_id: string | null;
  at: string;
  /** Staff-facing note (cancel reason, hold reason, "approval cleared by amendment"). Never copied to the audit log. */
  note: string | null;
}

export interface TenantTombstonesTable {
  tenant_id: string;
  request_id: string;
  certificate_id: string;
  deleted_at: string;
}

export interface DeletionCertificatesTable {
  id: string;
  request_id: string;
  tenant_id: string;
  /** RFC 8785 canonical JSON: exactly the bytes whose SHA-256 is `json_sha256`. */
  json: string;
  json_sha256: string;
  pdf_base64: string;
  pdf_sha256: string;
  json_key: string;
  pdf_key: string;
  created_at: string;
}

/**
 * What each deletion step found before deleting it: the counts in the certificate
 * stay exact when a crash interrupts a step halfway and a rerun finishes it.
 * Emptied when the request completes (the journal and certificate keep the totals).
 */
export interface DeletionInventoryTable {
  request_id: string;
  location: string;
  key: string;
  size: number;
  listed_at: string;
}

export interface DeletionTables {
  deletion_requests: DeletionRequestsTable;
  deletion_transitions: DeletionTransitionsTable;
  tenant_tombstones: TenantTombstonesTable;
  deletion_certificates: DeletionCertificatesTable;
  deletion_inventory: DeletionInventoryTable;
}

export type DeletionControlPlaneDatabase = ControlPlaneDatabase & DeletionTables;
export type DeletionDb = Kysely<DeletionControlPlaneDatabase>;

/** The control plane seen with the deletion tables (a type-level widening; same connection). */
export function deletionDb(db: ControlPlaneDb | Kysely<any>): DeletionDb {
  return db as unknown as DeletionDb;
}
