/**
 * The live restore's swap, on real SQLite files and a real S3-protocol server:
 * killed at every journal step, the live database is always the old one or the new
 * one (never a mix), and a rerun finishes. Plus: a corrupt snapshot is refused with
 * nothing changed, a bad swapped-in file is swapped back out, and a selective
 * restore killed after its commit completes on rerun without inserting twice.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { restoreSnapshotToFile } from '../backups/snapshot.verifier';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeSnapshot } from '../backups/snapshot.writer';
import { snapshotKeys } from '../backups/snapshot.keys';
import { createTestTenantDb } from '../backups/tenant-db.fixture';
import { ManualClock } from '../shared/clock.port';
import { noProgress } from '../shared/progress';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { S3ObjectStore } from '../storage/object-store/s3.object-store';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { startS3rver, type S3rverHandle } from '../testing/s3rver';
import { tempDir } from '../testing/temp-dir';
import { ENTITY_ORDER } from '../schema';
import type { RestoreCrashArgs } from './restore-crash.child';
import { fileJournal } from './restore.journal';
import { runRestore } from './restore.executor';
import { planSelection } from './selective';

const CHILD = fileURLToPath(new URL('./restore-crash.child.ts', import.meta.url));
const TENANT = 't-000042';
const NOW = '2026-11-29T12:00:00.000Z';

/** Every row of every table, in a stable order: equal fingerprints = equal databases. */
function content(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const h = createHash('sha256');
    for (const t of [...ENTITY_ORDER, 'schema_meta']) {
      for (const r of db.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all()) h.update(JSON.stringify(r));
    }
    return h.digest('hex');
  } finally {
    db.close();
  }
}

function integrityOk(path: string): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) === 'ok';
  } finally {
    db.close();
  }
}

function runChild(args: RestoreCrashArgs): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

let s3: S3rverHandle;
let tmp: { dir: string; remove: () => void };
let store: ObjectStore;
let storeArg: RestoreCrashArgs['store'];
let template: string;
let snapshotId: string;
let oldContent: string;
let newContent: string;

beforeAll(async () => {
  s3 = await startS3rver();
  tmp = tempDir('custos-restore-');
  const prefix = `restore-${randomUUID()}`;
  store = await S3ObjectStore.open({ bucket: s3.bucket, region: 'eu-west-1', endpoint: s3.endpoint, forcePathStyle: true, prefix, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  storeArg = { kind: 's3', endpoint: s3.endpoint, bucket: s3.bucket, prefix };
  // The snapshot holds the tenant as it was; then the "customer" deletes and adds rows.
  template = join(tmp.dir, 'template.sqlite');
  createTestTenantDb(template, { rows: 40 });
  mkdirSync(join(tmp.dir, 'work'), { recursive: true });
  const m = await takeSnapshot({ dbPath: template, tenantId: TENANT, objectStore: store, clock: new ManualClock(new Date('2026-11-28T02:00:00Z')), tmpDir: join(tmp.dir, 'work'), appVersion: 'test', signal: new AbortController().signal, progress: noProgress });
  snapshotId = m.snapshotId;
  newContent = content(template);
  const db = new Database(template);
  db.exec("DELETE FROM opportunity_lines WHERE opportunity_id = 3; DELETE FROM opportunities WHERE id > 30; UPDATE persons SET last_name = 'Changed' WHERE id = 2;");
  db.close();
  oldContent = content(template);
  expect(oldContent).not.toBe(newContent);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await s3?.close();
  tmp?.remove();
});

function freshTenant(name: string) {
  const dir = join(tmp.dir, name);
  const tenants = join(dir, 'tenants');
  mkdirSync(tenants, { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const livePath = join(tenants, `${TENANT}.sqlite`);
  copyFileSync(template, livePath);
  const statusPath = join(dir, 'status.json');
  writeFileSync(statusPath, JSON.stringify({ status: 'active' }));
  return { dir, tenants, livePath, statusPath, journalPath: join(dir, 'journal.json'), tmpDir: join(dir, 'tmp') };
}

const KILL_POINTS = ['after-preflight', 'after-mark-restoring', 'after-safety-snapshot', 'after-link', 'after-rename', 'after-swap', 'after-verify', 'after-files', 'after-finish'];

describe('live restore: the atomic swap under crashes', () => {
  it.each(KILL_POINTS)('killed at %s: the live database is the old or the new one; the rerun finishes', async (killAt) => {
    const t = freshTenant(`crash-${killAt}`);
    const args: RestoreCrashArgs = { livePath: t.livePath, tmpDir: t.tmpDir, journalPath: t.journalPath, statusPath: t.statusPath, store: storeArg, requestId: `r-${killAt}`, tenantId: TENANT, work: { kind: 'live', snapshotId }, now: NOW, killAt };
    const crashed = await runChild(args);
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    // At every moment: a sound database, exactly the old or exactly the new.
    expect(integrityOk(t.livePath)).toBe(true);
    const c = content(t.livePath);
    expect([oldContent, newContent]).toContain(c);
    if (['after-preflight', 'after-mark-restoring', 'after-safety-snapshot', 'after-link'].includes(killAt)) expect(c).toBe(oldContent);
    if (['after-rename', 'after-swap', 'after-verify', 'after-files', 'after-finish'].includes(killAt)) expect(c).toBe(newContent);

    const rerun = await runChild({ ...args, killAt: null });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(content(t.livePath)).toBe(newContent);
    expect(JSON.parse(readFileSync(t.statusPath, 'utf8'))).toEqual({ status: 'active' });
    // Nothing staged or kept is left beside the live file.
    expect(readdirSync(t.tenants)).toEqual([`${TENANT}.sqlite`]);
    const journal = JSON.parse(readFileSync(t.journalPath, 'utf8')) as { runs: number; steps: Record<string, unknown>; safetySnapshotId: string };
    expect(journal.runs).toBe(2);
    expect(Object.keys(journal.steps)).toHaveLength(7);
    // The safety snapshot holds the old database.
    expect(await store.head(snapshotKeys.manifest(TENANT, journal.safetySnapshotId))).not.toBeNull();
  }, 60_000);

  it('the safety snapshot restores the old database (what "roll back" runs)', async () => {
    const t = freshTenant('rollback');
    const deps = (requestId: string, journalPath: string) => ({
      requestId,
      tenantId: TENANT,
      livePath: t.livePath,
      objectStore: store,
      clock: new ManualClock(new Date(NOW)),
      tmpDir: t.tmpDir,
      appVersion: 'test',
      journal: fileJournal(journalPath),
      tenantStatus: async () => 'active',
      setTenantStatus: async () => {},
      onSafetySnapshot: async () => {},
      releaseHandles: async () => {},
    });
    const work = { signal: new AbortController().signal, progress: noProgress };
    const first = await runRestore({ kind: 'live', snapshotId }, deps('r-first', join(t.dir, 'j1.json')), work);
    expect(content(t.livePath)).toBe(newContent);
    const back = await runRestore({ kind: 'live', snapshotId: first.safetySnapshotId }, deps('r-back', join(t.dir, 'j2.json')), work);
    expect(content(t.livePath)).toBe(oldContent);
    expect(back.safetySnapshotId).not.toBe(first.safetySnapshotId);
  }, 60_000);

  it('a corrupt snapshot is refused before anything changes', async () => {
    const local = tempDir('custos-restore-corrupt-');
    try {
      const objects = new LocalObjectStore({ dir: join(local.dir, 'objects') });
      const t = freshTenant('corrupt');
      const m = await takeSnapshot({ dbPath: t.livePath, tenantId: TENANT, objectStore: objects, clock: new ManualClock(new Date('2026-11-27T02:00:00Z')), tmpDir: t.tmpDir, appVersion: 'test', signal: new AbortController().signal, progress: noProgress });
      // Flip one byte of the stored data object.
      const chunks: Buffer[] = [];
      for await (const c of await objects.get(snapshotKeys.data(TENANT, m.snapshotId))) chunks.push(c as Buffer);
      const bytes = Buffer.concat(chunks);
      const mid = Math.floor(bytes.length / 2);
      bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
      await objects.put(snapshotKeys.data(TENANT, m.snapshotId), bytes);
      const before = content(t.livePath);
      let status = 'active';
      await expect(
        runRestore(
          { kind: 'live', snapshotId: m.snapshotId },
          {
            requestId: 'r-corrupt',
            tenantId: TENANT,
            livePath: t.livePath,
            objectStore: objects,
            clock: new ManualClock(new Date(NOW)),
            tmpDir: t.tmpDir,
            appVersion: 'test',
            journal: fileJournal(t.journalPath),
            tenantStatus: async () => status,
            setTenantStatus: async (s) => {
              status = s;
            },
            onSafetySnapshot: async () => {},
            releaseHandles: async () => {},
          },
          { signal: new AbortController().signal, progress: noProgress },
        ),
      ).rejects.toMatchObject({ code: 'SNAPSHOT_CHECKSUM_MISMATCH' });
      expect(content(t.livePath)).toBe(before);
      expect(status).toBe('active');
      expect(readdirSync(t.tenants)).toEqual([`${TENANT}.sqlite`]);
      await objects.close();
    } finally {
      local.remove();
    }
  }, 60_000);

  it('a restored file that fails verification after the swap is swapped back out', async () => {
    const t = freshTenant('bad-staged');
    const args: RestoreCrashArgs = { livePath: t.livePath, tmpDir: t.tmpDir, journalPath: t.journalPath, statusPath: t.statusPath, store: storeArg, requestId: 'r-bad', tenantId: TENANT, work: { kind: 'live', snapshotId }, now: NOW, killAt: 'after-link' };
    expect((await runChild(args)).signal).toBe('SIGKILL');
    // Someone damages the staged copy while the console is down: it no longer matches its manifest.
    const staged = readdirSync(t.tenants).find((f) => f.includes('.restore-'))!;
    const db = new Database(join(t.tenants, staged));
    db.exec('DELETE FROM tasks WHERE id = 1');
    db.close();
    const rerun = await runChild({ ...args, killAt: null });
    expect(rerun.code).toBe(3);
    expect(rerun.stderr).toMatch(/previous database was put back/);
    expect(content(t.livePath)).toBe(oldContent);
    expect(JSON.parse(readFileSync(t.statusPath, 'utf8'))).toEqual({ status: 'active' });
    expect(readdirSync(t.tenants)).toEqual([`${TENANT}.sqlite`]);
  }, 60_000);
});

describe('selective restore under a crash', () => {
  it('killed after the insert committed: the rerun completes without inserting twice', async () => {
    const t = freshTenant('selective-crash');
    // The sandbox: the snapshot restored to a file, as a sandbox holds it; it has opportunities 31–40 that live lacks.
    const real = join(t.dir, 'real-sandbox.sqlite');
    await restoreSnapshotToFile({ objectStore: store, tenantId: TENANT, snapshotId, tmpDir: t.tmpDir, targetPath: real, signal: new AbortController().signal, progress: noProgress });
    const plan = planSelection({ snapshotPath: real, livePath: t.livePath, selection: [{ entity: 'opportunities', id: 35 }] });
    expect(plan.refusals).toEqual([]);
    expect(plan.insert.opportunities).toEqual([35]);
    const before = (new Database(t.livePath, { readonly: true }).prepare('SELECT count(*) AS n FROM opportunities').get() as { n: number }).n;
    const args: RestoreCrashArgs = { livePath: t.livePath, tmpDir: t.tmpDir, journalPath: t.journalPath, statusPath: t.statusPath, store: storeArg, requestId: 'r-sel', tenantId: TENANT, work: { kind: 'records', snapshotId, sandboxPath: real, plan }, now: NOW, killAt: 'after-swap' };
    expect((await runChild(args)).signal).toBe('SIGKILL');
    const rerun = await runChild({ ...args, killAt: null });
    expect(rerun.code, rerun.stderr).toBe(0);
    const after = new Database(t.livePath, { readonly: true });
    expect((after.prepare('SELECT count(*) AS n FROM opportunities').get() as { n: number }).n).toBe(before + 1);
    expect(after.prepare('SELECT id FROM opportunities WHERE id = 35').get()).toEqual({ id: 35 });
    after.close();
    expect(existsSync(join(t.tenants, `${TENANT}.sqlite`))).toBe(true);
  }, 60_000);
});
