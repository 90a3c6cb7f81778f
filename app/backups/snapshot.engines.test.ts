import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.port';
import { noProgress, type ProgressReport } from '../shared/progress';
import { startS3rver, type S3rverHandle } from '../testing/s3rver';
import { tempDir } from '../testing/temp-dir';
import { cleanupIncomplete, deleteSnapshot, listSnapshots } from './snapshot.catalog';
import { snapshotKeys } from './snapshot.keys';
import { readSnapshotManifest, serializeSnapshotManifest, type SnapshotManifest } from './snapshot.manifest';
import { localStoreFactory, readAll, recordProgress, s3StoreFactory, type StoreUnderTest } from './snapshot.test-support';
import { restoreSnapshotToFile, verifySnapshot } from './snapshot.verifier';
import { takeSnapshot } from './snapshot.writer';
import { createTestTenantDb, tableCounts } from './tenant-db.fixture';

/**
 * Snapshots on real engines (ARCHITECTURE.md: real adapters against real engines on
 * loopback): a SQLite file, a local folder store and an S3-protocol server (s3rver).
 * The same suite runs against both stores.
 */
let server: S3rverHandle | undefined;
const tmp = tempDir('custos-backups-');

beforeAll(async () => {
  server = await startS3rver();
}, 30_000);

afterAll(async () => {
  await server?.close();
  tmp.remove();
});

const stores: Array<[string, () => Promise<StoreUnderTest>]> = [
  ['local folder', localStoreFactory(tmp.dir)],
  ['s3rver', s3StoreFactory(() => server as S3rverHandle)],
];

const TENANT = 't_backup_1';
const signal = () => new AbortController().signal;

describe.each(stores)('snapshots on %s', (_name, makeStore) => {
  let s: StoreUnderTest;
  let work: { dir: string; remove: () => void };
  let clock: ManualClock;

  beforeEach(async () => {
    s = await makeStore();
    work = tempDir('custos-snap-');
    clock = new ManualClock(new Date('2026-01-31T02:00:00.000Z'));
  });

  afterEach(async () => {
    await s.dispose();
    work.remove();
  });

  const dbFile = (name = 'tenant.db') => path.join(work.dir, name);
  const snapTmp = () => {
    const d = path.join(work.dir, 'tmp');
    if (!existsSync(d)) mkdirSync(d);
    return d;
  };

  async function snapshot(db = dbFile(), extra: { signal?: AbortSignal; progress?: (p: ProgressReport) => void } = {}) {
    return takeSnapshot({
      dbPath: db,
      tenantId: TENANT,
      objectStore: s.store,
      clock,
      tmpDir: snapTmp(),
      signal: extra.signal ?? signal(),
      progress: extra.progress ?? noProgress,
      appVersion: '0.1.0-test',
    });
  }

  const verify = (snapshotId: string) =>
    verifySnapshot({ objectStore: s.store, tenantId: TENANT, snapshotId, tmpDir: snapTmp(), signal: signal(), progress: noProgress, clock });

  it('round trip: snapshot, catalog, verify, restore to a file with the same rows', async () => {
    createTestTenantDb(dbFile(), { rows: 50 });
    const progress = recordProgress();
    const manifest = await snapshot(dbFile(), { progress: progress.sink });

    expect(manifest).toMatchObject({ tenantId: TENANT, engine: 'sqlite', schemaVersion: 1, compression: 'gzip', compressionLevel: 6, appVersion: '0.1.0-test' });
    expect(manifest.snapshotId).toMatch(/^20260131T020000Z-[0-9a-f]{6}$/);
    expect(manifest.rowCounts).toEqual(tableCounts(dbFile()));
    expect(manifest.rowCounts.persons).toBe(50);
    expect(manifest.compressedBytes).toBeLessThan(manifest.rawBytes);
    expect(progress.phases()).toEqual(['copy', 'check', 'compress+upload', 'manifest']);
    expect(progress.reports.find((r) => r.phase === 'compress+upload' && r.done === manifest.rawBytes)?.bytesTotal).toBe(manifest.rawBytes);
    expect(readdirSync(snapTmp())).toEqual([]); // temp files removed

    // The stored objects: the gzip data hashes to the manifest, and the manifest reads back.
    const stored = await readAll(await s.store.get(snapshotKeys.data(TENANT, manifest.snapshotId)));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(manifest.compressedSha256);
    expect(await readSnapshotManifest(s.store, TENANT, manifest.snapshotId)).toEqual(manifest);

    const { entries, strays } = await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock });
    expect(strays).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ snapshotId: manifest.snapshotId, state: 'complete', takenAt: manifest.takenAt, dataBytes: manifest.compressedBytes, problem: null });

    const verifyProgress = recordProgress();
    const result = await verifySnapshot({ objectStore: s.store, tenantId: TENANT, snapshotId: manifest.snapshotId, tmpDir: snapTmp(), signal: signal(), progress: verifyProgress.sink, clock });
    expect(result).toMatchObject({ outcome: 'ok', code: null, checkedAt: '2026-01-31T02:00:00.000Z', details: { integrityCheck: 'ok', schemaVersion: 1 } });
    expect(verifyProgress.phases()).toEqual(['manifest', 'download', 'decompress', 'check']);
    expect(readdirSync(snapTmp())).toEqual([]);

    const target = path.join(work.dir, 'restored', 'tenant.db');
    mkdirSync(path.dirname(target));
    const restored = await restoreSnapshotToFile({ objectStore: s.store, tenantId: TENANT, snapshotId: manifest.snapshotId, targetPath: target, tmpDir: snapTmp(), signal: signal(), progress: noProgress });
    expect(restored.manifest).toEqual(manifest);
    expect(tableCounts(target)).toEqual(manifest.rowCounts);
    expect(readdirSync(path.dirname(target))).toEqual(['tenant.db']);
    // Never overwrites.
    await expect(
      restoreSnapshotToFile({ objectStore: s.store, tenantId: TENANT, snapshotId: manifest.snapshotId, targetPath: target, tmpDir: snapTmp(), signal: signal(), progress: noProgress }),
    ).rejects.toMatchObject({ code: 'RESTORE_REFUSED' });
  });

  it('one flipped byte in the stored object is SNAPSHOT_CHECKSUM_MISMATCH, not a generic failure', async () => {
    createTestTenantDb(dbFile(), { rows: 30 });
    const m = await snapshot();
    const key = snapshotKeys.data(TENANT, m.snapshotId);
    const bytes = await readAll(await s.store.get(key));
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x01;
    await s.store.put(key, bytes);

    const result = await verify(m.snapshotId);
    expect(result.outcome).toBe('failed');
    expect(result.code).toBe('SNAPSHOT_CHECKSUM_MISMATCH');
    expect(result.message).toMatch(/SHA-256 of the stored \(compressed\) file/);
    expect(result.message).toMatch(/damaged or was altered/);
    expect(result.details).toMatchObject({ hash: 'compressed', expected: m.compressedSha256 });

    // A truncated object is caught by its size.
    await s.store.put(key, bytes.subarray(0, bytes.length - 10));
    const cut = await verify(m.snapshotId);
    expect(cut).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_CHECKSUM_MISMATCH', details: { expectedBytes: m.compressedBytes, actualBytes: m.compressedBytes - 10 } });

    // And the catalog notices the size difference without downloading.
    const { entries } = await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock });
    expect(entries[0]).toMatchObject({ state: 'broken', problem: { code: 'SNAPSHOT_CHECKSUM_MISMATCH' } });
  });

  it('damaged SQLite bytes under a manifest that matches them are SNAPSHOT_CORRUPT from integrity_check', async () => {
    createTestTenantDb(dbFile(), { rows: 50 });
    const m = await snapshot();
    // Damage an index page of the database, then write data and manifest consistent with the damage.
    const damaged = path.join(work.dir, 'damaged.db');
    await restoreSnapshotToFile({ objectStore: s.store, tenantId: TENANT, snapshotId: m.snapshotId, targetPath: damaged, tmpDir: snapTmp(), signal: signal(), progress: noProgress });
    const db = new Database(damaged, { readonly: true });
    const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'persons_company'").get() as { rootpage: number }).rootpage;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const raw = readFileSync(damaged);
    for (let i = pageSize - 300; i < pageSize; i++) raw[(root - 1) * pageSize + i] = (raw[(root - 1) * pageSize + i] as number) ^ 0x5a;
    const gz = gzipSync(raw, { level: 6 });
    const forged: SnapshotManifest = {
      ...m,
      rawBytes: raw.length,
      rawSha256: createHash('sha256').update(raw).digest('hex'),
      compressedBytes: gz.length,
      compressedSha256: createHash('sha256').update(gz).digest('hex'),
    };
    await s.store.put(snapshotKeys.data(TENANT, m.snapshotId), gz);
    await s.store.put(snapshotKeys.manifest(TENANT, m.snapshotId), serializeSnapshotManifest(forged));

    const result = await verify(m.snapshotId);
    expect(result).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_CORRUPT' });
    expect(result.message).toMatch(/fails SQLite's integrity check: Tree \d+ page \d+ cell \d+: Extends off end of page/);
    expect((result.details.integrityCheck as string[]).length).toBeGreaterThan(3); // the first lines of SQLite's report
    expect(result.hint).toMatch(/already damaged when it was taken/);
    writeFileSync(damaged, ''); // (removed with the work folder)
  });

  it('a gzip stream that does not decompress, under a matching manifest, is SNAPSHOT_CORRUPT', async () => {
    createTestTenantDb(dbFile(), { rows: 10 });
    const m = await snapshot();
    const junk = Buffer.from('this is not gzip at all, just bytes');
    await s.store.put(snapshotKeys.data(TENANT, m.snapshotId), junk);
    await s.store.put(
      snapshotKeys.manifest(TENANT, m.snapshotId),
      serializeSnapshotManifest({ ...m, compressedBytes: junk.length, compressedSha256: createHash('sha256').update(junk).digest('hex') }),
    );
    const result = await verify(m.snapshotId);
    expect(result).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_CORRUPT' });
    expect(result.message).toMatch(/cannot be decompressed/);
  });

  it('a schema version this console cannot restore is SNAPSHOT_SCHEMA_UNSUPPORTED', async () => {
    createTestTenantDb(dbFile(), { rows: 5, schemaVersion: 99 });
    const m = await snapshot();
    expect(m.schemaVersion).toBe(99); // backed up anyway: a newer console may restore it
    const result = await verify(m.snapshotId);
    expect(result).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_SCHEMA_UNSUPPORTED', details: { schemaVersion: 99 } });
    expect(result.message).toMatch(/schema version 99; this console restores versions 1/);
    expect(result.hint).toMatch(/newer CRM/);
  });

  it('row counts that differ from the manifest are SNAPSHOT_CORRUPT and name the tables', async () => {
    createTestTenantDb(dbFile(), { rows: 12 });
    const m = await snapshot();
    await s.store.put(snapshotKeys.manifest(TENANT, m.snapshotId), serializeSnapshotManifest({ ...m, rowCounts: { ...m.rowCounts, persons: 13 } }));
    const result = await verify(m.snapshotId);
    expect(result).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_CORRUPT', details: { differences: [{ table: 'persons', manifest: 13, database: 12 }] } });
    expect(result.message).toMatch(/persons: 12 instead of 13/);
  });

  it('malformed and cut-off manifests: SNAPSHOT_CORRUPT and SNAPSHOT_INCOMPLETE, shown as broken', async () => {
    createTestTenantDb(dbFile(), { rows: 5 });
    const a = await snapshot();
    clock.advance(60_000);
    const b = await snapshot();
    await s.store.put(snapshotKeys.manifest(TENANT, a.snapshotId), JSON.stringify({ format: 'custos.snapshot', formatVersion: 1, tenantId: TENANT }));
    await s.store.put(snapshotKeys.manifest(TENANT, b.snapshotId), serializeSnapshotManifest(b).slice(0, 100));

    expect(await verify(a.snapshotId)).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_CORRUPT' });
    expect((await verify(a.snapshotId)).message).toMatch(/not a valid snapshot manifest: snapshotId/);
    expect(await verify(b.snapshotId)).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_INCOMPLETE' });

    const { entries } = await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock });
    expect(entries.map((e) => [e.snapshotId, e.state, e.problem?.code])).toEqual([
      [a.snapshotId, 'broken', 'SNAPSHOT_CORRUPT'],
      [b.snapshotId, 'broken', 'SNAPSHOT_INCOMPLETE'],
    ]);
  });

  it('catalog: incomplete uploads, broken snapshots, strays; cleanup and delete', async () => {
    createTestTenantDb(dbFile(), { rows: 5 });
    const complete = await snapshot();
    clock.advance(3_600_000);
    const gone = await snapshot();
    clock.advance(3_600_000);
    const orphan = await snapshot();
    await s.store.delete(snapshotKeys.data(TENANT, gone.snapshotId)); // manifest without data
    await s.store.delete(snapshotKeys.manifest(TENANT, orphan.snapshotId)); // data without manifest
    await s.store.put(`${snapshotKeys.prefix(TENANT)}notes.txt`, 'left by someone');
    await s.store.put(snapshotKeys.data('t_other', '20260131T020000Z-abcdef'), 'another tenant');

    clock.set(new Date(Date.now() + 2 * 3_600_000)); // listing ages are against the store's clock
    const listing = await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock });
    expect(listing.strays).toEqual([`${snapshotKeys.prefix(TENANT)}notes.txt`]);
    expect(listing.entries.map((e) => [e.snapshotId, e.state])).toEqual([
      [complete.snapshotId, 'complete'],
      [gone.snapshotId, 'broken'],
      [orphan.snapshotId, 'incomplete'],
    ]);
    const incomplete = listing.entries[2];
    expect(incomplete?.ageHours).toBeGreaterThan(1.9);
    expect(incomplete?.problem?.code).toBe('SNAPSHOT_INCOMPLETE');
    expect(listing.entries[1]?.problem?.message).toMatch(/data is missing/);

    // Too young to clean up, then old enough.
    expect(await cleanupIncomplete({ objectStore: s.store, tenantId: TENANT, clock, olderThanMs: 3 * 3_600_000 })).toEqual({ deleted: [] });
    expect(await cleanupIncomplete({ objectStore: s.store, tenantId: TENANT, clock, olderThanMs: 3_600_000 })).toEqual({ deleted: [orphan.snapshotId] });

    // Verifying a snapshot whose data is gone is a verdict, not a crash.
    expect(await verify(gone.snapshotId)).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_INCOMPLETE' });
    expect(await verify('20200101T000000Z-000000')).toMatchObject({ outcome: 'failed', code: 'SNAPSHOT_NOT_FOUND' });

    await deleteSnapshot({ objectStore: s.store, tenantId: TENANT, snapshotId: gone.snapshotId });
    await deleteSnapshot({ objectStore: s.store, tenantId: TENANT, snapshotId: complete.snapshotId });
    const after = await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock });
    expect(after.entries).toEqual([]);
    // Another tenant's objects are untouched.
    expect(await s.store.head(snapshotKeys.data('t_other', '20260131T020000Z-abcdef'))).not.toBeNull();
  });

  it('lists many snapshots across pages in time order', async () => {
    createTestTenantDb(dbFile(), { rows: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await snapshot()).snapshotId);
      clock.advance(86_400_000);
    }
    const { entries } = await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock, pageSize: 3 });
    expect(entries.map((e) => e.snapshotId)).toEqual(ids);
    expect(entries.every((e) => e.state === 'complete')).toBe(true);
  });

  it('cancelling mid-upload leaves no manifest, no data and no temp files', async () => {
    // Incompressible text so that the upload takes several progress reports.
    createTestTenantDb(dbFile(), { rows: 10, activities: 12_000, bodyChars: 1500 });
    const controller = new AbortController();
    const progress = recordProgress();
    const err = await snapshot(dbFile(), {
      signal: controller.signal,
      progress: (p) => {
        progress.sink(p);
        if (p.phase === 'compress+upload' && p.done > 0) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(progress.phases()).toContain('compress+upload');
    expect(progress.phases()).not.toContain('manifest');
    const { entries } = await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock });
    expect(entries.filter((e) => e.state === 'complete')).toEqual([]);
    expect(entries).toEqual([]); // the half-uploaded data object was deleted too
    expect(readdirSync(snapTmp())).toEqual([]);
  });

  it('cancelling during the copy uploads nothing', async () => {
    createTestTenantDb(dbFile(), { rows: 10, activities: 5000, bodyChars: 1000 });
    const controller = new AbortController();
    const err = await takeSnapshot({
      dbPath: dbFile(),
      tenantId: TENANT,
      objectStore: s.store,
      clock,
      tmpDir: snapTmp(),
      signal: controller.signal,
      pagesPerStep: 16,
      progress: (p) => {
        if (p.phase === 'copy' && p.done > 0) controller.abort();
      },
      appVersion: 'test',
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect((await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock })).entries).toEqual([]);
    expect(readdirSync(snapTmp())).toEqual([]);
  });

  it('a damaged live database is reported (SNAPSHOT_CORRUPT, source live-database) and nothing is uploaded', async () => {
    createTestTenantDb(dbFile(), { rows: 50 });
    const db = new Database(dbFile(), { readonly: true });
    const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'persons_company'").get() as { rootpage: number }).rootpage;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const raw = readFileSync(dbFile());
    for (let i = pageSize - 300; i < pageSize; i++) raw[(root - 1) * pageSize + i] = (raw[(root - 1) * pageSize + i] as number) ^ 0x5a;
    writeFileSync(dbFile(), raw);

    const err = await snapshot().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SNAPSHOT_CORRUPT', details: { source: 'live-database' } });
    expect((err as Error).message).toMatch(/live database of tenant t_backup_1 failed SQLite's integrity check/);
    expect((await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock })).entries).toEqual([]);
    expect(readdirSync(snapTmp())).toEqual([]);
  });

  it('cancelling a verification throws AbortError (no verdict is recorded) and leaves no temp files', async () => {
    createTestTenantDb(dbFile(), { rows: 10 });
    const m = await snapshot();
    const controller = new AbortController();
    const err = await verifySnapshot({
      objectStore: s.store,
      tenantId: TENANT,
      snapshotId: m.snapshotId,
      tmpDir: snapTmp(),
      signal: controller.signal,
      progress: (p) => {
        if (p.phase === 'download') controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(readdirSync(snapTmp())).toEqual([]);
  });

  it('a missing tenant database is TENANT_DATABASE_MISSING and uploads nothing', async () => {
    await expect(snapshot(dbFile('nope.db'))).rejects.toMatchObject({ code: 'TENANT_DATABASE_MISSING' });
    expect((await listSnapshots({ objectStore: s.store, tenantId: TENANT, clock })).entries).toEqual([]);
  });
});
