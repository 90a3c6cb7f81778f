import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { benchCompliance, benchSnapshot } from './snapshot.bench';

const hasCli = ['sqlite3', 'gzip'].every((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);

describe('benchmarks (smoke: small sizes; `npm run bench` runs the real ones)', () => {
  it.skipIf(!hasCli)('benchSnapshot compares takeSnapshot with sqlite3 .backup + gzip -6', async () => {
    const r = await benchSnapshot({ sizeMb: 4 });
    expect(r.dbBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(r.ours_s).toBeGreaterThan(0);
    expect(r.reference_s).toBeGreaterThan(0);
    expect(r.ratio).toBeGreaterThan(0);
    expect(r.peakRssMb).toBeGreaterThan(0);
    expect(Object.keys(r.phases_s)).toEqual(['copy', 'check', 'compress+upload', 'manifest']);
    // Same data, same gzip level: sizes within a few percent of each other.
    expect(Math.abs(r.compressedBytes - r.referenceCompressedBytes) / r.referenceCompressedBytes).toBeLessThan(0.05);
  });

  it('benchCompliance runs a small fleet', () => {
    const r = benchCompliance({ tenants: 100, snapshotsPerTenant: 50 });
    expect(r).toMatchObject({ tenants: 100, snapshots: 5000, compliant: 100 });
  });
});
