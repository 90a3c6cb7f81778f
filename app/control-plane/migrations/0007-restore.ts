import { sql, type Kysely } from 'kysely';

/**
 * Migration 0007: restore requests (live, selective, rollback) with their approval,
 * journal and result, and the sandboxes restores are inspected in (issue 6).
 * Column meanings: RestoreRequestsTable / RestoreSandboxesTable in control-plane.schema.ts.
 */
export const id = '0007-restore';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('restore_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('snapshot_taken_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text')
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('sandbox_id', 'text')
    .addColumn('selection', 'text')
    .addColumn('plan', 'text')
    .addColumn('plan_fingerprint', 'text')
    .addColumn('rollback_of', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_staff_id', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_by_staff_id', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('cancelled_by', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('job_id', 'text')
    .addColumn('started_by', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('safety_snapshot_id', 'text')
    .addColumn('rollback_until', 'text')
    .addColumn('rolled_back_by', 'text')
    .addColumn('journal', 'text')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('restore_requests_tenant').on('restore_requests').columns(['tenant_id', 'requested_at']).execute();
  // One restore runs per tenant at a time, even from two desktops.
  await db.schema
    .createIndex('restore_requests_one_running')
    .on('restore_requests')
    .column('tenant_id')
    .unique()
    .where(sql.ref('status'), '=', 'running')
    .execute();

  await db.schema
    .createTable('restore_sandboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('snapshot_taken_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_staff_id', 'text')
    .addColumn('grant_id', 'text')
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('restore_sandboxes_tenant').on('restore_sandboxes').columns(['tenant_id', 'created_at']).execute();
}
