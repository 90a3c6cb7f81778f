import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consoleFixture, fixtureDatabaseName, TENANT_ENGINES, type ConsoleFixture } from '../testing/console-fixture';
import type { CallContext } from '../api/dispatcher';
import { objectKeys } from '../storage/object-store/object-store.port';

type Env = { envelope: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } } };
const val = async <T>(p: Promise<Env>): Promise<T> => {
  const r = await p;
  if (!r.envelope.ok) throw new Error(`${r.envelope.error.code}: ${r.envelope.error.message}`);
  return r.envelope.value as T;
};
const code = async (p: Promise<Env>) => {
  const r = await p;
  return r.envelope.ok ? 'ok' : r.envelope.error.code;
};

/** Issue 7 end to end through the dispatcher: file → approve (another person) → grace → execute → certificate. */
describe.each(TENANT_ENGINES)('deletion request through the contract, tenants on %s', (engine) => {
  let fx: ConsoleFixture;
  let am: CallContext;
  let admin: CallContext;
  /** Whether the tenant's database exists: its SQLite file, or its PostgreSQL database on the server. */
  const databaseExists = async (tenantId: string): Promise<boolean> =>
    engine === 'sqlite'
      ? existsSync(join(fx.core.services.tenantDbs.dir, `${tenantId}.sqlite`))
      : (await fx.core.services.tenantDbs.postgresAdmin()).databaseExists(fixtureDatabaseName(fx.pg!, tenantId));
  beforeAll(async () => {
    fx = await consoleFixture(['t-000001', 't-000002'], { tenantEngine: engine });
    am = await fx.as(['account_manager']);
    admin = fx.adminCtx;
    await fx.core.services.objectStore.put(objectKeys.attachment('t-000001', 1), 'bytes of a file');
  });
  afterAll(async () => fx?.close());

  it('runs the whole lifecycle and leaves nothing but a tombstone and a certificate', async () => {
    const filed = await val<{ id: string; parametersHash: string; status: string }>(
      fx.core.dispatch(am, 'deletion.file', { tenantId: 't-000001', requestReference: 'CUST-77', receivedOn: '2026-06-29', requesterContact: 'Dana Privacy <dpo@customer.example>', reason: 'Contract ended', wantsFinalExport: false }),
    );
    expect(filed.status).toBe('filed');
    expect(await databaseExists('t-000001')).toBe(true);

    // The requester's contact (personal data) never reaches the audit log.
    const trail = await fx.core.services.audit.query({ action: 'deletion.file' });
    expect(JSON.stringify(trail)).not.toContain('dpo@customer.example');

    // The filer cannot approve; an admin can, bound to the parameters they saw.
    const amAdmin = await fx.as(['account_manager', 'admin']);
    const byFilerRole = await code(fx.core.dispatch(am, 'deletion.approve', { requestId: filed.id, parametersHash: filed.parametersHash }));
    expect(byFilerRole).toBe('FORBIDDEN');
    expect(await code(fx.core.dispatch(admin, 'deletion.approve', { requestId: filed.id, parametersHash: 'a'.repeat(64) }))).not.toBe('ok');
    const approved = await val<{ status: string; countdown: { executable: boolean } | null }>(fx.core.dispatch(admin, 'deletion.approve', { requestId: filed.id, parametersHash: filed.parametersHash }));
    expect(approved.status).toBe('scheduled');
    expect(approved.countdown?.executable).toBe(false);
    void amAdmin;

    // Not yet: the grace period runs 7 days.
    expect(await code(fx.core.dispatch(am, 'deletion.execute', { requestId: filed.id, confirmSlug: 'tenant-000001' }))).not.toBe('ok');
    fx.clock.advance(7 * 86_400_000 + 60_000);
    const am2 = await fx.as(['account_manager']);
    expect(await code(fx.core.dispatch(am2, 'deletion.execute', { requestId: filed.id, confirmSlug: 'wrong-slug' }))).not.toBe('ok');
    const { jobId } = await val<{ jobId: string }>(fx.core.dispatch(am2, 'deletion.execute', { requestId: filed.id, confirmSlug: 'tenant-000001' }));
    for (;;) {
      const j = await val<{ state: string; error: unknown }>(fx.core.dispatch(am2, 'jobs.get', { jobId }));
      if (j.state !== 'running') {
        expect(j).toMatchObject({ state: 'succeeded' });
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = await val<{ request: { status: string; certificateId: string } }>(fx.core.dispatch(am2, 'deletion.get', { requestId: filed.id }));
    expect(done.request.status).toBe('completed');

    // Nothing left: database file, objects under every prefix of the tenant.
    expect(await databaseExists('t-000001')).toBe(false);
    for (const prefix of [objectKeys.tenantRoot('t-000001'), objectKeys.backupsPrefix('t-000001'), objectKeys.exportsPrefix('t-000001')]) {
      const left: string[] = [];
      for await (const o of fx.core.services.objectStore.list(prefix)) left.push(o.key);
      expect(left, prefix).toEqual([]);
    }
    // The neighbour is untouched; the directory shows a tombstone, never the old name.
    expect(await databaseExists('t-000002')).toBe(true);
    const t = await val<{ status: string; name: string }>(fx.core.dispatch(am2, 'tenants.get', { tenantId: 't-000001' }));
    expect(t.status).toBe('deleted');
    expect(t.name).not.toContain('Tenant t-000001');

    const cert = await val<{ json: string; jsonSha256: string; pdfBase64: string }>(fx.core.dispatch(am2, 'deletion.certificate', { id: done.request.certificateId }));
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(cert.json).digest('hex')).toBe(cert.jsonSha256);
    // The certificate names the database that was dropped, on its engine, and that it was verified gone.
    const body = JSON.parse(cert.json) as { locations: { id: string; objects: number; bytes: number; description: string }[]; verification: { ok: boolean; checks: { location: string; remaining: number; target: string }[] } };
    const where = engine === 'sqlite' ? 'sqlite t-000001.sqlite' : `postgres ${fixtureDatabaseName(fx.pg!, 't-000001')}`;
    expect(body.locations.find((l) => l.id === 'database')).toMatchObject({ objects: 1, bytes: expect.any(Number) });
    expect(body.locations.find((l) => l.id === 'database')!.bytes).toBeGreaterThan(0);
    expect(body.verification.ok).toBe(true);
    expect(body.verification.checks.find((c) => c.location === 'database')).toEqual({ location: 'database', remaining: 0, target: where });
    expect(Buffer.from(cert.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const tomb = await val<{ certificateId: string } | null>(fx.core.dispatch(am2, 'deletion.tombstone', { tenantId: 't-000001' }));
    expect(tomb?.certificateId).toBe(done.request.certificateId);
  });
});
