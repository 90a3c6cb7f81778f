import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openConsole, type ConsoleCore } from './console';
import { readConfig, writeConfig } from './config';
import type { CallContext } from '../api/dispatcher';
import { consoleFixture, fixtureTenant, makeTenantDb, TENANT_ENGINES, type ConsoleFixture } from '../testing/console-fixture';
import { tempDir, TEST_KDF } from '../testing/temp-dir';

/**
 * Tenants on PostgreSQL (issue 8) through the one dispatcher: the directory, the
 * statistics and the record browser read a PostgreSQL tenant exactly as a SQLite
 * one; the console says clearly what to configure when it has no server for them.
 */
type Env = { envelope: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; hint?: string } } };
const val = async <T>(p: Promise<Env>): Promise<T> => {
  const r = await p;
  if (!r.envelope.ok) throw new Error(`${r.envelope.error.code}: ${r.envelope.error.message}`);
  return r.envelope.value as T;
};
const refusal = async (p: Promise<Env>) => {
  const r = await p;
  if (r.envelope.ok) throw new Error('expected a refusal');
  return r.envelope.error;
};

describe.each(TENANT_ENGINES)('tenants on %s through the dispatcher', (engine) => {
  let fx: ConsoleFixture;
  let tech: CallContext;
  beforeAll(async () => {
    fx = await consoleFixture(['t-000001', 't-000002'], { tenantEngine: engine });
    tech = await fx.as(['technical']);
  });
  afterAll(async () => fx?.close());

  it('tenants.get says where the database is', async () => {
    const t = await val<{ storage: { database: string } }>(fx.core.dispatch(tech, 'tenants.get', { tenantId: 't-000001' }));
    expect(t.storage.database).toMatch(engine === 'sqlite' ? /t-000001\.sqlite$/ : /^PostgreSQL database custos_test_\w+_t_000001 on 127\.0\.0\.1:5432$/);
  });

  it('tenants.stats counts the live database', async () => {
    const stats = await val<{ schemaVersion: number; counts: { entity: string; count: number }[]; historyBySubject: { entity: string; count: number }[]; dbSizeBytes: number }>(
      fx.core.dispatch(tech, 'tenants.stats', { tenantId: 't-000001' }),
    );
    const count = (e: string) => stats.counts.find((c) => c.entity === e)?.count;
    expect(stats.schemaVersion).toBe(1);
    expect([count('colleagues'), count('companies'), count('persons'), count('activities'), count('tasks')]).toEqual([1, 1, 1, 1, 0]);
    expect(stats.historyBySubject.find((h) => h.entity === 'persons')?.count).toBe(1);
    expect(stats.dbSizeBytes).toBeGreaterThan(0);
  });

  it('tenants.records browses rows with a justification, the same values on both engines', async () => {
    await val(fx.core.dispatch(tech, 'grants.open', { tenantId: 't-000001', reason: 'Customer asked about a lost deal', ticket: 'SUP-1' }));
    const page = await val<{ columns: string[]; rows: Record<string, unknown>[]; nextAfterId: number | null }>(fx.core.dispatch(tech, 'tenants.records', { tenantId: 't-000001', entity: 'persons', limit: 10 }));
    expect(page.rows).toEqual([expect.objectContaining({ id: 1, first_name: 'Bo', last_name: 'Ek', company_id: 1, created_at: '2025-01-01T00:00:00.000Z' })]);
    expect(page.nextAfterId).toBeNull();
  });

  it.runIf(engine === 'postgres')('a tenant whose database is missing on the server is reported as such', async () => {
    const r = await fx.core.services.catalogue.get('t-000002');
    await fx.core.services.controlPlane.db.updateTable('tenants').set({ db_location: fx.pg!.name('not_there') }).where('id', '=', r.id).execute();
    const e = await refusal(fx.core.dispatch(tech, 'tenants.stats', { tenantId: 't-000002' }));
    expect(e.code).toBe('TENANT_DATABASE_MISSING');
  });
});

describe('a PostgreSQL tenant on a console without a tenant PostgreSQL server', () => {
  let fx: ConsoleFixture;
  let tech: CallContext;
  beforeAll(async () => {
    fx = await consoleFixture(['t-000001']);
    await fx.core.services.catalogue.upsertMany([fixtureTenant('t-000002', { dbEngine: 'postgres', dbLocation: 'custos_t_000002' })], fx.clock.now());
    tech = await fx.as(['technical', 'support']);
  });
  afterAll(async () => fx?.close());

  it('stats, snapshots and exports are refused with CONFIG_INVALID and what to configure; SQLite tenants still work', async () => {
    const e = await refusal(fx.core.dispatch(tech, 'tenants.stats', { tenantId: 't-000002' }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/Tenant t-000002 lives on PostgreSQL \(database custos_t_000002\), but no PostgreSQL server for tenant databases is configured/);
    expect(e.hint).toMatch(/"postgres": \{ "urlEnv": "CUSTOS_TENANTS_PG_URL" \} under "tenantDatabases" in custos\.json/);

    const { jobId } = await val<{ jobId: string }>(fx.core.dispatch(tech, 'backups.snapshotNow', { tenantId: 't-000002' }));
    for (;;) {
      const j = await val<{ state: string; error: { code: string } | null }>(fx.core.dispatch(tech, 'jobs.get', { jobId }));
      if (j.state === 'running') {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      expect(j).toMatchObject({ state: 'failed', error: { code: 'CONFIG_INVALID' } });
      break;
    }
    expect((await val<{ counts: unknown[] }>(fx.core.dispatch(tech, 'tenants.stats', { tenantId: 't-000001' }))).counts.length).toBeGreaterThan(0);
  });
});

describe('configuration of the tenant PostgreSQL server', () => {
  const VAR = 'CUSTOS_TEST_TENANTS_PG_CONFIG_URL';
  let tmp: ReturnType<typeof tempDir>;
  const open = (config: unknown) => {
    writeFileSync(join(tmp.dir, 'custos.json'), JSON.stringify(config));
    return openConsole({ dataDir: tmp.dir, seedDemo: false, identity: { kdf: TEST_KDF } });
  };
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => {
    delete process.env[VAR];
    tmp?.remove();
  });

  it('existing config files stay valid, and the default has no server', () => {
    for (const c of [{}, { tenantDatabases: { engine: 'sqlite', dir: 'tenants' } }, { tenantDatabases: { dir: 'elsewhere' } }]) {
      writeFileSync(join(tmp.dir, 'custos.json'), JSON.stringify(c));
      const { config } = readConfig(tmp.dir);
      expect(config.tenantDatabases.engine).toBe('sqlite');
      expect(config.tenantDatabases.postgres).toBeUndefined();
    }
    writeFileSync(join(tmp.dir, 'custos.json'), JSON.stringify({ tenantDatabases: { postgres: {} } }));
    const { config } = readConfig(tmp.dir);
    expect(config.tenantDatabases).toEqual({ engine: 'sqlite', dir: 'tenants', postgres: { urlEnv: 'CUSTOS_TENANTS_PG_URL' } });
    // Written back as read (the console rewrites defaults on first start).
    writeConfig(tmp.dir, config);
    expect(readConfig(tmp.dir).config.tenantDatabases).toEqual(config.tenantDatabases);
  });

  it('a URL in the file is refused with the fix, and never echoed', () => {
    writeFileSync(join(tmp.dir, 'custos.json'), JSON.stringify({ tenantDatabases: { postgres: { url: 'postgres://custos:s3cret-pw@db.example.com/postgres' } } }));
    let err: { code?: string; message?: string } = {};
    try {
      readConfig(tmp.dir);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/tenantDatabases\.postgres\.url: the PostgreSQL URL is never read from custos\.json/);
    expect(err.message).not.toContain('s3cret-pw');
    writeFileSync(join(tmp.dir, 'custos.json'), JSON.stringify({ tenantDatabases: { postgres: { urlEnv: 'not a name' } } }));
    expect(() => readConfig(tmp.dir)).toThrow(/urlEnv/);
  });

  it('a configured server whose variable is unset stops the console with the variable named', async () => {
    delete process.env[VAR];
    await expect(open({ tenantDatabases: { postgres: { urlEnv: VAR } } })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(VAR) });
  });

  it('plain or unverified connections to another host are refused at start; verify-full to another host is accepted', async () => {
    for (const url of ['postgres://custos@db.example.com:5432/postgres?sslmode=disable', 'postgres://custos@db.example.com/postgres?sslmode=require', 'postgres://custos@10.0.0.5/postgres?sslmode=prefer']) {
      process.env[VAR] = url;
      await expect(open({ tenantDatabases: { postgres: { urlEnv: VAR } } }), url).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
    }
    // Nothing is connected at start: the console opens, and only PostgreSQL tenants wait for the server.
    process.env[VAR] = 'postgres://custos@db.example.com:5432/postgres';
    const core: ConsoleCore = await open({ tenantDatabases: { postgres: { urlEnv: VAR } } });
    try {
      expect(core.services.tenantDbs.postgresConfigured).toBe(true);
    } finally {
      await core.close();
    }
  });

  it('a server that is down: PostgreSQL tenants say it is not reachable, SQLite tenants keep working', async () => {
    process.env[VAR] = 'postgres://postgres@127.0.0.1:1/postgres?connect_timeout=2';
    const core = await open({ tenantDatabases: { postgres: { urlEnv: VAR } } });
    try {
      const s = core.services;
      makeTenantDb(join(s.tenantDbs.dir, 't-000001.sqlite'));
      await s.catalogue.upsertMany([fixtureTenant('t-000001'), fixtureTenant('t-000002', { dbEngine: 'postgres', dbLocation: 'custos_t_000002' })], new Date());
      const pgTenant = await s.catalogue.get('t-000002');
      await expect(s.tenantDbs.with(pgTenant, (db) => db.counts())).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/not reachable/) });
      await expect(s.tenantDbs.sqliteCopy(pgTenant, { tmpDir: join(tmp.dir, 'tmp') })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/not reachable/) });
      const counts = await s.tenantDbs.with(await s.catalogue.get('t-000001'), (db) => db.counts());
      expect(counts.persons).toBe(1);
    } finally {
      await core.close();
    }
  });
});
