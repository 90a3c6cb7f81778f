import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { systemClock, type Clock } from '../shared/clock.port';
import { CustosError, type ErrorCode } from '../shared/errors';
import { fsyncDir } from '../shared/fs-atomic';
import { throwIfAborted, type LongWork } from '../shared/progress';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { HashingCounter } from './hashing.stream';
import { assertSnapshotId, assertTenantId, snapshotKeys } from './snapshot.keys';
import { RESTORABLE_SCHEMA_VERSIONS, readSnapshotManifest, type SnapshotManifest } from './snapshot.manifest';
import { countRows, integrityCheck, isCorruptionError, readSchemaVersion } from './snapshot.sqlite';

/**
 * Verification by test-restore (issue 5, BACKUPS.md: "verify by actually restoring
 * into a sandbox"): download, check size and SHA-256 of the stored bytes against the
 * manifest, decompress, check the raw SHA-256, open with SQLite, PRAGMA
 * integrity_check, schema version restorable, row counts equal to the manifest.
 *
 * A verdict on the snapshot is a result, never a thrown error: `outcome: 'failed'`
 * with the code that names what is wrong (SNAPSHOT_CHECKSUM_MISMATCH,
 * SNAPSHOT_CORRUPT, SNAPSHOT_SCHEMA_UNSUPPORTED, SNAPSHOT_INCOMPLETE,
 * SNAPSHOT_NOT_FOUND). Trouble that says nothing about the snapshot — the store is
 * unreachable, the job was cancelled, the local disk is full — is thrown, so that a
 * network blip never quarantines a good snapshot.
 */
export interface VerifySnapshotOptions extends LongWork {
  objectStore: ObjectStore;
  tenantId: string;
  snapshotId: string;
  /** Sandbox for the downloaded and decompressed copy; emptied afterwards. */
  tmpDir: string;
  clock?: Clock;
}

export interface VerificationResult {
  tenantId: string;
  snapshotId: string;
  outcome: 'ok' | 'failed';
  /** null when ok. */
  code: ErrorCode | null;
  message: string;
  hint: string | null;
  details: Record<string, unknown>;
  checkedAt: string;
  durationMs: number;
}

/** The codes that are verdicts about a snapshot (stored as a failed verification). */
export const VERDICT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SNAPSHOT_CHECKSUM_MISMATCH',
  'SNAPSHOT_CORRUPT',
  'SNAPSHOT_INCOMPLETE',
  'SNAPSHOT_SCHEMA_UNSUPPORTED',
  'SNAPSHOT_NOT_FOUND',
]);

export async function verifySnapshot(options: VerifySnapshotOptions): Promise<VerificationResult> {
  const tenantId = assertTenantId(options.tenantId);
  const snapshotId = assertSnapshotId(options.snapshotId);
  const clock = options.clock ?? systemClock;
  const started = Date.now();
  const work = await mkdtemp(path.join(options.tmpDir, `custos-verify-${tenantId}-`));
  const base = { tenantId, snapshotId };
  try {
    const { details } = await fetchAndCheck(options, path.join(work, 'snapshot.db'), work);
    return {
      ...base,
      outcome: 'ok',
      code: null,
      message: `Snapshot ${snapshotId} was restored in a sandbox and passed every check: checksums, SQLite integrity, schema version ${String(details.schemaVersion)}, row counts of ${String(details.tables)} tables.`,
      hint: null,
      details,
      checkedAt: clock.now().toISOString(),
      durationMs: Date.now() - started,
    };
  } catch (e) {
    throwIfAborted(options.signal);
    if (!(e instanceof CustosError) || !VERDICT_CODES.has(e.code)) throw e;
    return {
      ...base,
      outcome: 'failed',
      code: e.code,
      message: e.message,
      hint: e.hint ?? null,
      details: e.details ?? {},
      checkedAt: clock.now().toISOString(),
      durationMs: Date.now() - started,
    };
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
}

/**
 * Downloads a snapshot, verifies it exactly as {@link verifySnapshot} does, and puts the
 * database at `targetPath` only once every check passed (temp name in the same folder,
 * fsync, rename: CONVENTIONS.md §8). Verdicts are thrown as CustosErrors with their
 * code. Refuses to overwrite an existing file (issue 6 restores into a sandbox path).
 */
export async function restoreSnapshotToFile(
  options: VerifySnapshotOptions & { targetPath: string },
): Promise<{ manifest: SnapshotManifest; verification: VerificationResult }> {
  const tenantId = assertTenantId(options.tenantId);
  const snapshotId = assertSnapshotId(options.snapshotId);
  const clock = options.clock ?? systemClock;
  const target = path.resolve(options.targetPath);
  if (existsSync(target)) {
    throw new CustosError('RESTORE_REFUSED', 'A file already exists where the snapshot was to be restored; nothing was overwritten.', 'Restore into a new, empty path.', {
      tenantId,
      snapshotId,
    });
  }
  const started = Date.now();
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.restoring`);
  const work = await mkdtemp(path.join(options.tmpDir, `custos-restore-${tenantId}-`));
  try {
    const { manifest, details } = await fetchAndCheck(options, temp, work);
    const fh = await open(temp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    throwIfAborted(options.signal);
    if (existsSync(target)) {
      throw new CustosError('RESTORE_REFUSED', 'A file appeared where the snapshot was being restored; nothing was overwritten.', 'Restore into a new, empty path.', {
        tenantId,
        snapshotId,
      });
    }
    await rename(temp, target);
    fsyncDir(dir);
    return {
      manifest,
      verification: {
        tenantId,
        snapshotId,
        outcome: 'ok',
        code: null,
        message: `Snapshot ${snapshotId} was restored and passed every check.`,
        hint: null,
        details,
        checkedAt: clock.now().toISOString(),
        durationMs: Date.now() - started,
      },
    };
  } finally {
    await rm(temp, { force: true }).catch(() => {});
    await rm(`${temp}-journal`, { force: true }).catch(() => {});
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
}

class TooLarge extends Error {}

function isZlibError(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  return code.startsWith('Z_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED';
}

/** The checks, in order; throws a CustosError with a verdict code at the first failure. */
async function fetchAndCheck(
  options: VerifySnapshotOptions,
  rawPath: string,
  work: string,
): Promise<{ manifest: SnapshotManifest; details: Record<string, unknown> }> {
  const { objectStore, tenantId, snapshotId, signal, progress } = options;
  const where = `snapshot ${snapshotId} of tenant ${tenantId}`;
  const ids = { tenantId, snapshotId };

  // Manifest (parsed at the boundary), and a schema version we can restore before spending the download.
  progress({ phase: 'manifest', done: 0, total: 1 });
  const manifest = await readSnapshotManifest(objectStore, tenantId, snapshotId, signal);
  progress({ phase: 'manifest', done: 1, total: 1 });
  assertRestorableVersion(manifest.schemaVersion, where, ids);

  // Download, hashing the stored (compressed) bytes.
  throwIfAborted(signal);
  const gzPath = path.join(work, 'snapshot.db.gz');
  const expectedGz = manifest.compressedBytes;
  const reportDownload = (bytes: number) =>
    progress({ phase: 'download', done: bytes, total: expectedGz, bytesDone: bytes, bytesTotal: expectedGz });
  reportDownload(0);
  const stored = new HashingCounter({ onBytes: reportDownload, limit: { bytes: expectedGz, error: () => new TooLarge() } });
  let body;
  try {
    body = await objectStore.get(snapshotKeys.data(tenantId, snapshotId), { signal });
  } catch (e) {
    if (e instanceof CustosError && e.code === 'OBJECT_NOT_FOUND') {
      throw new CustosError(
        'SNAPSHOT_INCOMPLETE',
        `The data of ${where} is missing from the object store; only its manifest is there.`,
        'It cannot be restored. Find out what deleted backup data (bucket lifecycle rules, another tool), and restore from another snapshot.',
        ids,
      );
    }
    throw e;
  }
  try {
    await pipeline(body, stored, createWriteStream(gzPath), { signal });
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    throw checksumMismatch(where, ids, 'compressed', { expectedBytes: expectedGz, actualBytes: `more than ${expectedGz}` });
  }
  if (stored.bytes !== expectedGz) {
    throw checksumMismatch(where, ids, 'compressed', { expectedBytes: expectedGz, actualBytes: stored.bytes });
  }
  if (stored.sha256() !== manifest.compressedSha256) {
    throw checksumMismatch(where, ids, 'compressed', { expected: manifest.compressedSha256, actual: stored.sha256(), bytes: stored.bytes });
  }

  // Decompress, hashing the raw bytes; never more than the manifest announced.
  throwIfAborted(signal);
  const expectedRaw = manifest.rawBytes;
  const reportRaw = (bytes: number) => progress({ phase: 'decompress', done: bytes, total: expectedRaw, bytesDone: bytes, bytesTotal: expectedRaw });
  reportRaw(0);
  const raw = new HashingCounter({ onBytes: reportRaw, limit: { bytes: expectedRaw, error: () => new TooLarge() } });
  try {
    await pipeline(createReadStream(gzPath), createGunzip(), raw, createWriteStream(rawPath), { signal });
  } catch (e) {
    if (e instanceof TooLarge) {
      throw new CustosError('SNAPSHOT_CORRUPT', `The data of ${where} decompresses to more than the ${expectedRaw} bytes its manifest announces.`, 'Do not restore from this snapshot; use another one.', ids);
    }
    if (isZlibError(e)) {
      throw new CustosError(
        'SNAPSHOT_CORRUPT',
        `The data of ${where} cannot be decompressed (${(e as Error).message}), although it matches its manifest's checksum: it was damaged before it was uploaded, or the manifest was rewritten to match damaged data.`,
        'Do not restore from this snapshot; use another one, and check the machine that took it.',
        { ...ids, zlib: (e as Error).message },
      );
    }
    throw e;
  } finally {
    await rm(gzPath, { force: true }).catch(() => {});
  }
  if (raw.bytes !== expectedRaw) {
    throw checksumMismatch(where, ids, 'raw', { expectedBytes: expectedRaw, actualBytes: raw.bytes });
  }
  if (raw.sha256() !== manifest.rawSha256) {
    throw checksumMismatch(where, ids, 'raw', { expected: manifest.rawSha256, actual: raw.sha256(), bytes: raw.bytes });
  }

  // Open it with SQLite, in the sandbox, read-only.
  throwIfAborted(signal);
  progress({ phase: 'check', done: 0, total: 3, item: 'integrity' });
  let db: Database.Database;
  try {
    db = new Database(rawPath, { readonly: true, fileMustExist: true });
  } catch (e) {
    if (isCorruptionError(e)) throw corrupt(where, ids, [(e as Error).message]);
    throw e;
  }
  try {
    let report: string[];
    try {
      report = integrityCheck(db);
    } catch (e) {
      if (isCorruptionError(e)) throw corrupt(where, ids, [(e as Error).message]);
      throw e;
    }
    if (report.length !== 1 || report[0] !== 'ok') throw corrupt(where, ids, report);

    throwIfAborted(signal);
    progress({ phase: 'check', done: 1, total: 3, item: 'schema' });
    const version = readSchemaVersion(db);
    if (version !== manifest.schemaVersion) {
      throw new CustosError(
        'SNAPSHOT_CORRUPT',
        `The database in ${where} has schema version ${version ?? 'none'}, but its manifest says ${manifest.schemaVersion}.`,
        'Do not restore from this snapshot; use another one.',
        { ...ids, manifestSchemaVersion: manifest.schemaVersion, databaseSchemaVersion: version },
      );
    }
    assertRestorableVersion(version, where, ids);

    throwIfAborted(signal);
    progress({ phase: 'check', done: 2, total: 3, item: 'row counts' });
    let actual: Record<string, number>;
    try {
      actual = countRows(db);
    } catch (e) {
      if (isCorruptionError(e)) throw corrupt(where, ids, [(e as Error).message]);
      throw e;
    }
    const tables = [...new Set([...Object.keys(manifest.rowCounts), ...Object.keys(actual)])].sort();
    const differences = tables
      .filter((t) => manifest.rowCounts[t] !== actual[t])
      .map((t) => ({ table: t, manifest: manifest.rowCounts[t] ?? null, database: actual[t] ?? null }));
    if (differences.length > 0) {
      throw new CustosError(
        'SNAPSHOT_CORRUPT',
        `The row counts in ${where} differ from its manifest in ${differences.length} table${differences.length > 1 ? 's' : ''} (${differences
          .slice(0, 3)
          .map((d) => `${d.table}: ${d.database ?? 'missing'} instead of ${d.manifest ?? 'none'}`)
          .join(', ')}).`,
        'Do not restore from this snapshot; use another one.',
        { ...ids, differences: differences.slice(0, 50) },
      );
    }
    progress({ phase: 'check', done: 3, total: 3 });
    return {
      manifest,
      details: {
        takenAt: manifest.takenAt,
        schemaVersion: version,
        tables: tables.length,
        rows: Object.values(actual).reduce((a, b) => a + b, 0),
        rawBytes: raw.bytes,
        compressedBytes: stored.bytes,
        integrityCheck: 'ok',
      },
    };
  } finally {
    db.close();
  }
}

function assertRestorableVersion(version: number | null, where: string, ids: { tenantId: string; snapshotId: string }): void {
  const { min, max } = RESTORABLE_SCHEMA_VERSIONS;
  if (version !== null && version >= min && version <= max) return;
  throw new CustosError(
    'SNAPSHOT_SCHEMA_UNSUPPORTED',
    `The database in ${where} has tenant schema version ${version ?? 'none'}; this console restores versions ${min}${max > min ? `–${max}` : ''}.`,
    version !== null && version > max
      ? 'It was taken by a newer CRM. Update Custos to a version that knows this schema, then verify again.'
      : 'This console cannot restore it. Use another snapshot, or ask the engineering team for a migration.',
    { ...ids, schemaVersion: version, restorable: { min, max } },
  );
}

function checksumMismatch(
  where: string,
  ids: { tenantId: string; snapshotId: string },
  which: 'compressed' | 'raw',
  facts: Record<string, unknown>,
): CustosError {
  const what = which === 'compressed' ? 'stored (compressed) file' : 'decompressed database';
  const sizeOnly = 'expectedBytes' in facts;
  return new CustosError(
    'SNAPSHOT_CHECKSUM_MISMATCH',
    sizeOnly
      ? `The ${what} of ${where} is ${String(facts.actualBytes)} bytes, but its manifest says ${String(facts.expectedBytes)}: the stored object is damaged or was altered after it was written.`
      : `The SHA-256 of the ${what} of ${where} does not match its manifest (${String(facts.actual).slice(0, 12)}… instead of ${String(facts.expected).slice(0, 12)}…): the stored object is damaged or was altered after it was written.`,
    'Do not restore from this snapshot; use another one. Check the bucket for other damaged snapshots and for who can write to it.',
    { ...ids, hash: which, ...facts },
  );
}

function corrupt(where: string, ids: { tenantId: string; snapshotId: string }, report: string[]): CustosError {
  return new CustosError(
    'SNAPSHOT_CORRUPT',
    `The database in ${where} fails SQLite's integrity check: ${report.slice(0, 3).join('; ')}${report.length > 3 ? '; …' : ''}.`,
    'Its checksums match its manifest, so it was already damaged when it was taken (or both were rewritten). Do not restore from it; use another snapshot and check the live database.',
    { ...ids, integrityCheck: report.slice(0, 10) },
  );
}
