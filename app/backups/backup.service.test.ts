import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { consoleFixture, type ConsoleFixture } from '../testing/console-fixture';
import { snapshotKeys } from './index';
import type { CallContext } from '../api/dispatcher';

async function value<T>(p: Promise<{ envelope: { ok: boolean; value?: unknown; error?: { code: string } } }>): Promise<T> {
  const r = await p;
  if (!r.envelope.ok) throw new Error(`refused: ${JSON.stringify(r.envelope.error)}`);
  return r.envelope.value as T;
}

describe('backups through the dispatcher, on real SQLite files and the local object store', () => {
  let fx: ConsoleFixture;
  let tech: CallContext;
  let support: CallContext;

  beforeAll(async () => {
    fx = await consoleFixture(['t-000001', 't-000002']);
    tech = await fx.as(['technical']);
    support = await fx.as(['support']);
  });
  afterAll(async () => fx?.close());

  const waitJob = async (jobId: string) => {
    for (;;) {
      const j = await value<{ state: string; result: unknown; error: unknown }>(fx.core.dispatch(tech, 'jobs.get', { jobId }));
      if (j.state !== 'running') return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

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
