/**
 * The restore executor's crash suite, shared by restore.executor.test.ts (SQLite) and
 * restore.executor.postgres.test.ts (PostgreSQL), two files so that vitest runs the
 * engines side by side.
 *
 * The live restore's swap, on real databases of both engines (SQLite files; a
 * PostgreSQL server on 127.0.0.1) and a real S3-protocol server: killed at every
 * journal step, the live database is always the old one or the new one (never a
 * mix), and a rerun finishes with nothing left beside it. Plus: a corrupt snapshot is
 * refused with nothing changed, a damaged staged copy is swapped back out, and a
 * selective restore killed after its commit completes on rerun without inserting twice.
 */
import Database from 'better-sqlite3';
import { runCrashChild } from '../testing/crash-child';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { restoreSnapshotToFile } from '../backups/snapshot.verifier';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeSnapshot } from '../backups/snapshot.writer';
import { snapshotKeys } from '../backups/snapshot.keys';
import { createTestTenantDb } from '../backups/tenant-db.fixture';
import { ManualClock } from '../shared/clock.port';
import { noProgress } from '../shared/progress';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { S3ObjectStore } from '../storage/object-store/s3.object-store';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { PostgresTenantAdmin } from '../storage/postgres';
import type { TenantEngine } from '../testing/console-fixture';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import { startS3rver, type S3rverHandle } from '../testing/s3rver';
import { tempDir } from '../testing/temp-dir';
import { ENTITY_ORDER } from '../schema';
import type { RestoreCrashArgs } from './restore-crash.child';
import type { LiveTarget } from './live-target';
import { postgresLiveTarget, restoreDatabaseNames } from './live-target.postgres';
import { sqliteLiveTarget } from './live-target.sqlite';
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

const runChild = (args: RestoreCrashArgs) => runCrashChild(CHILD, args);

/** Registers the suite for these engines (call at a test file's top level). */
export function restoreExecutorSuite(engines: readonly TenantEngine[]): void {
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

  let pgt: TestPostgres;
  let admin: PostgresTenantAdmin;
  beforeAll(async () => {
    if (!engines.includes('postgres')) return;
    pgt = await startTestPostgres();
    admin = await PostgresTenantAdmin.open({ url: pgt.serverUrl });
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    await pgt?.close();
    await store?.close();
    await s3?.close();
    tmp?.remove();
  });

  /** One tenant's live database on one engine, as the tests look at it. */
  interface LiveUnderTest {
    dir: string;
    tmpDir: string;
    statusPath: string;
    journalPath: string;
    live: RestoreCrashArgs['live'];
    target(requestId: string, objectStore?: ObjectStore): LiveTarget;
    /** The content fingerprint (and, on SQLite, a passed integrity check). */
    content(): Promise<string>;
    /** What the restores left beside the live database (must end empty). */
    leftovers(): Promise<string[]>;
    /** Deletes a row in the staged copy of a request (someone damages it while the console is down). */
    damageStaged(requestId: string): Promise<void>;
    /** The live database as a SQLite file (itself, or a dump), for planning a selection. */
    asFile(): Promise<string>;
    opportunityIds(ids: number[]): Promise<number[]>;
    countOpportunities(): Promise<number>;
  }

  async function pgQuery<R extends pg.QueryResultRow>(database: string, text: string, values: unknown[] = []): Promise<R[]> {
    const c = new pg.Client({ connectionString: pgt.urlFor(database) });
    await c.connect();
    try {
      return (await c.query<R>(text, values)).rows;
    } finally {
      await c.end();
    }
  }

  let seq = 0;
  async function freshTenant(engine: TenantEngine, label: string): Promise<LiveUnderTest> {
    const dir = join(tmp.dir, `${engine}-${label}`);
    const tenants = join(dir, 'tenants');
    mkdirSync(tenants, { recursive: true });
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    const statusPath = join(dir, 'status.json');
    writeFileSync(statusPath, JSON.stringify({ status: 'active' }));
    const base = { dir, tmpDir: join(dir, 'tmp'), statusPath, journalPath: join(dir, 'journal.json') };
    const ctx = (requestId: string, objectStore: ObjectStore = store) => ({ requestId, tenantId: TENANT, objectStore, clock: new ManualClock(new Date(NOW)), tmpDir: base.tmpDir, appVersion: 'test' });
    if (engine === 'sqlite') {
      const livePath = join(tenants, `${TENANT}.sqlite`);
      copyFileSync(template, livePath);
      const read = <T>(fn: (db: Database.Database) => T): T => {
        const db = new Database(livePath, { readonly: true });
        try {
          return fn(db);
        } finally {
          db.close();
        }
      };
      return {
        ...base,
        live: { engine: 'sqlite', path: livePath },
        target: (requestId, objectStore) => sqliteLiveTarget(livePath, ctx(requestId, objectStore)),
        content: async () => {
          expect(integrityOk(livePath)).toBe(true);
          return content(livePath);
        },
        leftovers: async () => readdirSync(tenants).filter((f) => f !== `${TENANT}.sqlite`),
        damageStaged: async () => {
          const staged = readdirSync(tenants).find((f) => f.includes('.restore-'))!;
          const db = new Database(join(tenants, staged));
          db.exec('DELETE FROM tasks WHERE id = 1');
          db.close();
        },
        asFile: async () => livePath,
        opportunityIds: async (ids) => read((db) => db.prepare(`SELECT id FROM opportunities WHERE id IN (${ids.join(',')}) ORDER BY id`).pluck().all() as number[]),
        countOpportunities: async () => read((db) => db.prepare('SELECT count(*) FROM opportunities').pluck().get() as number),
      };
    }
    const database = pgt.name(`x${++seq}`);
    await admin.loadFromSqlite(template, database, { tenantId: TENANT });
    const dump = async (): Promise<string> => {
      const file = join(dir, `dump-${randomUUID()}.sqlite`);
      await admin.dumpToSqlite(database, file, { tenantId: TENANT });
      return file;
    };
    return {
      ...base,
      live: { engine: 'postgres', serverUrl: pgt.serverUrl, database },
      target: (requestId, objectStore) => postgresLiveTarget(admin, database, ctx(requestId, objectStore)),
      content: async () => content(await dump()),
      leftovers: async () => (await pgQuery<{ datname: string }>(pgt.database, "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1", [`${database}_`])).map((r) => r.datname),
      damageStaged: async (requestId) => {
        await pgQuery(restoreDatabaseNames(database, requestId).staged, 'DELETE FROM tasks WHERE id = 1');
      },
      asFile: dump,
      opportunityIds: async (ids) => (await pgQuery<{ id: number }>(database, 'SELECT id::int AS id FROM opportunities WHERE id = ANY($1) ORDER BY id', [ids])).map((r) => r.id),
      countOpportunities: async () => Number((await pgQuery<{ n: string }>(database, 'SELECT count(*) AS n FROM opportunities'))[0]!.n),
    };
  }

  const status = (t: LiveUnderTest) => JSON.parse(readFileSync(t.statusPath, 'utf8')) as { status: string };

  /** Kill points of each engine's swap, with the database a reader must find right after (old or new). */
  const KILLS: Record<TenantEngine, Record<string, 'old' | 'new'>> = {
    sqlite: { 'after-stage': 'old', 'after-preflight': 'old', 'after-mark-restoring': 'old', 'after-safety-snapshot': 'old', 'after-link': 'old', 'after-rename': 'new', 'after-swap': 'new', 'after-verify': 'new', 'after-files': 'new', 'after-finish': 'new' },
    postgres: { 'after-load': 'old', 'after-stage': 'old', 'after-preflight': 'old', 'after-mark-restoring': 'old', 'after-safety-snapshot': 'old', 'after-rename': 'new', 'after-swap': 'new', 'after-verify': 'new', 'after-files': 'new', 'after-finish': 'new' },
  };

  describe.each(engines)('live restore on %s: the atomic swap under crashes', (engine) => {
    // Concurrent: each case is its own tenant, journal and child processes (mostly waiting on I/O).
    it.concurrent.each(Object.entries(KILLS[engine]))('killed at %s: the live database is the %s one; the rerun finishes', async (killAt, expected) => {
      const t = await freshTenant(engine, `crash-${killAt}`);
      const args: RestoreCrashArgs = { live: t.live, tmpDir: t.tmpDir, journalPath: t.journalPath, statusPath: t.statusPath, store: storeArg, requestId: `r-${killAt}`, tenantId: TENANT, work: { kind: 'live', snapshotId }, now: NOW, killAt };
      const crashed = await runChild(args);
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      // At every moment: a sound database, exactly the old or exactly the new.
      expect(await t.content()).toBe(expected === 'old' ? oldContent : newContent);

      const rerun = await runChild({ ...args, killAt: null });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await t.content()).toBe(newContent);
      expect(status(t)).toEqual({ status: 'active' });
      // Nothing staged or kept is left beside the live database.
      expect(await t.leftovers()).toEqual([]);
      const journal = JSON.parse(readFileSync(t.journalPath, 'utf8')) as { runs: number; steps: Record<string, unknown>; safetySnapshotId: string; target: { engine: string; names: Record<string, string> } };
      expect(journal.runs).toBe(2);
      expect(Object.keys(journal.steps)).toHaveLength(7);
      expect(journal.target.engine).toBe(engine);
      if (engine === 'postgres') expect(journal.target.names).toEqual(restoreDatabaseNames((t.live as { database: string }).database, `r-${killAt}`));
      // The safety snapshot holds the old database.
      expect(await store.head(snapshotKeys.manifest(TENANT, journal.safetySnapshotId))).not.toBeNull();
    }, 90_000);

    const deps = (t: LiveUnderTest, requestId: string, journalPath: string, objectStore: ObjectStore = store) => {
      let current = 'active';
      return {
        requestId,
        tenantId: TENANT,
        target: t.target(requestId, objectStore),
        objectStore,
        clock: new ManualClock(new Date(NOW)),
        journal: fileJournal(journalPath),
        tenantStatus: async () => current,
        setTenantStatus: async (s: string) => {
          current = s;
          writeFileSync(t.statusPath, JSON.stringify({ status: s }));
        },
        onSafetySnapshot: async () => {},
        releaseHandles: async () => {},
      };
    };
    const work = () => ({ signal: new AbortController().signal, progress: noProgress });

    it('the safety snapshot restores the old database (what "roll back" runs)', async () => {
      const t = await freshTenant(engine, 'rollback');
      const first = await runRestore({ kind: 'live', snapshotId }, deps(t, 'r-first', join(t.dir, 'j1.json')), work());
      expect(await t.content()).toBe(newContent);
      const back = await runRestore({ kind: 'live', snapshotId: first.safetySnapshotId }, deps(t, 'r-back', join(t.dir, 'j2.json')), work());
      expect(await t.content()).toBe(oldContent);
      expect(back.safetySnapshotId).not.toBe(first.safetySnapshotId);
      expect(await t.leftovers()).toEqual([]);
    }, 90_000);

    it('a corrupt snapshot is refused before anything changes', async () => {
      const local = tempDir('custos-restore-corrupt-');
      try {
        const objects = new LocalObjectStore({ dir: join(local.dir, 'objects') });
        const t = await freshTenant(engine, 'corrupt');
        const m = await takeSnapshot({ dbPath: template, tenantId: TENANT, objectStore: objects, clock: new ManualClock(new Date('2026-11-27T02:00:00Z')), tmpDir: t.tmpDir, appVersion: 'test', signal: new AbortController().signal, progress: noProgress });
        // Flip one byte of the stored data object.
        const chunks: Buffer[] = [];
        for await (const c of await objects.get(snapshotKeys.data(TENANT, m.snapshotId))) chunks.push(c as Buffer);
        const bytes = Buffer.concat(chunks);
        const mid = Math.floor(bytes.length / 2);
        bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
        await objects.put(snapshotKeys.data(TENANT, m.snapshotId), bytes);
        const before = await t.content();
        const d = deps(t, 'r-corrupt', t.journalPath, objects);
        await expect(runRestore({ kind: 'live', snapshotId: m.snapshotId }, d, work())).rejects.toMatchObject({ code: 'SNAPSHOT_CHECKSUM_MISMATCH' });
        expect(await t.content()).toBe(before);
        expect(await d.tenantStatus()).toBe('active');
        expect(await t.leftovers()).toEqual([]);
        await objects.close();
      } finally {
        local.remove();
      }
    }, 60_000);

    it('a restored copy damaged before the swap fails its check after it and is swapped back out', async () => {
      const t = await freshTenant(engine, 'bad-staged');
      const killAt = engine === 'sqlite' ? 'after-link' : 'after-preflight';
      const args: RestoreCrashArgs = { live: t.live, tmpDir: t.tmpDir, journalPath: t.journalPath, statusPath: t.statusPath, store: storeArg, requestId: 'r-bad', tenantId: TENANT, work: { kind: 'live', snapshotId }, now: NOW, killAt };
      expect((await runChild(args)).signal).toBe('SIGKILL');
      // Someone damages the staged copy while the console is down: it no longer matches its manifest.
      await t.damageStaged('r-bad');
      const rerun = await runChild({ ...args, killAt: null });
      expect(rerun.code).toBe(3);
      expect(rerun.stderr).toMatch(/previous database was put back/);
      expect(await t.content()).toBe(oldContent);
      expect(status(t)).toEqual({ status: 'active' });
      expect(await t.leftovers()).toEqual([]);
    }, 90_000);
  });

  describe.each(engines)('selective restore on %s under a crash', (engine) => {
    it('killed after the insert committed: the rerun completes without inserting twice', async () => {
      const t = await freshTenant(engine, 'selective-crash');
      // The sandbox: the snapshot restored to a file, as a sandbox holds it; it has opportunities 31–40 that live lacks.
      const real = join(t.dir, 'real-sandbox.sqlite');
      await restoreSnapshotToFile({ objectStore: store, tenantId: TENANT, snapshotId, tmpDir: t.tmpDir, targetPath: real, signal: new AbortController().signal, progress: noProgress });
      const plan = planSelection({ snapshotPath: real, livePath: await t.asFile(), selection: [{ entity: 'opportunities', id: 35 }] });
      expect(plan.refusals).toEqual([]);
      expect(plan.insert.opportunities).toEqual([35]);
      const before = await t.countOpportunities();
      const args: RestoreCrashArgs = { live: t.live, tmpDir: t.tmpDir, journalPath: t.journalPath, statusPath: t.statusPath, store: storeArg, requestId: 'r-sel', tenantId: TENANT, work: { kind: 'records', snapshotId, sandboxPath: real, plan }, now: NOW, killAt: 'after-swap' };
      expect((await runChild(args)).signal).toBe('SIGKILL');
      const rerun = await runChild({ ...args, killAt: null });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await t.countOpportunities()).toBe(before + 1);
      expect(await t.opportunityIds([35])).toEqual([35]);
      expect(await t.leftovers()).toEqual([]);
      expect(existsSync(t.journalPath)).toBe(true);
    }, 90_000);
  });
}
