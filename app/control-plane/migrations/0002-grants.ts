import type { Kysely } from 'kysely';

/** Migration 0002: justified-access grants (issue 3): who may see which tenant's records, why, until when. */
export const id = '0002-grants';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('grants_staff_tenant').on('grants').columns(['staff_id', 'tenant_id']).execute();
  await db.schema.createIndex('grants_tenant').on('grants').column('tenant_id').execute();
}
