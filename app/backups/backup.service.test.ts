import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { consoleFixture, TENANT_ENGINES, type ConsoleFixture } from '../testing/console-fixture';
import { readSnapshotManifest, restoreSnapshotToFile, snapshotKeys } from './index';
import type { CallContext } from '../api/dispatcher';
import { ENTITY_ORDER } from '../schema';
import { SqliteTenantDatabase } from '../storage/sqlite';
import type { TenantDatabase } from '../storage/sqlite/tenant-database.port';
import { noProgress } from '../shared/progress';

async function value<T>(p: Promise<{ envelope: { ok: boolean; value?: unknown; error?: { code: string } } }>): Promise<T> {
  const r = await p;
  if (!r.envelope.ok) throw new Error(`refused: ${JSON.stringify(r.envelope.error)}`);
  return r.envelope.value as T;
}

/** Every row of every list, in id order, as the adapter reads it. */
async function allRows(db: TenantDatabase): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const e of ENTITY_ORDER) {
    const rows: unknown[] = [];
    for await (const r of db.stream(e)) rows.push(r);
    out[e] = rows;
  }
  return out;
}

describe.each(TENANT_ENGINES)('backups through the dispatcher, tenants on %s, the local object store', (engine) => {
  let fx: ConsoleFixture;
  let tech: CallContext;
  let support: CallContext;

  beforeAll(async () => {
    fx = await consoleFixture(['t-000001', 't-000002'], { tenantEngine: engine });
    tech = await fx.as(['technical']);
    support = await fx.as(['support']);
  });
  afterAll(async () => fx?.close());

  const waitJob = (jobId: string) => fx.waitJob(tech, jobId);

  it('Snapshot now: a job that snapshots, indexes, verifies and updates the directory', async () => {
    const { jobId } = await value<{ jobId: string }>(fx.core.dispatch(support, 'backups.snapshotNow', { tenantId: 't-000001' }));
    const job = await waitJob(jobId);
    expect(job).toMatchObject({ state: 'succeeded', result: { verification: 'ok' } });
    const view = await value<{ snapshots: { snapshotId: string; verification: string }[]; compliance: { neverBackedUp: boolean } }>(fx.core.dispatch(support, 'backups.tenant', { tenantId: 't-000001' }));
    expect(view.snapshots).toHaveLength(1);
    expect(view.snapshots[0]!.verification).toBe('verified');
    expect(view.compliance.neverBackedUp).toBe(false);
    const t = await value<{ lastSnapshotAt: string | null }>(fx.core.dispatch(support, 'tenants.get', { tenantId: 't-000001' }));
    expect(t.lastSnapshotAt).toBeTruthy();

    // The manifest names the engine the tenant was on; the snapshot restores to exactly the rows the live database holds.
    const s = fx.core.services;
    const manifest = await readSnapshotManifest(s.objectStore, 't-000001', view.snapshots[0]!.snapshotId);
    expect(manifest.engine).toBe(engine);
    expect(manifest.takenAt).toBe('2026-06-30T03:00:00.000Z');
    const target = join(fx.dataDir, 'restored-t-000001.sqlite');
    await restoreSnapshotToFile({ objectStore: s.objectStore, tenantId: 't-000001', snapshotId: manifest.snapshotId, targetPath: target, tmpDir: s.backups.tmpDir, signal: new AbortController().signal, progress: noProgress });
    const restored = await SqliteTenantDatabase.open(target, 't-000001', { readonly: true });
    try {
      const record = await s.catalogue.get('t-000001');
      const live = await s.tenantDbs.with(record, allRows);
      expect(live.persons).toHaveLength(1);
      expect(await allRows(restored)).toEqual(live);
    } finally {
      await restored.close();
    }
    // No temporary copy left behind (the PostgreSQL dump, the snapshot's work folder).
    expect(readdirSync(s.backups.tmpDir).flatMap((d) => (d === 'tenant-copies' ? readdirSync(join(s.backups.tmpDir, d, 't-000001')) : [d]))).toEqual([]);
  });

  it.runIf(engine === 'postgres')('a PostgreSQL tenant whose database is gone: TENANT_DATABASE_MISSING, and no dump left behind', async () => {
    const s = fx.core.services;
    const r = await s.catalogue.get('t-000002');
    const ghost = { ...r, dbLocation: fx.pg!.name('never_created') };
    const job = s.backups.startSnapshotJob(ghost, { staffId: null, label: 'test', roles: ['system'], sessionId: null, transport: 'cli' });
    const done = await waitJob(job.jobId);
    expect(done.state).toBe('failed');
    expect(JSON.stringify(done.error)).toContain('TENANT_DATABASE_MISSING');
    const copies = join(s.backups.tmpDir, 'tenant-copies', 't-000002');
    expect(existsSync(copies) ? readdirSync(copies) : []).toEqual([]);
  });

  it('a support user may not verify (technical role needed)', async () => {
    const r = await fx.core.dispatch(support, 'backups.verify', { tenantId: 't-000001', snapshotId: '20260101T000000Z-abcdef' });
    expect(r.envelope.ok ? 'ok' : r.envelope.error.code).toBe('FORBIDDEN');
  });

  it('a snapshot corrupted in the store (one byte flipped) is caught, named and quarantined', async () => {
    const view = await value<{ snapshots: { snapshotId: string }[] }>(fx.core.dispatch(tech, 'backups.tenant', { tenantId: 't-000001' }));
    const id = view.snapshots[0]!.snapshotId;
    const store = fx.core.services.objectStore;
    const chunks: Buffer[] = [];
    for await (const c of await store.get(snapshotKeys.data('t-000001', id))) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = bytes[mid]! ^ 0xff;
    await store.put(snapshotKeys.data('t-000001', id), bytes);

    const { jobId } = await value<{ jobId: string }>(fx.core.dispatch(tech, 'backups.verify', { tenantId: 't-000001', snapshotId: id }));
    const job = await waitJob(jobId);
    expect(job).toMatchObject({ state: 'succeeded', result: { outcome: 'failed', code: 'SNAPSHOT_CHECKSUM_MISMATCH' } });
    const after = await value<{ snapshots: { verification: string }[]; verifications: { code: string | null; message: string }[] }>(fx.core.dispatch(tech, 'backups.tenant', { tenantId: 't-000001' }));
    expect(after.snapshots[0]!.verification).toBe('failed');
    expect(after.verifications[0]!.message).toMatch(/checksum|SHA-256|damaged|altered/i);
  });

  it('prune apply with a stale token is refused before anything is deleted', async () => {
    const preview = await value<{ token: string; prune: string[] }>(fx.core.dispatch(tech, 'backups.prunePreview', { tenantId: 't-000001' }));
    expect(preview.token).toMatch(/^[0-9a-f]{64}$/);
    const r = await fx.core.dispatch(tech, 'backups.pruneApply', { tenantId: 't-000001', token: 'f'.repeat(64) });
    expect(r.envelope.ok ? 'ok' : r.envelope.error.code).toBe('APPROVAL_INVALID');
  });

  it('reindex rebuilds the index from the object store', async () => {
    const { jobId } = await value<{ jobId: string }>(fx.core.dispatch(tech, 'backups.snapshotNow', { tenantId: 't-000002' }));
    await waitJob(jobId);
    const db = new Database(join(fx.dataDir, 'control-plane.sqlite'));
    db.prepare(`DELETE FROM backup_snapshots WHERE tenant_id = 't-000002'`).run();
    db.close();
    const counts = await fx.core.services.backups.reindexTenant('t-000002');
    expect(counts.complete).toBe(1);
    expect((await fx.core.services.backups.snapshots('t-000002')).length).toBe(1);
  });

  it('fleet health counts never-backed-up and compliant tenants from the index', async () => {
    const h = await value<{ tenants: number; neverBackedUp: number; rows: { tenantId: string }[] }>(fx.core.dispatch(support, 'backups.fleetHealth', {}));
    expect(h.tenants).toBe(2);
    expect(h.rows.map((r) => r.tenantId).sort()).toEqual(['t-000001', 't-000002']);
  });
});
