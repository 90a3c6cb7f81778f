import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openConsole, type ConsoleCore } from '../runtime/console';
import { tenantDdl } from '../schema';
import { ManualClock } from '../shared/clock.port';
import type { Role } from '../api/roles';
import type { CallContext } from '../api/dispatcher';
import type { OpOutput } from '../api/contract';
import type { TenantRecord } from '../control-plane/tenant-record';
import { tempDir, TEST_KDF } from './temp-dir';
import { startTestPostgres, type TestPostgres } from './postgres';

export const FIXTURE_PASSWORD = 'Kestrel#Harbour42';

/** A tiny tenant database made straight from the schema description (no demo generator). */
export function makeTenantDb(path: string): void {
  const db = new Database(path);
  try {
    for (const s of tenantDdl()) db.exec(s);
    const ts = '2025-01-01T00:00:00.000Z';
    db.prepare(`INSERT INTO colleagues VALUES (1,'Ada','Lovelace','ada@tenant.example','owner',1,?,?)`).run(ts, ts);
    db.prepare(`INSERT INTO companies (id,name,owner_colleague_id,created_at,updated_at) VALUES (1,'Acme',1,?,?)`).run(ts, ts);
    db.prepare(`INSERT INTO persons (id,first_name,last_name,company_id,created_at,updated_at) VALUES (1,'Bo','Ek',1,?,?)`).run(ts, ts);
    db.prepare(`INSERT INTO activities (id,subject_type,subject_id,kind,occurred_at,subject,created_at,updated_at) VALUES (1,'persons',1,'call',?, 'Intro',?,?)`).run(ts, ts, ts);
  } finally {
    db.close();
  }
}

export const fixtureTenant = (id: string, over: Partial<TenantRecord> = {}): TenantRecord => ({
  id,
  slug: id.replace(/^t-/, 'tenant-'),
  name: `Tenant ${id}`,
  plan: 'commercial',
  status: 'active',
  region: 'eu-west-1',
  createdAt: '2024-01-01T00:00:00.000Z',
  dpaVersion: '2024-11',
  dpaAcceptedAt: '2024-01-01T00:00:00.000Z',
  dbEngine: 'sqlite',
  dbLocation: `${id}.sqlite`,
  dbSizeBytes: 0,
  attachmentCount: 0,
  attachmentBytes: 0,
  lastSnapshotAt: null,
  freeExportUsedAt: null,
  legalHold: null,
  ...over,
});

/** The environment variable the fixture's custos.json names for the tenant PostgreSQL server. */
export const FIXTURE_TENANTS_PG_URL_ENV = 'CUSTOS_TEST_TENANTS_PG_URL';

export type TenantEngine = TenantRecord['dbEngine'];
export const TENANT_ENGINES: readonly TenantEngine[] = ['sqlite', 'postgres'];

export interface ConsoleFixtureOptions {
  /**
   * Where the fixture's tenants live. 'postgres': a throwaway PostgreSQL server
   * configuration (app/testing/postgres.ts, 127.0.0.1:5432) in custos.json
   * (`tenantDatabases.postgres`), each tenant loaded into its own database.
   */
  tenantEngine?: TenantEngine;
}

export interface ConsoleFixture {
  engine: TenantEngine;
  /** The test PostgreSQL server (tenantEngine 'postgres' only; the fixture closes it). */
  pg: TestPostgres | null;
  /** Adds a tenant to the catalogue on the fixture's engine, with the data of a SQLite tenant file (which stays where it is). */
  addTenant(record: TenantRecord, sqlitePath: string): Promise<TenantRecord>;
  core: ConsoleCore;
  clock: ManualClock;
  dataDir: string;
  /** Signs in a staff member holding exactly these roles; returns a call context for them. */
  as(roles: Role[]): Promise<CallContext>;
  adminCtx: CallContext;
  /** Polls jobs.get until the job is no longer running (throws when the call is refused or `timeoutMs` passes). */
  waitJob(ctx: CallContext, jobId: string, timeoutMs?: number): Promise<OpOutput<'jobs.get'>>;
  close(): Promise<void>;
}

/** The database name of a fixture tenant on the test server (under the run's prefix, dropped at close). */
export function fixtureDatabaseName(pg: TestPostgres, tenantId: string): string {
  return pg.name(tenantId.toLowerCase().replace(/[^a-z0-9]/g, '_'));
}

export async function consoleFixture(tenantIds: string[] = ['t-000001'], options: ConsoleFixtureOptions = {}): Promise<ConsoleFixture> {
  const engine = options.tenantEngine ?? 'sqlite';
  const tmp = tempDir();
  const clock = new ManualClock(new Date('2026-06-30T03:00:00Z'));
  let pg: TestPostgres | null = null;
  if (engine === 'postgres') {
    pg = await startTestPostgres();
    process.env[FIXTURE_TENANTS_PG_URL_ENV] = pg.serverUrl;
    writeFileSync(join(tmp.dir, 'custos.json'), JSON.stringify({ tenantDatabases: { dir: 'tenants', postgres: { urlEnv: FIXTURE_TENANTS_PG_URL_ENV } } }));
  }
  let core: ConsoleCore;
  try {
    core = await openConsole({ dataDir: tmp.dir, clock, identity: { kdf: TEST_KDF }, seedDemo: false });
  } catch (e) {
    await pg?.close();
    tmp.remove();
    throw e;
  }
  const s = core.services;
  const addTenant = async (record: TenantRecord, sqlitePath: string): Promise<TenantRecord> => {
    let r = record;
    if (engine === 'postgres') {
      const name = fixtureDatabaseName(pg as TestPostgres, record.id);
      await (await s.tenantDbs.postgresAdmin()).loadFromSqlite(sqlitePath, name, { tenantId: record.id });
      r = { ...record, dbEngine: 'postgres', dbLocation: name };
    }
    await s.catalogue.upsertMany([r], clock.now());
    return r;
  };
  for (const id of tenantIds) {
    const path = join(s.tenantDbs.dir, `${id}.sqlite`);
    makeTenantDb(path);
    await addTenant(fixtureTenant(id), path);
    if (engine === 'postgres') rmSync(path);
  }
  const admin = await s.staff.createFirstAdmin({ email: 'root@vendor.example', displayName: 'Root', password: FIXTURE_PASSWORD });
  const adminSession = await s.staff.openSession(admin.id, 'http');
  let n = 0;
  return {
    engine,
    pg,
    addTenant,
    core,
    clock,
    dataDir: tmp.dir,
    adminCtx: { transport: 'http', sessionToken: adminSession.token },
    async waitJob(ctx, jobId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await core.dispatch(ctx, 'jobs.get', { jobId });
        if (!r.envelope.ok) throw new Error(`jobs.get: ${r.envelope.error.code} ${r.envelope.error.message}`);
        const j = r.envelope.value as OpOutput<'jobs.get'>;
        if (j.state !== 'running') return j;
        if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async as(roles) {
      const email = `staff${++n}-${roles.join('-') || 'none'}@vendor.example`;
      const m = await s.staff.create({ email, displayName: email, roles, password: FIXTURE_PASSWORD, mustChangePassword: false });
      const { token } = await s.staff.openSession(m.id, 'http');
      return { transport: 'http', sessionToken: token };
    },
    async close() {
      try {
        await core.close();
      } finally {
        await pg?.close();
        if (pg) delete process.env[FIXTURE_TENANTS_PG_URL_ENV];
        tmp.remove();
      }
    },
  };
}
