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
});
