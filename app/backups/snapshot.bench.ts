import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../shared/clock.port';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { checkFleetCompliance, type TenantSnapshots } from './compliance.policy';
import { DAY_MS, HOUR_MS } from './backup-schedule';
import { takeSnapshot } from './snapshot.writer';
import { createTestTenantDb } from './tenant-db.fixture';

/**
 * Benchmarks for `npm run bench` (issue 5 "Performance"). Each creates what it needs
 * in a temp folder and removes it.
 */
export interface SnapshotBenchResult {
  sizeMb: number;
  dbBytes: number;
  /** takeSnapshot to a LocalObjectStore: copy + integrity_check + counts + gzip-6 + store + manifest. */
  ours_s: number;
  /** `sqlite3 <db> ".backup <file>"` + `gzip -6` + the same store put. */
  reference_s: number;
  ratio: number;
  /** Highest RSS sampled (every 20 ms) while takeSnapshot ran. Goal < 300 MB for 1 GB. */
  peakRssMb: number;
  /** RSS just before takeSnapshot started (the process's own baseline, for reading the peak). */
  baselineRssMb: number;
  phases_s: Record<string, number>;
  compressedBytes: number;
  referenceCompressedBytes: number;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function benchSnapshot(options: { sizeMb: number; dir?: string }): Promise<SnapshotBenchResult> {
  const work = mkdtempSync(path.join(options.dir ?? tmpdir(), 'custos-bench-snapshot-'));
  const store = new LocalObjectStore({ dir: path.join(work, 'store') });
  try {
    const dbPath = path.join(work, 'tenant.db');
    // About 1.2 KB per activity row with a 1000-character body of CRM-like words.
    const activities = Math.max(100, Math.round((options.sizeMb * 1024 * 1024) / 1200));
    createTestTenantDb(dbPath, { rows: 1000, activities, bodyChars: 1000 });
    const dbBytes = statSync(dbPath).size;

    // Ours.
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 20);
    const phaseStart = new Map<string, number>();
    const t0 = performance.now();
    let manifest;
    try {
      manifest = await takeSnapshot({
        dbPath,
        tenantId: 't_bench',
        objectStore: store,
        clock: systemClock,
        tmpDir: work,
        signal: new AbortController().signal,
        progress: (p) => {
          if (!phaseStart.has(p.phase)) phaseStart.set(p.phase, performance.now());
          peak = Math.max(peak, process.memoryUsage.rss());
        },
        appVersion: 'bench',
      });
    } finally {
      clearInterval(sampler);
    }
    const t1 = performance.now();
    const phases = [...phaseStart.entries()];
    const phases_s: Record<string, number> = {};
    phases.forEach(([name, start], i) => {
      phases_s[name] = round(((phases[i + 1]?.[1] ?? t1) - start) / 1000);
    });

    // Reference: the sqlite3 CLI's .backup, gzip -6, then the same put.
    const refDb = path.join(work, 'reference.db');
    const refGz = `${refDb}.gz`;
    const r0 = performance.now();
    await run('sqlite3', [dbPath, `.backup '${refDb}'`]);
    await run('gzip', ['-6', '-c', refDb], refGz);
    const put = await store.put('bench/reference.db.gz', createReadStream(refGz), { contentType: 'application/gzip' });
    const r1 = performance.now();

    const ours_s = round((t1 - t0) / 1000);
    const reference_s = round((r1 - r0) / 1000);
    return {
      sizeMb: round(dbBytes / 1024 / 1024, 1),
      dbBytes,
      ours_s,
      reference_s,
      ratio: round(ours_s / Math.max(reference_s, 0.001), 2),
      peakRssMb: round(peak / 1024 / 1024, 1),
      baselineRssMb: round(baseline / 1024 / 1024, 1),
      phases_s,
      compressedBytes: manifest.compressedBytes,
      referenceCompressedBytes: put.size,
    };
  } finally {
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], stdoutTo?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', stdoutTo ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const out = stdoutTo ? createWriteStream(stdoutTo) : null;
    if (out) child.stdout?.pipe(out);
    child.on('error', (e) => reject(new Error(`${command} could not be started (${(e as NodeJS.ErrnoException).code}); install it to run the reference benchmark`)));
    child.on('close', (code) => {
      const done = () => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`)));
      if (out) out.close(() => done());
      else done();
    });
  });
}

/**
 * Compliance for a fleet read from the snapshot index (issue 5 goal: 10,000 tenants ×
 * 500 snapshots in < 1 s). The snapshots are generated first; only the check is timed.
 */
export function benchCompliance(options: { tenants?: number; snapshotsPerTenant?: number } = {}): { tenants: number; snapshots: number; seconds: number; compliant: number } {
  const tenants = options.tenants ?? 10_000;
  const per = options.snapshotsPerTenant ?? 500;
  const now = Date.UTC(2026, 0, 31, 3);
  const fleet: TenantSnapshots[] = [];
  for (let t = 0; t < tenants; t++) {
    const snapshots = [];
    // `per` nightly snapshots with a little jitter, a few of them verified.
    for (let i = per - 1; i >= 0; i--) {
      const takenAt = now - HOUR_MS - i * DAY_MS - ((t * 7 + i) % 50) * 60_000;
      snapshots.push({ id: `s${t}-${i}`, takenAt, verification: i % 30 === 0 ? ('verified' as const) : ('pending' as const) });
    }
    fleet.push({ tenantId: `t_${t}`, createdAt: now - per * DAY_MS - DAY_MS, snapshots });
  }
  const t0 = performance.now();
  const { summary } = checkFleetCompliance(fleet, now);
  const seconds = round((performance.now() - t0) / 1000);
  return { tenants, snapshots: tenants * per, seconds, compliant: summary.compliant };
}
