import { sql, type Kysely } from 'kysely';

/**
 * Migration 0006: deletion requests, their transitions, tenant tombstones,
 * certificates of deletion and the per-request inventory (issue 7).
 * Column meanings: app/deletion/deletion.tables.ts.
 */
export const id = '0006-deletion';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('deletion_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('tenant_slug', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .addColumn('filed_by_staff_id', 'text')
    .addColumn('filed_at', 'text', (c) => c.notNull())
    .addColumn('request_reference', 'text', (c) => c.notNull())
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('requester_contact', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('wants_final_export', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('final_export_job_id', 'text')
    .addColumn('final_export_location', 'text')
    .addColumn('final_export_recorded_at', 'text')
    .addColumn('final_export_recorded_by', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('approved_by_staff_id', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('approval_hash', 'text')
    .addColumn('scheduled_at', 'text')
    .addColumn('scheduled_by', 'text')
    .addColumn('scheduled_for', 'text')
    .addColumn('cancelled_by', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('executing_started_at', 'text')
    .addColumn('executed_by', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('certificate_id', 'text')
    .addColumn('tenant_prior_status', 'text')
    .addColumn('journal', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deletion_requests_tenant').on('deletion_requests').columns(['tenant_id', 'filed_at']).execute();
  await db.schema.createIndex('deletion_requests_status').on('deletion_requests').columns(['status', 'received_on']).execute();
  // At most one open request per tenant, even when two account managers file at once.
  await db.schema
    .createIndex('deletion_requests_one_open')
    .on('deletion_requests')
    .column('tenant_id')
    .unique()
    .where(sql.ref('status'), 'not in', sql`('completed', 'cancelled')`)
    .execute();

  await db.schema
    .createTable('deletion_transitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('actor_staff_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addUniqueConstraint('deletion_transitions_request_n', ['request_id', 'n'])
    .execute();

  await db.schema
    .createTable('tenant_tombstones')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('certificate_id', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('deletion_certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .addColumn('json_sha256', 'text', (c) => c.notNull())
    .addColumn('pdf_base64', 'text', (c) => c.notNull())
    .addColumn('pdf_sha256', 'text', (c) => c.notNull())
    .addColumn('json_key', 'text', (c) => c.notNull())
    .addColumn('pdf_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deletion_certificates_tenant').on('deletion_certificates').column('tenant_id').execute();

  await db.schema
    .createTable('deletion_inventory')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('listed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deletion_inventory_pk', ['request_id', 'location', 'key'])
    .execute();
}
