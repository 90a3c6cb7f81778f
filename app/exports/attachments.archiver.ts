import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isCustosError } from '../shared/errors';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import type { Cell } from './export.cells';
import { archivePath, NameAllocator, safeFileName } from './safe-name';
import type { SpoolSource, TarGzVolumes } from './tar-gz.volumes';

/**
 * The attachments stage: each row of the files list is read from object storage,
 * checked against the size and SHA-256 the files table records, and only then archived
 * (EXPORT.md: "a mismatch is a status=mismatch row, not a padded file").
 *
 * Status per file (the files list's `status` column):
 *   ok        archived at `archive_path` inside the volume `archive`;
 *   missing   no object under its key (deleted, never uploaded), or a key the store
 *             refuses as malformed;
 *   mismatch  the object's bytes are longer, shorter or different from the record;
 *   refused   the key points outside this tenant's area of the store: never read, so
 *             a damaged row cannot pull another customer's file into this package.
 * None but ok is archived; the export goes on and ends "completed with warnings".
 *
 * Objects are spooled first — in memory up to `memorySpoolBytes`, else to a temp file
 * in the package's work folder — while a few of the next ones download (a window of
 * `prefetch`), because object stores answer slowly but in parallel.
 */
export type AttachmentStatus = 'ok' | 'missing' | 'mismatch' | 'refused';

export interface AttachmentRow {
  id: Cell;
  name: Cell;
  size: Cell;
  sha256: Cell;
  objectKey: Cell;
  mtime: Date;
}

export interface AttachmentOutcome {
  status: AttachmentStatus;
  archive: string | null;
  archivePath: string | null;
  /** Why it is not ok (for the report; no file contents, no customer data beyond the file's own record). */
  reason?: string;
  /** Bytes archived (ok) or read (others). */
  bytes: number;
  oversize?: boolean;
}

export interface ArchiverOptions {
  store: ObjectStore;
  /** Keys must start with this (the tenant's own area). */
  keyPrefix: string;
  volumes: TarGzVolumes;
  workDir: string;
  signal?: AbortSignal;
  memorySpoolBytes?: number;
  prefetch?: number;
  /** Called with bytes as they are read from storage (progress). */
  onBytes?: (n: number) => void;
}

type Spooled =
  | { kind: 'ok'; source: SpoolSource; size: number }
  | { kind: 'missing'; reason: string }
  | { kind: 'mismatch'; reason: string; bytes: number }
  | { kind: 'refused'; reason: string };

const SHA256_HEX = /^[0-9a-f]{64}$/;
const RETRIES = 2;

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Error).name === 'AbortError';
}

export class AttachmentArchiver {
  private spoolSeq = 0;
  private readonly memorySpoolBytes: number;
  private readonly prefetch: number;

  constructor(private readonly options: ArchiverOptions) {
    this.memorySpoolBytes = options.memorySpoolBytes ?? 8 * 1024 * 1024;
    this.prefetch = Math.max(1, options.prefetch ?? 4);
  }

  /** Total bytes the files table records for rows (for the free-space estimate and progress). */
  static recordedBytes(size: Cell): number {
    return typeof size === 'number' && size > 0 ? size : 0;
  }

  private async spoolOnce(key: string, expectedSize: number, expectedSha: string): Promise<Spooled> {
    const { store, signal } = this.options;
    let stream: Readable;
    try {
      stream = await store.get(key, signal ? { signal } : {});
    } catch (e) {
      if (isCustosError(e) && e.code === 'OBJECT_NOT_FOUND') return { kind: 'missing', reason: 'no object in storage under its key' };
      if (isCustosError(e) && e.code === 'OBJECT_KEY_INVALID') return { kind: 'missing', reason: 'its storage key is malformed' };
      throw e;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    const inMemory = expectedSize <= this.memorySpoolBytes;
    const chunks: Buffer[] = [];
    const tmp = inMemory ? null : path.join(this.options.workDir, `spool-${++this.spoolSeq}`);
    const fh = tmp ? await open(tmp, 'wx', 0o600) : null;
    let longer = false;
    try {
      for await (const chunk of stream) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        bytes += buf.length;
        this.options.onBytes?.(buf.length);
        if (bytes > expectedSize) {
          longer = true;
          break; // no need to read the rest: it is not the recorded file
        }
        hash.update(buf);
        if (fh) {
          let off = 0;
          while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
        } else chunks.push(buf);
      }
    } catch (e) {
      await fh?.close().catch(() => {});
      if (tmp) await rm(tmp, { force: true }).catch(() => {});
      throw e;
    } finally {
      stream.destroy();
    }
    await fh?.close();
    const fail = async (reason: string): Promise<Spooled> => {
      if (tmp) await rm(tmp, { force: true }).catch(() => {});
      return { kind: 'mismatch', reason, bytes };
    };
    if (longer) return fail(`storage holds more than the recorded ${expectedSize} bytes`);
    if (bytes !== expectedSize) return fail(`storage holds ${bytes} bytes, the record says ${expectedSize}`);
    if (hash.digest('hex') !== expectedSha) return fail('the SHA-256 of the stored bytes differs from the record');
    return { kind: 'ok', size: bytes, source: tmp ? { kind: 'file', path: tmp } : { kind: 'buffer', data: Buffer.concat(chunks, bytes) } };
  }

  private async spool(row: AttachmentRow): Promise<Spooled> {
    const key = row.objectKey;
    if (typeof key !== 'string' || key === '') return { kind: 'missing', reason: 'no storage key recorded' };
    if (!key.startsWith(this.options.keyPrefix) || key.split('/').some((s) => s === '..' || s === '.')) {
      return { kind: 'refused', reason: "its storage key lies outside this tenant's area" };
    }
    const size = row.size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return { kind: 'mismatch', reason: 'the recorded size is not a byte count', bytes: 0 };
    const sha = typeof row.sha256 === 'string' ? row.sha256.toLowerCase() : '';
    if (!SHA256_HEX.test(sha)) return { kind: 'mismatch', reason: 'the recorded SHA-256 is not a SHA-256', bytes: 0 };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.spoolOnce(key, size, sha);
      } catch (e) {
        // A store that stops answering is not a missing file: retry, then fail the export.
        if (isAbort(e) || this.options.signal?.aborted || attempt >= RETRIES) throw e;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
  }

  /** Archives one batch of rows in order; returns one outcome per row. */
  async process(rows: readonly AttachmentRow[]): Promise<AttachmentOutcome[]> {
    const out: AttachmentOutcome[] = [];
    const pending: Promise<Spooled>[] = [];
    let next = 0;
    const startMore = (): void => {
      while (next < rows.length && pending.length - out.length < this.prefetch) {
        const p = this.spool(rows[next] as AttachmentRow);
        p.catch(() => {}); // awaited below, in order; an early failure must not go unhandled meanwhile
        pending.push(p);
        next++;
      }
    };
    try {
      for (let i = 0; i < rows.length; i++) {
        startMore();
        const row = rows[i] as AttachmentRow;
        const s = await (pending[i] as Promise<Spooled>);
        if (s.kind !== 'ok') {
          out.push({ status: s.kind, archive: null, archivePath: null, reason: s.reason, bytes: s.kind === 'mismatch' ? s.bytes : 0 });
          continue;
        }
        // One file per folder today; the allocator keeps names unique should a folder ever hold more.
        const name = new NameAllocator().allocate(safeFileName(row.name));
        const entryPath = archivePath(row.id === null ? 'unknown' : (row.id as number | string), name);
        try {
          const added = await this.options.volumes.add({ path: entryPath, size: s.size, mtime: row.mtime, source: s.source }, this.options.signal);
          out.push({ status: 'ok', archive: added.volume, archivePath: entryPath, bytes: s.size, ...(added.oversize ? { oversize: true } : {}) });
        } finally {
          if (s.source.kind === 'file') await rm(s.source.path, { force: true }).catch(() => {});
        }
      }
    } finally {
      // On failure or cancel: let started downloads settle and remove their temp files.
      for (let i = out.length; i < pending.length; i++) {
        const s = await (pending[i] as Promise<Spooled>).catch(() => null);
        if (s?.kind === 'ok' && s.source.kind === 'file') await rm(s.source.path, { force: true }).catch(() => {});
      }
    }
    return out;
  }
}
