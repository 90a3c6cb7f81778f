import type { Kysely } from 'kysely';

/** Migration 0004: the export ledger (issue 4): who exported what, when, free or billable, and the package digest. */
export const id = '0004-exports';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('export_ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('formats', 'text', (c) => c.notNull())
    .addColumn('billing', 'text', (c) => c.notNull())
    .addColumn('billing_reference', 'text')
    .addColumn('staff_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('sha256sums_digest', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('warnings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('export_ledger_tenant').on('export_ledger').columns(['tenant_id', 'created_at']).execute();
}
