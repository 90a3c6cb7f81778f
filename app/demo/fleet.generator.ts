import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantRecord } from '../control-plane/tenant-record';
import { CustosError } from '../shared/errors';
import { noProgress, throwIfAborted, yieldToLoop, type ProgressSink } from '../shared/progress';
import { objectKeys, type ObjectStore } from '../storage/object-store/object-store.port';
import { createTenantDatabaseFile, tenantDatabasePath } from '../storage/sqlite/sqlite.tenant-database';
import { attachmentBody } from './attachment-content';
import { tenantProfile } from './tenant-profile';
import { writeTenantRows, type DemoSize, type FileSpec } from './tenant-rows.generator';

/**
 * The deterministic demo fleet (CONVENTIONS.md §11): the same (seed, index, size,
 * asOf) gives a byte-identical SQLite file and identical attachment objects, so
 * tests, benchmarks and screenshots are reproducible.
 */

export interface GenerateTenantOptions {
  tenantsDir: string;
  objectStore: ObjectStore;
  /** 0-based position in the fleet; tenant index 0 is `t-000001`. */
  index: number;
  size: DemoSize;
  seed: number;
  /** The instant the demo history ends; nothing is dated after it. */
  asOf: Date;
  signal?: AbortSignal;
  progress?: ProgressSink;
}

export interface GenerateFleetOptions extends Omit<GenerateTenantOptions, 'index'> {
  /** How many tenants. */
  tenants: number;
}

/**
 * Attachments written at once per tenant: enough to overlap the object store's
 * fsyncs, few enough to bound memory (~2 MB each, 24 MB at most). Times the tenants
 * in flight, it stays under 10 puts sharing one AbortSignal, where Node starts to
 * warn about listener leaks.
 */
const PUT_CONCURRENCY = 4;

function checkInputs(o: { seed: number; size: string; asOf: Date }): void {
  if (!Number.isSafeInteger(o.seed)) throw new CustosError('INVALID_INPUT', 'The demo seed must be a whole number.', 'For example seed 1.');
  if (o.size !== 'small' && o.size !== 'medium' && o.size !== 'large') {
    throw new CustosError('INVALID_INPUT', 'The demo size must be small, medium or large.', 'For example size small.');
  }
  if (!(o.asOf instanceof Date) || Number.isNaN(o.asOf.getTime())) {
    throw new CustosError('INVALID_INPUT', 'The demo end date is not a valid date.', 'Give the day the demo history should end on, e.g. 2026-01-31.');
  }
}

/** Generates one tenant's database and attachments and returns its catalogue record. */
export async function generateTenant(o: GenerateTenantOptions): Promise<TenantRecord> {
  checkInputs(o);
  if (!Number.isSafeInteger(o.index) || o.index < 0) throw new CustosError('INVALID_INPUT', 'The demo tenant index must be a whole number from 0.', 'For example index 0.');
  const signal = o.signal ?? new AbortController().signal;
  const progress = o.progress ?? noProgress;
  throwIfAborted(signal);

  const { record, createdAtMs } = tenantProfile(o.seed, o.index, o.asOf);
  mkdirSync(o.tenantsDir, { recursive: true });
  const finalPath = tenantDatabasePath(o.tenantsDir, record);
  // Crash-safe (CONVENTIONS.md §8): built under a temporary name, renamed when complete.
  const tmpPath = `${finalPath}.partial`;
  rmSync(tmpPath, { force: true });
  rmSync(`${tmpPath}-journal`, { force: true });

  const db = createTenantDatabaseFile(tmpPath);
  let open = true;
  try {
    // Connection settings only (not stored in the file): a demo database being built need not survive a power cut.
    db.pragma('synchronous = OFF');
    progress({ phase: 'tenant rows', done: 0, total: null, item: record.id });
    const rows = writeTenantRows(db, {
      seed: o.seed,
      index: o.index,
      size: o.size,
      tenantId: record.id,
      tenantName: record.name,
      region: record.region,
      tenantCreatedMs: createdAtMs,
      asOfMs: o.asOf.getTime(),
    });

    const hashes = await writeAttachments(o, record.id, rows.files, signal, progress);

    const insert = db.prepare(
      'INSERT INTO files (id, owner_type, owner_id, name, mime, size, sha256, object_key, uploaded_by_colleague_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const f of rows.files) {
        insert.run(f.id, f.ownerType, f.ownerId, f.name, f.mime, f.size, hashes[f.id - 1], objectKeys.attachment(record.id, f.id), f.uploadedBy, f.createdAt, f.updatedAt);
      }
    })();

    if (rows.deletedCompanyId !== null) {
      // The integrity trap: a company deleted while persons still point at it (EXPORT.md "dangling reference").
      db.pragma('foreign_keys = OFF');
      db.prepare('DELETE FROM companies WHERE id = ?').run(rows.deletedCompanyId);
    }

    const totals = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM files').get() as { n: number; bytes: number };
    db.close();
    open = false;
    const fd = openSync(tmpPath, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmpPath, finalPath);

    record.dbSizeBytes = statSync(finalPath).size;
    record.attachmentCount = totals.n;
    record.attachmentBytes = totals.bytes;
    return record;
  } catch (e) {
    if (open) db.close();
    rmSync(tmpPath, { force: true });
    rmSync(`${tmpPath}-journal`, { force: true });
    throw e;
  }
}

/** Writes every planned attachment (except the deliberately missing one); returns each file's recorded SHA-256 by id. */
async function writeAttachments(o: GenerateTenantOptions, tenantId: string, files: readonly FileSpec[], signal: AbortSignal, progress: ProgressSink): Promise<string[]> {
  const hashes: string[] = new Array(files.length);
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let next = 0;
  let done = 0;
  let bytesDone = 0;
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < files.length) {
      const f = files[next++] as FileSpec;
      try {
        throwIfAborted(signal);
        const body = attachmentBody(o.seed, o.index, f.id, f.ext, f.size);
        hashes[f.id - 1] = createHash('sha256').update(body).digest('hex');
        if (f.trap !== 'missing') {
          let stored = body;
          if (f.trap === 'mismatch') {
            // Same size, one byte flipped: only the checksum can tell (EXPORT.md "wrong SHA-256").
            stored = Buffer.from(body);
            const mid = Math.floor(stored.length / 2);
            stored[mid] = (stored[mid] as number) ^ 0xff;
          }
          await o.objectStore.put(objectKeys.attachment(tenantId, f.id), stored, { contentType: f.mime, signal });
        }
        done++;
        bytesDone += f.size;
        progress({ phase: 'attachments', done, total: files.length, bytesDone, bytesTotal, item: tenantId });
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, files.length) }, worker));
  if (failure !== null) throw failure;
  return hashes;
}

/**
 * Tenants built at once. Two: while one tenant's attachments wait on the object
 * store's fsyncs, the next tenant's rows are written (measured: ~30% faster on
 * 2 cores). Each tenant is independent, so the order of work does not change a byte.
 */
const TENANT_CONCURRENCY = 2;

/**
 * Generates `tenants` tenants (index 0 … tenants-1) and returns their catalogue
 * records, in index order.
 */
export async function generateFleet(o: GenerateFleetOptions): Promise<TenantRecord[]> {
  checkInputs(o);
  if (!Number.isSafeInteger(o.tenants) || o.tenants < 0) throw new CustosError('INVALID_INPUT', 'The number of demo tenants must be a whole number.', 'For example 60.');
  const signal = o.signal ?? new AbortController().signal;
  const progress = o.progress ?? noProgress;
  const records: TenantRecord[] = new Array(o.tenants);
  // Attachment bytes written so far, per tenant in flight and in total for finished ones.
  const inFlight = new Map<number, number>();
  let bytesFinished = 0;
  let finished = 0;
  const report = (item: string): void => {
    let bytes = bytesFinished;
    for (const b of inFlight.values()) bytes += b;
    progress({ phase: 'demo fleet', done: finished, total: o.tenants, bytesDone: bytes, item });
  };

  let next = 0;
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < o.tenants) {
      const index = next++;
      try {
        throwIfAborted(signal);
        inFlight.set(index, 0);
        const record = await generateTenant({
          tenantsDir: o.tenantsDir,
          objectStore: o.objectStore,
          index,
          size: o.size,
          seed: o.seed,
          asOf: o.asOf,
          signal,
          progress: (p) => {
            if (p.phase !== 'attachments') return;
            inFlight.set(index, p.bytesDone ?? 0);
            report(p.item ?? '');
          },
        });
        records[index] = record;
        inFlight.delete(index);
        bytesFinished += record.attachmentBytes;
        finished++;
        report(record.id);
        await yieldToLoop();
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(TENANT_CONCURRENCY, o.tenants) }, worker));
  if (failure !== null) throw failure;
  return records;
}
