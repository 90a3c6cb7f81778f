import type { Kysely } from 'kysely';

/**
 * Migration 0005: the snapshot index (kept in step with the object store, rebuilt by
 * `backup reindex`), verification results, and holds (issue 5, BACKUPS.md).
 */
export const id = '0005-backups';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('backup_snapshots')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('taken_at_ms', 'bigint', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('schema_version', 'integer')
    .addColumn('raw_bytes', 'bigint')
    .addColumn('compressed_bytes', 'bigint')
    .addColumn('raw_sha256', 'text')
    .addColumn('compressed_sha256', 'text')
    .addColumn('row_counts', 'text')
    .addColumn('app_version', 'text')
    .addColumn('verification', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('last_verified_at', 'text')
    .addColumn('last_verification_id', 'text')
    .addColumn('indexed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('backup_snapshots_pk', ['tenant_id', 'snapshot_id'])
    .execute();
  await db.schema.createIndex('backup_snapshots_time').on('backup_snapshots').columns(['tenant_id', 'taken_at_ms', 'snapshot_id']).execute();

  await db.schema
    .createTable('backup_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('hint', 'text')
    .addColumn('details', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backup_verifications_snapshot').on('backup_verifications').columns(['tenant_id', 'snapshot_id', 'checked_at']).execute();

  await db.schema
    .createTable('backup_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('released_at', 'text')
    .execute();
  await db.schema.createIndex('backup_holds_snapshot').on('backup_holds').columns(['tenant_id', 'snapshot_id']).execute();
}
