/** Migration 0006-deletion (CONVENTIONS.md §16: each migration with its own test). */
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as m0006 from '../control-plane/migrations/0006-deletion';
import { MIGRATIONS } from '../control-plane/migrations';
import { tempDir } from '../testing/temp-dir';
import { ensureDeletionSchema } from './deletion.fixture';
import { deletionDb } from './deletion.tables';

let tmp: ReturnType<typeof tempDir>;
let db: Kysely<any>;

beforeEach(() => {
  tmp = tempDir();
  db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(join(tmp.dir, 'cp.sqlite')) }) });
});
afterEach(async () => {
  await db.destroy();
  tmp.remove();
});

/** The migrations index as it will be once 0006 is wired in. */
async function migrateWith0006(): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS, [m0006.id]: m0006 }) },
    migrationTableName: 'custos_migrations',
    migrationLockTableName: 'custos_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).map((r) => r.migrationName);
}

const request = (id: string, tenantId: string, status: string) => ({
  id,
  tenant_id: tenantId,
  tenant_slug: 's',
  status,
  filed_by: 'am@vendor.example',
  filed_by_staff_id: 's-am',
  filed_at: '2026-06-30T00:00:00.000Z',
  request_reference: 'R',
  received_on: '2026-06-29',
  requester_contact: 'c',
  reason: 'r',
  wants_final_export: 0,
  updated_at: '2026-06-30T00:00:00.000Z',
});

describe('migration 0006-deletion', () => {
  it('runs after the earlier migrations and creates the five tables', async () => {
    expect(await migrateWith0006()).toContain('0006-deletion');
    const tables = (await db.introspection.getTables()).map((t) => t.name);
    for (const t of ['deletion_requests', 'deletion_transitions', 'tenant_tombstones', 'deletion_certificates', 'deletion_inventory']) expect(tables).toContain(t);
    const cols = (await db.introspection.getTables()).find((t) => t.name === 'deletion_requests')!.columns.map((c) => c.name);
    for (const c of ['request_reference', 'received_on', 'requester_contact', 'wants_final_export', 'final_export_job_id', 'final_export_location', 'approval_hash', 'scheduled_for', 'cancel_reason', 'executing_started_at', 'certificate_id', 'journal']) {
      expect(cols).toContain(c);
    }
  });

  it('allows one open request per tenant, any number of closed ones', async () => {
    await migrateWith0006();
    const d = deletionDb(db);
    await d.insertInto('deletion_requests').values(request('dr-1', 't-1', 'scheduled')).execute();
    await expect(d.insertInto('deletion_requests').values(request('dr-2', 't-1', 'filed')).execute()).rejects.toThrow(/UNIQUE/);
    await d.insertInto('deletion_requests').values(request('dr-3', 't-1', 'cancelled')).execute();
    await d.insertInto('deletion_requests').values(request('dr-4', 't-1', 'completed')).execute();
    await d.insertInto('deletion_requests').values(request('dr-5', 't-2', 'filed')).execute();
  });

  it('keys the timeline by request and position, tombstones by tenant, the inventory by location and key', async () => {
    await migrateWith0006();
    const d = deletionDb(db);
    const entry = { request_id: 'dr-1', n: 1, action: 'file', from_status: null, to_status: 'filed', actor_label: 'x', actor_staff_id: null, at: 'now', note: null };
    await d.insertInto('deletion_transitions').values({ id: 'a', ...entry }).execute();
    await expect(d.insertInto('deletion_transitions').values({ id: 'b', ...entry }).execute()).rejects.toThrow(/UNIQUE/);
    const tomb = { tenant_id: 't-1', request_id: 'dr-1', certificate_id: 'dc-1', deleted_at: 'now' };
    await d.insertInto('tenant_tombstones').values(tomb).execute();
    await expect(d.insertInto('tenant_tombstones').values({ ...tomb, request_id: 'dr-2' }).execute()).rejects.toThrow(/UNIQUE|PRIMARY/);
    const inv = { request_id: 'dr-1', location: 'backups', key: 'backups/t-1/a', size: 5, listed_at: 'now' };
    await d.insertInto('deletion_inventory').values(inv).execute();
    await d.insertInto('deletion_inventory').values({ ...inv, location: 'exports' }).execute();
    await expect(d.insertInto('deletion_inventory').values(inv).execute()).rejects.toThrow(/UNIQUE|PRIMARY/);
  });

  it('the test helper creates the tables once and then leaves them alone', async () => {
    await ensureDeletionSchema(db);
    await ensureDeletionSchema(db);
    expect((await db.introspection.getTables()).some((t) => t.name === 'deletion_requests')).toBe(true);
  });
});
