import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { snapshotKeys } from '../backups/snapshot.keys';
import { takeSnapshot } from '../backups/snapshot.writer';
import { createTestTenantDb } from '../backups/tenant-db.fixture';
import { systemClock } from '../shared/clock.port';
import { noProgress } from '../shared/progress';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { measure } from '../../bench/measure';
import { fileJournal } from './restore.journal';
import { runRestore } from './restore.executor';
import { sqliteLiveTarget } from './live-target.sqlite';
import { restoreSnapshotToFile } from '../backups/snapshot.verifier';
import { compareWithLive } from './sandbox.compare';
import { applySelection, planSelection } from './selective';

/**
 * Restore benchmarks (issue 6), for `npm run bench -- restore`:
 * - live restore of a tenant of `sizeMb` (download, checksums, integrity check, row
 *   counts, safety snapshot of the live database, atomic swap, verification) against
 *   the bare minimum by hand: gunzip the stored object, `sqlite3 PRAGMA integrity_check`
 *   — no checksums, no safety copy, no journal;
 * - the sandbox comparison with the live database;
 * - a selective restore of 1,000 deleted opportunities with their lines (plan + apply).
 */
export async function benchRestore(options: { sizeMb: number }) {
  const work = mkdtempSync(path.join(tmpdir(), 'custos-bench-restore-'));
  const store = new LocalObjectStore({ dir: path.join(work, 'store') });
  try {
    const tenants = path.join(work, 'tenants');
    mkdirSync(tenants);
    const live = path.join(tenants, 't-bench.sqlite');
    const activities = Math.max(100, Math.round((options.sizeMb * 1024 * 1024) / 1200));
    createTestTenantDb(live, { rows: 20_000, activities, bodyChars: 1000 });
    const m = await takeSnapshot({ dbPath: live, tenantId: 't-bench', objectStore: store, clock: systemClock, tmpDir: work, appVersion: 'bench', signal: new AbortController().signal, progress: noProgress });
    // The customer deletes 1,000 deals (and their lines) after the snapshot.
    const db = new Database(live);
    db.exec('DELETE FROM opportunity_lines WHERE opportunity_id > 19000; DELETE FROM tasks WHERE opportunity_id > 19000; DELETE FROM opportunities WHERE id > 19000;');
    db.close();
    const dbBytes = statSync(live).size;

    // Selective restore first (the live restore below puts everything back anyway).
    const sandbox = path.join(work, 'sandbox.sqlite');
    await restoreSnapshotToFile({ objectStore: store, tenantId: 't-bench', snapshotId: m.snapshotId, tmpDir: work, targetPath: sandbox, signal: new AbortController().signal, progress: noProgress });
    const cmp = await measure(() => compareWithLive(sandbox, live));
    const selection = Array.from({ length: 1000 }, (_, i) => ({ entity: 'opportunities' as const, id: 19001 + i }));
    const sel = await measure(() => {
      const plan = planSelection({ snapshotPath: sandbox, livePath: live, selection });
      return applySelection({ snapshotPath: sandbox, livePath: live, plan });
    });

    const ours = await measure(() =>
      runRestore(
        { kind: 'live', snapshotId: m.snapshotId },
        {
          requestId: 'r-bench',
          tenantId: 't-bench',
          target: sqliteLiveTarget(live, { requestId: 'r-bench', tenantId: 't-bench', objectStore: store, clock: systemClock, tmpDir: work, appVersion: 'bench' }),
          objectStore: store,
          clock: systemClock,
          journal: fileJournal(path.join(work, 'journal.json')),
          tenantStatus: async () => 'active',
          setTenantStatus: async () => {},
          onSafetySnapshot: async () => {},
          releaseHandles: async () => {},
        },
        { signal: new AbortController().signal, progress: noProgress },
      ),
    );

    // Reference: gunzip the stored object to a file and let the sqlite3 CLI check it.
    const reference = await measure(async () => {
      const target = path.join(work, 'reference.sqlite');
      await pipeline(await store.get(snapshotKeys.data('t-bench', m.snapshotId)), createGunzip(), createWriteStream(target));
      const r = spawnSync('sqlite3', [target, 'PRAGMA integrity_check'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
    });
    // Careful by hand: also keep a compressed copy of the live database first (sqlite3 .backup + gzip -1), then swap with mv.
    const careful = await measure(async () => {
      const copy = path.join(work, 'careful-live-copy.sqlite');
      const r1 = spawnSync('sqlite3', [live, `.backup '${copy}'`], { encoding: 'utf8' });
      if (r1.status !== 0) throw new Error(`sqlite3 .backup failed: ${r1.stderr}`);
      const r2 = spawnSync('gzip', ['-1', copy]);
      if (r2.status !== 0) throw new Error('gzip failed');
      const target = path.join(work, 'careful.sqlite');
      await pipeline(await store.get(snapshotKeys.data('t-bench', m.snapshotId)), createGunzip(), createWriteStream(target));
      const r3 = spawnSync('sqlite3', [target, 'PRAGMA integrity_check'], { encoding: 'utf8' });
      if (r3.status !== 0) throw new Error(`sqlite3 failed: ${r3.stderr}`);
    });
    return {
      dbMb: Math.round(dbBytes / 1048576),
      liveRestoreSeconds: ours.seconds,
      referenceSeconds: reference.seconds,
      ratio: reference.seconds / ours.seconds,
      carefulSeconds: careful.seconds,
      carefulRatio: careful.seconds / ours.seconds,
      peakRssMb: ours.peakRssMb,
      compareSeconds: cmp.seconds,
      onlySnapshotOpportunities: cmp.value.find((c) => c.entity === 'opportunities')?.onlySnapshot ?? 0,
      selectiveSeconds: sel.seconds,
      selectiveRows: sel.value.total,
    };
  } finally {
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}
