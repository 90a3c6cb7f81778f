import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entity } from '../schema';
import { ManualClock } from '../shared/clock.port';
import { noProgress } from '../shared/progress';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { tempDir } from '../testing/temp-dir';
import { restoreSnapshotToFile, verifySnapshot } from './snapshot.verifier';
import { takeSnapshot } from './snapshot.writer';
import { createTestTenantDb, tableCounts } from './tenant-db.fixture';

/**
 * Issue 5, "done means": snapshots taken while writes happen stay consistent.
 *
 * Another process (the CRM, in production) keeps committing transactions that each
 * add one company AND one person. A consistent image therefore has exactly as many
 * companies as persons beyond the seed rows; a torn copy would not. The copy is made
 * in small steps so that the writer commits between them and forces the backup to
 * restart (and then to copy in one step).
 */

const WRITER = `
'use strict';
const Database = require(process.env.BSQL);
const db = new Database(process.env.DB);
db.pragma('busy_timeout = 10000');
const company = db.prepare(process.env.COMPANY_SQL);
const person = db.prepare(process.env.PERSON_SQL);
const tx = db.transaction(() => { company.run(); person.run(); });
let n = 0;
let stop = false;
process.stdin.on('end', () => { stop = true; });
process.stdin.resume();
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function loop() {
  const until = Date.now() + 20;
  while (Date.now() < until) {
    tx(); n++;
    Atomics.wait(sleeper, 0, 0, 1); // ~1 ms between commits, so readers get their turns
  }
  process.stdout.write(n + '\\n');
  if (stop) { db.close(); process.exit(0); }
  setImmediate(loop);
}
loop();
`;

/** INSERT … SELECT copying row 1, every column but id. */
function copyRowSql(name: 'companies' | 'persons'): string {
  const cols = entity(name)
    .columns.filter((c) => c.type !== 'id')
    .map((c) => `"${c.name}"`)
    .join(', ');
  return `INSERT INTO ${name} (${cols}) SELECT ${cols} FROM ${name} WHERE id = 1`;
}

interface Writer {
  child: ChildProcess;
  commits(): number;
  waitForCommits(n: number): Promise<void>;
  stop(): Promise<void>;
}

function startWriter(dbPath: string): Writer {
  const child = spawn(process.execPath, ['-e', WRITER], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      BSQL: createRequire(import.meta.url).resolve('better-sqlite3'),
      DB: dbPath,
      COMPANY_SQL: copyRowSql('companies'),
      PERSON_SQL: copyRowSql('persons'),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let last = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = chunk.toString('utf8').trim().split('\n');
    last = Number(lines[lines.length - 1]);
    for (const w of [...waiters]) if (last >= w.n) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    commits: () => last,
    waitForCommits: (n) => (last >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    stop: async () => {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

describe.each([['DELETE'], ['WAL']] as const)('snapshot while another process writes (journal mode %s)', (journalMode) => {
  let work: { dir: string; remove: () => void };
  let store: LocalObjectStore;

  beforeEach(() => {
    work = tempDir('custos-snap-live-');
    store = new LocalObjectStore({ dir: path.join(work.dir, 'store') });
  });

  afterEach(async () => {
    await store.close();
    work.remove();
  });

  it('is consistent: integrity ok, counts of one state that existed, and they verify', async () => {
    const dbPath = path.join(work.dir, 'live.db');
    const seed = 200;
    createTestTenantDb(dbPath, { rows: seed, activities: 3000, bodyChars: 800, journalMode });
    const writer = startWriter(dbPath);
    try {
      await writer.waitForCommits(20);
      const before = writer.commits();
      const reports: number[] = [];
      const manifest = await takeSnapshot({
        dbPath,
        tenantId: 't_live',
        objectStore: store,
        clock: new ManualClock(new Date('2026-01-31T02:00:00Z')),
        tmpDir: work.dir,
        signal: new AbortController().signal,
        progress: (p) => {
          if (p.phase === 'copy' && p.total) reports.push(p.total - p.done);
        },
        appVersion: 'test',
        pagesPerStep: 8,
      });
      const after = writer.commits();
      const restarted = reports.some((r, i) => i > 0 && r > (reports[i - 1] as number));
      expect(restarted).toBe(true); // the writer committed mid-copy and the backup started over
      expect(after).toBeGreaterThan(before); // the writer really was writing during the snapshot

      const c = manifest.rowCounts;
      expect(c.companies).toBe(c.persons); // never half a transaction
      expect(c.companies).toBeGreaterThanOrEqual(seed + before - 1);
      expect(c.activities).toBe(3000);

      const check = await verifySnapshot({ objectStore: store, tenantId: 't_live', snapshotId: manifest.snapshotId, tmpDir: work.dir, signal: new AbortController().signal, progress: noProgress });
      expect(check).toMatchObject({ outcome: 'ok' });

      const restored = path.join(work.dir, 'restored.db');
      await restoreSnapshotToFile({ objectStore: store, tenantId: 't_live', snapshotId: manifest.snapshotId, targetPath: restored, tmpDir: work.dir, signal: new AbortController().signal, progress: noProgress });
      expect(tableCounts(restored)).toEqual(c);
      const db = new Database(restored, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      db.close();
    } finally {
      await writer.stop();
    }
    // The live database carried on; the snapshot is a past state of it.
    const live = tableCounts(dbPath);
    expect(live.companies).toBe(live.persons);
  });
});
