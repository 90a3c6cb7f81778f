import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openConsole, type ConsoleCore } from '../runtime/console';
import { tenantDdl } from '../schema';
import { ManualClock } from '../shared/clock.port';
import type { Role } from '../api/roles';
import type { CallContext } from '../api/dispatcher';
import type { TenantRecord } from '../control-plane/tenant-record';
import { tempDir, TEST_KDF } from './temp-dir';

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

export interface ConsoleFixture {
  core: ConsoleCore;
  clock: ManualClock;
  dataDir: string;
  /** Signs in a staff member holding exactly these roles; returns a call context for them. */
  as(roles: Role[]): Promise<CallContext>;
  adminCtx: CallContext;
  close(): Promise<void>;
}

export async function consoleFixture(tenantIds: string[] = ['t-000001']): Promise<ConsoleFixture> {
  const tmp = tempDir();
  const clock = new ManualClock(new Date('2026-06-30T03:00:00Z'));
  const core = await openConsole({ dataDir: tmp.dir, clock, identity: { kdf: TEST_KDF }, seedDemo: false });
  const s = core.services;
  for (const id of tenantIds) makeTenantDb(join(s.tenantDbs.dir, `${id}.sqlite`));
  await s.catalogue.upsertMany(tenantIds.map((id) => fixtureTenant(id)), clock.now());
  const admin = await s.staff.createFirstAdmin({ email: 'root@vendor.example', displayName: 'Root', password: FIXTURE_PASSWORD });
  const adminSession = await s.staff.openSession(admin.id, 'http');
  let n = 0;
  return {
    core,
    clock,
    dataDir: tmp.dir,
    adminCtx: { transport: 'http', sessionToken: adminSession.token },
    async as(roles) {
      const email = `staff${++n}-${roles.join('-') || 'none'}@vendor.example`;
      const m = await s.staff.create({ email, displayName: email, roles, password: FIXTURE_PASSWORD, mustChangePassword: false });
      const { token } = await s.staff.openSession(m.id, 'http');
      return { transport: 'http', sessionToken: token };
    },
    async close() {
      await core.close();
      tmp.remove();
    },
  };
}
