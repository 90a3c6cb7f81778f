import Database from 'better-sqlite3';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Clock } from '../shared/clock.port';
import { CustosError } from '../shared/errors';
import { throwIfAborted, type LongWork } from '../shared/progress';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { HashingCounter } from './hashing.stream';
import { assertTenantId, newSnapshotId, snapshotKeys } from './snapshot.keys';
import { SNAPSHOT_FORMAT_VERSION, SNAPSHOT_MANIFEST_FORMAT, serializeSnapshotManifest, type SnapshotManifest } from './snapshot.manifest';
import { countRows, integrityCheck, isCorruptionError, readSchemaVersion, sqliteCode } from './snapshot.sqlite';

/**
 * Takes a snapshot of one tenant's SQLite database while it is in use (issue 5).
 *
 * 1. copy — SQLite's online backup API (better-sqlite3 `db.backup`) into a temp file.
 *    The result is a consistent image: the backup restarts whenever another
 *    connection commits mid-copy. Copying in steps keeps the event loop (progress,
 *    cancellation) alive; if a busy tenant keeps restarting the copy, the next step
 *    copies everything at once, which a single read transaction makes consistent
 *    (writers in WAL mode are not blocked; in rollback-journal mode they wait for
 *    that one step, well within their busy timeout for databases of a few GB).
 * 2. check — the copy is switched to rollback-journal mode (one self-contained file),
 *    `PRAGMA integrity_check`ed, and its schema version and row counts read. A
 *    damaged live database is reported, not uploaded.
 * 3. compress+upload — one streaming pass: read → SHA-256 of the raw bytes → gzip
 *    level 6 → object store (the store hashes the compressed bytes as they go; the S3
 *    adapter uploads multipart with bounded memory). Level 6 is zlib's default and
 *    the knee of its curve on SQLite pages: level 9 costs about twice the CPU for
 *    1–3 % smaller files, level 1 is faster but 15–25 % larger — and the nightly
 *    run of a whole fleet is bound by CPU and upload bandwidth together.
 * 4. manifest — written LAST. Until it exists the data object is "incomplete", never a
 *    snapshot (catalog), and the cleanup removes it.
 *
 * Cancellation (signal) is honoured between copy steps, inside the streams and before
 * the manifest; a cancelled or failed snapshot deletes what it uploaded (manifest
 * first, then data). The temp folder is always removed.
 */
export interface TakeSnapshotOptions extends LongWork {
  dbPath: string;
  tenantId: string;
  objectStore: ObjectStore;
  clock: Clock;
  /** A folder on a disk with room for one uncompressed copy of the database. */
  tmpDir: string;
  appVersion: string;
  /** gzip level, 1–9 (default 6: see above). */
  compressionLevel?: number;
  /** Pages copied per backup step (default 1024 = 4 MiB at the default page size). */
  pagesPerStep?: number;
  /** Restarts tolerated before the copy is done in one step (default 2). */
  restartsBeforeOneStep?: number;
  /**
   * `dbPath` is already a private, consistent copy of the tenant (a PostgreSQL tenant
   * dumped to SQLite by the caller): it is checked and uploaded as it is, not copied
   * again, and the manifest says which engine the tenant was on and when that copy
   * was made (`takenAt` no later than the copy's snapshot began, `copiedAt` once it
   * ended), so that it holds everything committed before takenAt and nothing after
   * copiedAt. The caller owns and removes the file.
   */
  privateCopy?: { engine: SnapshotManifest['engine']; takenAt: Date; copiedAt: Date };
}

const DEFAULT_PAGES_PER_STEP = 1024;
const ALL_PAGES = 0x7fffffff;

interface CopyFacts {
  schemaVersion: number;
  rowCounts: Record<string, number>;
  sqliteVersion: string;
  restarts: number;
}

/** A private copy of a tenant made for one snapshot, removed afterwards (TenantDatabases.sqliteCopy of a PostgreSQL tenant). */
export interface SnapshotCopy {
  path: string;
  engine: SnapshotManifest['engine'];
  remove(): Promise<void>;
}

/**
 * A snapshot of a tenant that must be copied out first (a PostgreSQL tenant dumped to
 * SQLite): `takenAt` is read before the copy's transaction starts, so the snapshot holds
 * everything committed before it; the copy is removed whatever happens.
 */
export async function takeSnapshotOfCopy(makeCopy: () => Promise<SnapshotCopy>, options: Omit<TakeSnapshotOptions, 'dbPath' | 'privateCopy'>): Promise<SnapshotManifest> {
  const takenAt = options.clock.now();
  const copy = await makeCopy();
  try {
    return await takeSnapshot({ ...options, dbPath: copy.path, privateCopy: { engine: copy.engine, takenAt, copiedAt: options.clock.now() } });
  } finally {
    await copy.remove();
  }
}

export async function takeSnapshot(options: TakeSnapshotOptions): Promise<SnapshotManifest> {
  const { dbPath, objectStore, clock, signal, progress } = options;
  const tenantId = assertTenantId(options.tenantId);
  const level = options.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new CustosError('INVALID_INPUT', 'The compression level must be a whole number from 1 to 9.', 'This is a bug in the caller.');
  }
  throwIfAborted(signal);

  const started = options.privateCopy?.takenAt ?? clock.now();
  const snapshotId = newSnapshotId(started);
  const dataKey = snapshotKeys.data(tenantId, snapshotId);
  const manifestKey = snapshotKeys.manifest(tenantId, snapshotId);
  const startedMs = Date.now();

  const work = await mkdtemp(path.join(options.tmpDir, `custos-snapshot-${tenantId}-`));
  const copyPath = options.privateCopy ? dbPath : path.join(work, 'snapshot.db');
  let uploading = false;
  try {
    // 1. copy (a private copy made by the caller is already one instant of the tenant)
    const restarts = options.privateCopy ? 0 : await copyDatabase(dbPath, tenantId, copyPath, options);
    const copiedAt = options.privateCopy?.copiedAt ?? clock.now();

    // 2. check
    throwIfAborted(signal);
    progress({ phase: 'check', done: 0, total: 1 });
    const facts = { ...inspectCopy(copyPath, tenantId), restarts };
    progress({ phase: 'check', done: 1, total: 1 });

    // 3. compress + upload
    throwIfAborted(signal);
    const rawBytes = (await stat(copyPath)).size;
    const report = (bytes: number) => progress({ phase: 'compress+upload', done: bytes, total: rawBytes, bytesDone: bytes, bytesTotal: rawBytes });
    report(0);
    const raw = new HashingCounter({ onBytes: report });
    const gzip = createGzip({ level });
    const source = createReadStream(copyPath);
    const feeding = pipeline(source, raw, gzip, { signal });
    // The store's put consumes `gzip`; if it fails it must not leave the feeder hanging, and vice versa.
    uploading = true;
    const [put] = await Promise.all([
      objectStore
        .put(dataKey, gzip, {
          contentType: 'application/gzip',
          metadata: { 'custos-tenant': tenantId, 'custos-snapshot': snapshotId },
          signal,
        })
        .catch((e: unknown) => {
          source.destroy();
          gzip.destroy();
          throw e;
        }),
      feeding.catch((e: unknown) => {
        gzip.destroy(e instanceof Error ? e : new Error(String(e)));
        throw e;
      }),
    ]);
    if (raw.bytes !== rawBytes) {
      throw new Error(`snapshot copy changed while it was compressed (${raw.bytes} of ${rawBytes} bytes read)`);
    }

    // 4. manifest, last
    throwIfAborted(signal);
    progress({ phase: 'manifest', done: 0, total: 1 });
    const manifest: SnapshotManifest = {
      format: SNAPSHOT_MANIFEST_FORMAT,
      formatVersion: SNAPSHOT_FORMAT_VERSION,
      tenantId,
      snapshotId,
      takenAt: started.toISOString(),
      copiedAt: copiedAt.toISOString(),
      engine: options.privateCopy?.engine ?? 'sqlite',
      schemaVersion: facts.schemaVersion,
      rowCounts: facts.rowCounts,
      rawBytes,
      compressedBytes: put.size,
      rawSha256: raw.sha256(),
      compressedSha256: put.sha256,
      compression: 'gzip',
      compressionLevel: level,
      clientEncryption: 'none',
      dataKey,
      appVersion: options.appVersion,
      sqliteVersion: facts.sqliteVersion,
      durationMs: Date.now() - startedMs,
    };
    await objectStore.put(manifestKey, serializeSnapshotManifest(manifest), { contentType: 'application/json', signal });
    progress({ phase: 'manifest', done: 1, total: 1 });
    return manifest;
  } catch (e) {
    if (uploading) {
      // Manifest first: a half-deleted snapshot must look incomplete, never complete.
      await objectStore.delete(manifestKey).catch(() => {});
      await objectStore.delete(dataKey).catch(() => {});
    }
    // Whichever stream noticed the cancellation first, the caller sees one AbortError (→ JOB_CANCELLED).
    throwIfAborted(signal);
    throw e;
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
}

async function copyDatabase(dbPath: string, tenantId: string, copyPath: string, options: TakeSnapshotOptions): Promise<number> {
  const { signal, progress } = options;
  let src: Database.Database;
  try {
    src = new Database(dbPath, { readonly: true, fileMustExist: true });
  } catch (e) {
    if (sqliteCode(e) === 'SQLITE_CANTOPEN') {
      throw new CustosError(
        'TENANT_DATABASE_MISSING',
        `The database of tenant ${tenantId} is missing, so no snapshot was taken.`,
        'The catalogue points at a database file that does not exist. Check the tenants folder.',
        { tenantId },
      );
    }
    throw e;
  }
  try {
    src.pragma('busy_timeout = 5000');
    const pageSize = src.pragma('page_size', { simple: true }) as number;
    const perStep = Math.max(1, Math.floor(options.pagesPerStep ?? DEFAULT_PAGES_PER_STEP));
    const restartsBeforeOneStep = options.restartsBeforeOneStep ?? 2;
    let restarts = 0;
    let lastRemaining = Infinity;
    progress({ phase: 'copy', done: 0, total: null, bytesDone: 0, bytesTotal: null });
    await src.backup(copyPath, {
      progress: ({ totalPages, remainingPages }) => {
        // Throwing from here aborts the backup (better-sqlite3 closes it and rejects).
        throwIfAborted(signal);
        if (remainingPages > lastRemaining) restarts++;
        lastRemaining = remainingPages;
        const done = totalPages - remainingPages;
        progress({ phase: 'copy', done, total: totalPages, bytesDone: done * pageSize, bytesTotal: totalPages * pageSize });
        return restarts >= restartsBeforeOneStep ? ALL_PAGES : perStep;
      },
    });
    return restarts;
  } catch (e) {
    if (isCorruptionError(e)) throw liveDatabaseDamaged(tenantId, [String((e as Error).message)]);
    throw e;
  } finally {
    src.close();
  }
}

function inspectCopy(copyPath: string, tenantId: string): Omit<CopyFacts, 'restarts'> {
  const db = new Database(copyPath, { fileMustExist: true });
  try {
    // One self-contained file: no -wal to carry, and what is hashed is what restores.
    db.pragma('journal_mode = DELETE');
    const report = integrityCheck(db);
    if (report.length !== 1 || report[0] !== 'ok') throw liveDatabaseDamaged(tenantId, report);
    const schemaVersion = readSchemaVersion(db);
    if (schemaVersion === null) {
      throw new CustosError(
        'TENANT_SCHEMA_UNEXPECTED',
        `The database of tenant ${tenantId} has no schema version, so it is not a Custos tenant database; no snapshot was taken.`,
        'Check that the catalogue points at the right file.',
        { tenantId },
      );
    }
    const sqliteVersion = String((db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v);
    return { schemaVersion, rowCounts: countRows(db), sqliteVersion };
  } catch (e) {
    if (isCorruptionError(e)) throw liveDatabaseDamaged(tenantId, [String((e as Error).message)]);
    throw e;
  } finally {
    db.close();
  }
}

function liveDatabaseDamaged(tenantId: string, report: string[]): CustosError {
  return new CustosError(
    'SNAPSHOT_CORRUPT',
    `The live database of tenant ${tenantId} failed SQLite's integrity check while it was backed up: ${report.slice(0, 3).join('; ')}. No snapshot was uploaded.`,
    'The tenant database itself is damaged. Keep the existing snapshots (do not prune), and restore the tenant from its newest verified snapshot.',
    { tenantId, source: 'live-database', integrityCheck: report.slice(0, 10) },
  );
}
