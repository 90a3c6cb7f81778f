/** Deletion step 2 on the real engines: SQLite files and a PostgreSQL server on loopback. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresTenantAdmin } from '../storage/postgres/postgres.tenant-admin';
import { makeTenantDb } from '../testing/console-fixture';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import { tempDir } from '../testing/temp-dir';
import { EngineTenantDatabaseDropper, PostgresTenantDatabaseDropper, SqliteTenantDatabaseDropper, type TenantDatabaseRef } from './tenant-database.dropper';

describe('SQLite dropper', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());
  const tenantsDir = join(tmp.dir, 'tenants');
  mkdirSync(tenantsDir);
  const dropper = new SqliteTenantDatabaseDropper(tenantsDir);
  const ref: TenantDatabaseRef = { tenantId: 't-1', dbEngine: 'sqlite', dbLocation: 't-1.sqlite' };

  it('inventories, drops and verifies the file with every side file; reruns are no-ops', async () => {
    const main = join(tenantsDir, 't-1.sqlite');
    makeTenantDb(main);
    for (const s of ['-wal', '-shm', '-journal']) writeFileSync(main + s, 'x'.repeat(10));
    const inv = await dropper.inventory(ref);
    expect(inv.map((i) => i.key).sort()).toEqual(['t-1.sqlite', 't-1.sqlite-journal', 't-1.sqlite-shm', 't-1.sqlite-wal']);
    expect(inv.find((i) => i.key === 't-1.sqlite')!.size).toBeGreaterThan(4096);
    await dropper.drop(ref);
    for (const s of ['', '-wal', '-shm', '-journal']) expect(existsSync(main + s)).toBe(false);
    expect(await dropper.remaining(ref)).toEqual([]);
    await dropper.drop(ref); // idempotent
    expect(await dropper.inventory(ref)).toEqual([]);
  });

  it('never deletes outside the tenants folder', async () => {
    writeFileSync(join(tmp.dir, 'outside.sqlite-probe'), 'keep');
    await expect(dropper.drop({ ...ref, dbLocation: '../outside.sqlite-probe' })).rejects.toMatchObject({ code: 'TENANT_SCHEMA_UNEXPECTED' });
    expect(existsSync(join(tmp.dir, 'outside.sqlite-probe'))).toBe(true);
    await expect(dropper.drop({ ...ref, dbEngine: 'postgres' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('PostgreSQL dropper', () => {
  let tp: TestPostgres;
  let admin: PostgresTenantAdmin;

  beforeAll(async () => {
    tp = await startTestPostgres();
    admin = await PostgresTenantAdmin.open({ url: tp.serverUrl });
  }, 30_000);
  afterAll(async () => {
    await admin?.close();
    await tp?.close();
  });

  it('drops the tenant database on the server; reruns are no-ops', async () => {
    const name = tp.name('deltenant');
    await admin.createTenantDatabase(name);
    const dropper = new EngineTenantDatabaseDropper({ postgres: new PostgresTenantDatabaseDropper(admin, async () => 8192) });
    const ref: TenantDatabaseRef = { tenantId: 't-2', dbEngine: 'postgres', dbLocation: name };
    expect(await dropper.inventory(ref)).toEqual([{ key: `postgres:${name}`, size: 8192 }]);
    expect(await dropper.remaining(ref)).toEqual([`postgres:${name}`]);
    await dropper.drop(ref);
    expect(await admin.databaseExists(name)).toBe(false);
    expect(await dropper.remaining(ref)).toEqual([]);
    await dropper.drop(ref);
    expect(await dropper.inventory(ref)).toEqual([]);
    // An engine the console is not connected to is refused before anything happens.
    await expect(dropper.drop({ ...ref, dbEngine: 'sqlite' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
