import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openConsole, type ConsoleCore } from './console';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import { tempDir, TEST_KDF } from '../testing/temp-dir';
import { fixtureTenant, makeTenantDb } from '../testing/console-fixture';
import { verifyAudit } from '../audit/audit.verify';

/** The whole console on a PostgreSQL control plane (issue 8): same operations, same audit chain. */
describe('console on a PostgreSQL control plane', () => {
  let pg: TestPostgres;
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;

  beforeAll(async () => {
    pg = await startTestPostgres();
    tmp = tempDir();
    process.env.CUSTOS_TEST_CP_URL = pg.url;
    writeFileSync(join(tmp.dir, 'custos.json'), JSON.stringify({ controlPlane: { engine: 'postgres', urlEnv: 'CUSTOS_TEST_CP_URL' } }));
    core = await openConsole({ dataDir: tmp.dir, seedDemo: false, identity: { kdf: TEST_KDF } });
    makeTenantDb(join(core.services.tenantDbs.dir, 't-000001.sqlite'));
    await core.services.catalogue.upsertMany([fixtureTenant('t-000001', { name: '100% Organic' })], new Date());
  });
  afterAll(async () => {
    await core?.close();
    await pg?.close();
    tmp?.remove();
    delete process.env.CUSTOS_TEST_CP_URL;
  });

  it('runs first-run setup, sign-in, the directory, stats and the audit chain', async () => {
    expect(core.services.controlPlane.engine).toBe('postgres');
    const created = await core.dispatch({ transport: 'http', sessionToken: null }, 'setup.createFirstAdmin', { email: 'root@vendor.example', displayName: 'Root', password: 'Kestrel#Harbour42' });
    expect(created.envelope.ok).toBe(true);
    const ctx = { transport: 'http' as const, sessionToken: created.sessionToken! };
    const list = await core.dispatch(ctx, 'tenants.list', { query: '100%' });
    expect(list.envelope.ok && (list.envelope.value as { total: number }).total).toBe(1);
    const stats = await core.dispatch(ctx, 'tenants.stats', { tenantId: 't-000001' });
    expect(stats.envelope.ok).toBe(true);
    const bad = await core.dispatch({ transport: 'http', sessionToken: null }, 'session.signIn', { email: 'root@vendor.example', password: 'nope' });
    expect(bad.envelope.ok ? 'ok' : bad.envelope.error.code).toBe('SIGN_IN_FAILED');
    const v = await verifyAudit(core.services.audit, core.services.objectStore);
    expect(v.ok).toBe(true);
    expect(v.checked).toBeGreaterThanOrEqual(3);
  });

  it('two desktops on the same control plane: two staff approving one restore request at once — exactly one approval stands', async () => {
    // A second console process on the same control plane (its own pool, its own job runner).
    const core2 = await openConsole({ dataDir: tmp.dir, seedDemo: false, identity: { kdf: TEST_KDF } });
    try {
      const s = core.services;
      const ctxFor = async (email: string, roles: ('support' | 'technical')[]) => {
        const m = await s.staff.create({ email, displayName: email, roles, password: 'Kestrel#Harbour42', mustChangePassword: false });
        return { transport: 'http' as const, sessionToken: (await s.staff.openSession(m.id, 'http')).token };
      };
      const support = await ctxFor('sam@vendor.example', ['support']);
      const tech1 = await ctxFor('tia@vendor.example', ['technical']);
      const tech2 = await ctxFor('tom@vendor.example', ['technical']);
      const record = await s.catalogue.get('t-000001');
      const m = await s.backups.snapshotTenant(record, { signal: new AbortController().signal, progress: () => {} });
      const req = await core.dispatch(support, 'restore.request', { kind: 'live', tenantId: 't-000001', snapshotId: m.snapshotId, ticket: 'SUP-1', reason: 'Import damaged the account' });
      expect(req.envelope.ok).toBe(true);
      const requestId = (req.envelope as { value: { id: string } }).value.id;

      const [r1, r2] = await Promise.all([core.dispatch(tech1, 'restore.approve', { requestId }), core2.dispatch(tech2, 'restore.approve', { requestId })]);
      const outcomes = [r1, r2].map((r) => (r.envelope.ok ? 'ok' : r.envelope.error.code)).sort();
      expect(outcomes).toEqual(['APPROVAL_INVALID', 'ok']);
      const row = await s.controlPlane.db.selectFrom('restore_requests').select(['status', 'approved_by']).where('id', '=', requestId).executeTakeFirstOrThrow();
      expect(row.status).toBe('approved');
      expect(['tia@vendor.example', 'tom@vendor.example']).toContain(row.approved_by);
      const approvals = await s.audit.query({ action: 'restore.approve', limit: 10 });
      expect(approvals.filter((a) => a.outcome.status === 'ok')).toHaveLength(1);
      // Both processes appended to one chain, which still verifies.
      expect((await verifyAudit(s.audit, s.objectStore)).ok).toBe(true);
    } finally {
      await core2.close();
    }
  }, 60_000);
});
