import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isEeaRegion } from '../storage/object-store/eea.policy';
import { Prng } from './prng';
import { DEMO_TRAPS, TENANT_NAME_SPACE, demoCatalogueOnly, demoTenantId, demoTenantName, demoTenantSlug, tenantProfile } from './tenant-profile';
import { foldAscii, slugify } from './word-lists';

const asOf = new Date('2026-01-31T00:00:00Z');

describe('Prng', () => {
  it('is a pure function of seed and labels', () => {
    const a = Prng.derive(1, 'x', 2);
    const b = Prng.derive(1, 'x', 2);
    const c = Prng.derive(1, 'x', 3);
    const seqA = Array.from({ length: 20 }, () => a.uint32());
    expect(Array.from({ length: 20 }, () => b.uint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.uint32())).not.toEqual(seqA);
  });

  it('int stays in range and hits both ends', () => {
    const r = Prng.derive(3, 'range');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(1, 6);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(6);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('tenant names and ids', () => {
  it('ids are stable and URL-safe', () => {
    expect(demoTenantId(0)).toBe('t-000001');
    expect(demoTenantId(99_999)).toBe('t-100000');
    expect(demoTenantId(1_234_567)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('every name in the name space has its own slug', () => {
    const slugs = new Set<string>();
    const names = new Set<string>();
    const mismatches: string[] = [];
    for (let i = 0; i < TENANT_NAME_SPACE; i++) {
      const name = demoTenantName(1, i);
      names.add(name);
      const slug = demoTenantSlug(1, i);
      if (slug !== slugify(name)) mismatches.push(name);
      slugs.add(slug);
    }
    expect(mismatches).toEqual([]);
    expect(names.size).toBe(TENANT_NAME_SPACE);
    expect(slugs.size).toBe(TENANT_NAME_SPACE);
    // Past the name space, a number keeps them unique.
    expect(demoTenantSlug(1, TENANT_NAME_SPACE)).toBe(`${demoTenantSlug(1, 0)}-2`);
    expect(slugify(demoTenantName(1, TENANT_NAME_SPACE))).toBe(demoTenantSlug(1, TENANT_NAME_SPACE));
  });

  it('folds names to ASCII for e-mails and slugs', () => {
    expect(foldAscii('Łukasz')).toBe('Lukasz');
    expect(foldAscii('Ørsted')).toBe('Orsted');
    expect(foldAscii('Zoe\u0308')).toBe('Zoe');
    expect(foldAscii('山田')).toBe('yamada');
    expect(slugify('Müller & Söhne GmbH & Co. KG')).toBe('muller-sohne-gmbh-co-kg');
  });
});

describe('tenantProfile', () => {
  it('is deterministic and depends on the seed', () => {
    expect(tenantProfile(1, 3, asOf)).toEqual(tenantProfile(1, 3, asOf));
    expect(tenantProfile(2, 3, asOf).record).not.toEqual(tenantProfile(1, 3, asOf).record);
  });

  it('keeps its promises about the first tenants', () => {
    const p = (i: number) => tenantProfile(1, i, asOf).record;
    expect(p(DEMO_TRAPS.hostileTenantIndex)).toMatchObject({ plan: 'commercial', status: 'active' });
    expect(p(DEMO_TRAPS.integrityTenantIndex)).toMatchObject({ plan: 'commercial', status: 'active' });
    expect(p(2)).toMatchObject({ plan: 'trial', status: 'active' });
    for (const i of DEMO_TRAPS.offboardingIndexes) expect(p(i).status).toBe('offboarding');
    expect(p(DEMO_TRAPS.freeExportUsedIndex).plan).toBe('commercial');
    expect(p(DEMO_TRAPS.freeExportUsedIndex).freeExportUsedAt).not.toBeNull();
    expect(p(DEMO_TRAPS.legalHoldIndex).legalHold).toMatch(/hold/i);
  });
});

describe('demoCatalogueOnly', () => {
  it('makes 100,000 distinct, plausible records, deterministically', () => {
    const records = demoCatalogueOnly(100_000, 1);
    expect(records).toHaveLength(100_000);
    expect(new Set(records.map((r) => r.id)).size).toBe(100_000);
    expect(new Set(records.map((r) => r.slug)).size).toBe(100_000);
    const plans = new Map<string, number>();
    const statuses = new Map<string, number>();
    const regions = new Map<string, number>();
    // Plain checks collected, not 800,000 expect() calls.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, id: string) => {
      if (!ok && problems.length < 20) problems.push(`${id}: ${what}`);
    };
    for (const r of records) {
      check(/^[A-Za-z0-9_-]+$/.test(r.id), 'id', r.id);
      check(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(r.slug), 'slug', r.id);
      check(isEeaRegion(r.region), 'region', r.id);
      check(r.dbLocation === `${r.id}.sqlite`, 'dbLocation', r.id);
      check(Date.parse(r.createdAt) < Date.UTC(2026, 0, 1), 'createdAt', r.id);
      if (r.dpaVersion === null) check(r.plan === 'trial' && r.dpaAcceptedAt === null, 'no DPA only on trials', r.id);
      else check(Date.parse(r.dpaAcceptedAt as string) >= Date.parse(r.createdAt), 'DPA accepted after registration', r.id);
      if (r.freeExportUsedAt !== null) check(r.plan === 'commercial', 'free export only for commercial', r.id);
      check(r.dbSizeBytes > 0 && r.attachmentBytes >= 0 && r.lastSnapshotAt === null, 'sizes', r.id);
      plans.set(r.plan, (plans.get(r.plan) ?? 0) + 1);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      regions.set(r.region, (regions.get(r.region) ?? 0) + 1);
    }
    expect(problems).toEqual([]);
    expect(plans.get('trial')).toBeGreaterThan(15_000);
    expect(plans.get('commercial')).toBeGreaterThan(60_000);
    expect(statuses.get('active')).toBeGreaterThan(85_000);
    expect(statuses.get('suspended')).toBeGreaterThan(1_000);
    expect(statuses.get('offboarding')).toBeGreaterThan(100);
    expect([...regions.keys()].sort()).toEqual(['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3']);
    expect(regions.get('eu-west-1')).toBeGreaterThan(60_000);

    const digest = (rs: unknown) => createHash('sha256').update(JSON.stringify(rs)).digest('hex');
    expect(digest(demoCatalogueOnly(2_000, 1))).toBe(digest(records.slice(0, 2_000)));
    expect(digest(demoCatalogueOnly(2_000, 2))).not.toBe(digest(records.slice(0, 2_000)));
  });

  it('the first 60 look like the demo fleet: mostly active, a couple offboarding, some trials', () => {
    const records = demoCatalogueOnly(60, 1);
    const count = (f: (r: (typeof records)[number]) => boolean) => records.filter(f).length;
    expect(count((r) => r.status === 'offboarding')).toBe(2);
    expect(count((r) => r.status === 'active')).toBeGreaterThan(45);
    expect(count((r) => r.plan === 'trial')).toBeGreaterThan(5);
    expect(count((r) => r.freeExportUsedAt !== null)).toBe(1);
    expect(count((r) => r.legalHold !== null)).toBe(1);
    expect(count((r) => r.dpaVersion === '2024-11')).toBeGreaterThan(20);
  });
});
