/**
 * The restore screens' shared dumps of PostgreSQL tenants: shared while fresh, never
 * removed under a reader, gone after a restore or once stale, and a failed dump is
 * not remembered. (The dump itself is TenantDatabases.sqliteCopy, tested on a real
 * server in tenant-databases and snapshot tests; here it writes a file.)
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantRecord } from '../control-plane/tenant-record';
import { fixtureTenant } from '../testing/console-fixture';
import { tempDir } from '../testing/temp-dir';
import { LiveCopies } from './live-copies';

let tmp: { dir: string; remove: () => void };
let made: string[];
let failNext: boolean;
beforeEach(() => {
  tmp = tempDir('custos-live-copies-');
  made = [];
  failNext = false;
});
afterEach(() => tmp.remove());

const pgTenant: TenantRecord = { ...fixtureTenant('t-000005'), dbEngine: 'postgres', dbLocation: 'custos_t_000005' };
const dbs = {
  pathOf: (r: TenantRecord) => join(tmp.dir, `${r.id}.sqlite`),
  sqliteCopy: async (r: TenantRecord) => {
    if (failNext) {
      failNext = false;
      throw new Error('server gone');
    }
    const path = join(tmp.dir, `dump-${made.length + 1}.sqlite`);
    writeFileSync(path, r.id);
    made.push(path);
    return { path, engine: 'postgres' as const, remove: async () => rmSync(path, { force: true }) };
  },
};

describe('LiveCopies', () => {
  it('shares one dump while fresh; a restore retires it, removed only when its last reader is done', async () => {
    const copies = new LiveCopies(dbs, () => tmp.dir);
    const first = await copies.with(pgTenant, (p) => p);
    expect(await copies.with(pgTenant, (p) => p)).toBe(first);
    expect(made).toHaveLength(1);

    let release!: () => void;
    const reading = copies.with(pgTenant, async (p) => {
      await new Promise<void>((r) => (release = r));
      return existsSync(p);
    });
    await new Promise((r) => setTimeout(r, 10));
    await copies.invalidate(pgTenant.id);
    expect(existsSync(first)).toBe(true); // still being read
    release();
    expect(await reading).toBe(true);
    expect(existsSync(first)).toBe(false);

    const second = await copies.with(pgTenant, (p) => p);
    expect(second).not.toBe(first);
    await copies.close();
    expect(existsSync(second)).toBe(false);
  });

  it('a stale dump is removed and the next reader gets a new one', async () => {
    const copies = new LiveCopies(dbs, () => tmp.dir, 20);
    const first = await copies.with(pgTenant, (p) => p);
    await new Promise((r) => setTimeout(r, 60));
    expect(existsSync(first)).toBe(false);
    expect(await copies.with(pgTenant, (p) => p)).not.toBe(first);
    await copies.close();
  });

  it('a failed dump is not remembered; a SQLite tenant is read in place', async () => {
    const copies = new LiveCopies(dbs, () => tmp.dir);
    failNext = true;
    await expect(copies.with(pgTenant, (p) => p)).rejects.toThrow('server gone');
    expect(existsSync(await copies.with(pgTenant, (p) => p))).toBe(true);
    const sqliteTenant = fixtureTenant('t-000006');
    expect(await copies.with(sqliteTenant, (p) => p)).toBe(join(tmp.dir, 't-000006.sqlite'));
    expect(made).toHaveLength(1);
    await copies.close();
  });
});
