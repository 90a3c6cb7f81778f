import { sql, type Kysely } from 'kysely';

/** Migration 0001: catalogue of tenants, staff, sessions, audit chain, settings. */
export const id = '0001-initial';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('dpa_version', 'text')
    .addColumn('dpa_accepted_at', 'text')
    .addColumn('db_engine', 'text', (c) => c.notNull())
    .addColumn('db_location', 'text', (c) => c.notNull())
    .addColumn('db_size_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('attachment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attachment_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_snapshot_at', 'text')
    .addColumn('free_export_used_at', 'text')
    .addColumn('legal_hold', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // (column, id): the directory sorts by any column with id as the tiebreak, so
  // every sort walks an index instead of sorting 100,000 rows per page.
  for (const col of ['name', 'slug', 'plan', 'status', 'region', 'created_at', 'dpa_accepted_at', 'last_snapshot_at', 'db_size_bytes', 'attachment_count', 'attachment_bytes']) {
    await db.schema.createIndex(`tenants_${col}`).on('tenants').columns([col, 'id']).execute();
  }

  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('lock_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'text')
    .addColumn('password_changed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('idle_expires_at', 'text', (c) => c.notNull())
    .addColumn('absolute_expires_at', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('sessions_staff').on('sessions').column('staff_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('actor_staff_id', 'text')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_ts').on('audit_log').column('ts').execute();
  await db.schema.createIndex('audit_tenant').on('audit_log').column('tenant_id').execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  void sql;
}
