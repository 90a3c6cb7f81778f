import type { Kysely } from 'kysely';

/** Migration 0003: jobs — long work with progress, cancellation and a result record (ARCHITECTURE.md). */
export const id = '0003-jobs';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'bigint')
    .addColumn('bytes_done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_total', 'bigint')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .addColumn('runner', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_tenant').on('jobs').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('jobs_state').on('jobs').column('state').execute();
}
