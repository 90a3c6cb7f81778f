import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSqliteControlPlane } from '../control-plane/sqlite.control-plane';
import type { ControlPlane } from '../control-plane/control-plane.port';
import { fixtureTenant } from '../testing/console-fixture';
import { tempDir } from '../testing/temp-dir';
import { TenantCatalogue } from './tenant-catalogue';

describe('tenant directory queries', () => {
  let tmp: ReturnType<typeof tempDir>;
  let cp: ControlPlane;
  let cat: TenantCatalogue;
  beforeEach(async () => {
    tmp = tempDir();
    cp = await openSqliteControlPlane(join(tmp.dir, 'cp.sqlite'));
    cat = new TenantCatalogue(cp.db, () => '', 'test');
    await cat.upsertMany(
      [
        fixtureTenant('t-1', { name: '100% Organic AB', slug: 'organic', plan: 'trial', lastSnapshotAt: '2026-01-02T00:00:00Z' }),
        fixtureTenant('t-2', { name: 'Under_score Ltd', slug: 'under', lastSnapshotAt: null }),
        fixtureTenant('t-3', { name: 'Zoë Müller GmbH', slug: 'zoe', region: 'eu-central-1', lastSnapshotAt: '2026-01-01T00:00:00Z' }),
        fixtureTenant('t-4', { name: 'Plain Co', slug: 'plain', status: 'suspended', lastSnapshotAt: null }),
      ],
      new Date('2026-01-03T00:00:00Z'),
    );
  });
  afterEach(async () => {
    await cp.close();
    tmp.remove();
  });

  const ids = async (q: Parameters<TenantCatalogue['list']>[0]) => (await cat.list(q)).rows.map((r) => r.id);

  it('matches % and _ literally, case- and form-insensitively', async () => {
    expect(await ids({ query: '100%' })).toEqual(['t-1']);
    expect(await ids({ query: '%' })).toEqual(['t-1']);
    expect(await ids({ query: 'o_g' })).toEqual([]); // as a wildcard it would match "organic"
    expect(await ids({ query: 'under_' })).toEqual(['t-2']);
    expect(await ids({ query: 'ZOË' })).toEqual(['t-3']);
    expect(await ids({ query: 't-4' })).toEqual(['t-4']);
  });

  it('filters by plan, status and region, with the total', async () => {
    expect(await ids({ plan: 'trial' })).toEqual(['t-1']);
    expect(await ids({ status: 'suspended' })).toEqual(['t-4']);
    const r = await cat.list({ region: 'eu-west-1' });
    expect(r.total).toBe(3);
    expect(r.regions).toEqual(['eu-central-1', 'eu-west-1']);
  });

  it('puts never-snapshotted tenants last in either direction, and pages without overlap', async () => {
    expect(await ids({ sort: 'lastSnapshotAt', direction: 'asc' })).toEqual(['t-3', 't-1', 't-2', 't-4']);
    expect(await ids({ sort: 'lastSnapshotAt', direction: 'desc' })).toEqual(['t-1', 't-3', 't-4', 't-2']);
    const a = await ids({ sort: 'plan', limit: 2, offset: 0 });
    const b = await ids({ sort: 'plan', limit: 2, offset: 2 });
    expect(new Set([...a, ...b]).size).toBe(4);
  });

  it('refuses a page size beyond the limit', async () => {
    await expect(cat.list({ limit: 10_000 })).rejects.toThrow();
  });
});
