import { createReadStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { Header, Pax } from 'tar';
import { HashingFile, type WrittenFile } from './hashing-file';

/**
 * Attachment archives: `attachments/attachments-NNN.tar.gz`, each a complete tar in a
 * complete gzip stream (self-contained: any volume extracts alone), no file split
 * across two volumes, each volume at most `limitBytes` unless a single file is
 * larger than the limit (it then gets a volume of its own, and the report says so).
 *
 * Written by hand with node-tar's Header and Pax encoders rather than node-tar's Pack
 * (EXPORT.md "Traps"): Pack deadlocks with more than `jobs` pending entries and pads a
 * short stream with NULs into a valid-looking archive. Here entries are added one at a
 * time, and only from bytes already spooled and checked (length and SHA-256), so the
 * declared size is the size written — enforced again while copying.
 *
 * The compressed size of a volume is known only after compressing. The limit holds
 * because an entry is admitted only if the bytes out so far plus zlib's worst case for
 * everything not yet flushed plus the entry plus the tar end still fit; when that
 * conservative sum says no, a sync flush makes the count exact before deciding.
 *
 * gzip level, per file (EXPORT.md: gzip is the CPU limit, ~30 MB/s a core at levels
 * 1–6 on incompressible data). Most attachments are already compressed (JPEG, PNG,
 * PDF, Office files are zips): deflating them costs the full 30 MB/s and saves
 * nothing. So the first 64 KiB of each file are test-compressed; a file that does not
 * shrink by 10 % is stored (level 0, a plain copy inside valid deflate blocks, several
 * times faster), the rest is compressed at level 1, which measured here ~110 MB/s on
 * text for 30 % against level 6's ~65 MB/s for 26 %. The stream changes level between
 * entries (zlib deflateParams), so every volume is still one ordinary gzip file.
 */
export const DEFAULT_VOLUME_LIMIT_BYTES = 2 * 1024 ** 3;
export const DEFAULT_GZIP_LEVEL = 1;
const SAMPLE_BYTES = 64 * 1024;
const STORE_ABOVE_RATIO = 0.9;
const TAR_END = Buffer.alloc(1024);
const GZIP_OVERHEAD = 18 + 64; // header + trailer + a final block's bits

/** zlib's worst case for deflating n bytes (deflateBound plus margin). */
function deflateBound(n: number): number {
  return n + Math.floor(n / 4096) + Math.floor(n / 16384) + Math.floor(n / 33554432) + 64;
}

export type SpoolSource = { kind: 'buffer'; data: Buffer } | { kind: 'file'; path: string };

export interface VolumeEntry {
  path: string;
  size: number;
  mtime: Date;
  source: SpoolSource;
}

export interface VolumeAddResult {
  /** Package-relative path of the volume, e.g. attachments/attachments-001.tar.gz. */
  volume: string;
  /** True when the file alone is larger than the limit (it sits alone in its volume). */
  oversize: boolean;
}

function volumeName(n: number): string {
  return `attachments-${String(n).padStart(3, '0')}.tar.gz`;
}

class Volume {
  readonly file: HashingFile;
  private readonly gzip: zlib.Gzip;
  private readonly ended: Promise<void>;
  private error: Error | null = null;
  entries = 0;
  /** Uncompressed bytes given to gzip since the last flush. */
  unflushed = 0;

  constructor(
    absPath: string,
    readonly relPath: string,
    level: number,
  ) {
    this.file = new HashingFile(absPath, relPath);
    this.level = level;
    this.gzip = zlib.createGzip({ level, chunkSize: 1 << 16 });
    this.gzip.on('data', (chunk: Buffer) => {
      if (!this.file.write(chunk)) {
        this.gzip.pause();
        this.file.drain().then(
          () => this.gzip.resume(),
          (e: Error) => this.gzip.destroy(e),
        );
      }
    });
    this.ended = new Promise<void>((resolve, reject) => {
      this.gzip.once('end', resolve);
      this.gzip.once('error', (e) => {
        this.error ??= e;
        reject(e);
      });
    });
    this.ended.catch(() => {});
  }

  /** Compressed bytes on their way to disk. */
  get compressed(): number {
    return this.file.bytes;
  }

  async write(buf: Buffer): Promise<void> {
    if (this.error) throw this.error;
    this.unflushed += buf.length;
    if (!this.gzip.write(buf)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.gzip.off('error', onError);
          resolve();
        };
        const onError = (e: Error): void => {
          this.gzip.off('drain', onDrain);
          reject(e);
        };
        this.gzip.once('drain', onDrain);
        this.gzip.once('error', onError);
      });
    }
  }

  private level: number;

  /** Switches the compression level for what follows (zlib flushes what it holds first). */
  async setLevel(level: number): Promise<void> {
    if (level === this.level) return;
    // Every zlib stream has params() (Node's Zlib base class); the types only declare it on Deflate.
    const z = this.gzip as unknown as { params(level: number, strategy: number, callback: () => void): void };
    await new Promise<void>((resolve) => z.params(level, zlib.constants.Z_DEFAULT_STRATEGY, () => resolve()));
    if (this.error) throw this.error;
    this.level = level;
  }

  /** Makes `compressed` exact: everything given so far is compressed and handed to the file. */
  async flush(): Promise<void> {
    await new Promise<void>((resolve) => this.gzip.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    while (this.gzip.readableLength > 0) await new Promise((r) => setImmediate(r));
    if (this.error) throw this.error;
    this.unflushed = 0;
  }

  async finish(): Promise<WrittenFile> {
    await this.write(TAR_END);
    this.gzip.end();
    await this.ended;
    return this.file.close();
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.file.abort();
  }
}

export interface VolumeWriterOptions {
  /** Absolute folder of the volumes (the package's attachments/). */
  absDir: string;
  /** Its package-relative name, `attachments`. */
  relDir: string;
  limitBytes: number;
  /** Level for files that compress (default 1). */
  level?: number;
  /** Store files that do not compress (default true). */
  adaptive?: boolean;
}

/** Level 0 for a file whose first 64 KiB do not shrink by 10 %, else `level`. */
async function entryLevel(source: SpoolSource, size: number, level: number): Promise<number> {
  if (size < 512) return level;
  let sample: Buffer;
  if (source.kind === 'buffer') sample = source.data.subarray(0, SAMPLE_BYTES);
  else {
    const fh = await open(source.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(Math.min(SAMPLE_BYTES, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      sample = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
  const packed = zlib.deflateRawSync(sample, { level: 1 });
  return packed.length > sample.length * STORE_ABOVE_RATIO ? 0 : level;
}

export class TarGzVolumes {
  private current: Volume | null = null;
  private count = 0;
  private readonly written: WrittenFile[] = [];
  private readonly level: number;
  private readonly adaptive: boolean;
  private madeDir = false;

  constructor(private readonly options: VolumeWriterOptions) {
    if (!Number.isFinite(options.limitBytes) || options.limitBytes < 64 * 1024) throw new Error('volume limit must be at least 64 KiB');
    this.level = options.level ?? DEFAULT_GZIP_LEVEL;
    this.adaptive = options.adaptive ?? true;
  }

  get volumes(): readonly WrittenFile[] {
    return this.written;
  }

  private static headerBlocks(entry: VolumeEntry): Buffer {
    const block = Buffer.alloc(512);
    const header = new Header({ path: entry.path, mode: 0o644, uid: 0, gid: 0, size: entry.size, mtime: entry.mtime, type: 'File', uname: '', gname: '' });
    const needPax = header.encode(block, 0);
    if (!needPax) return block;
    // PAX carries what ustar cannot: long and non-ASCII names (EXPORT.md: Takeout's .tgz showed them corrupted), big sizes.
    const pax = new Pax({ path: entry.path, size: entry.size, mtime: entry.mtime });
    return Buffer.concat([pax.encode(), block]);
  }

  private async openNext(): Promise<Volume> {
    if (!this.madeDir) {
      await mkdir(this.options.absDir, { recursive: true });
      this.madeDir = true;
    }
    this.count++;
    const name = volumeName(this.count);
    this.current = new Volume(path.join(this.options.absDir, name), `${this.options.relDir}/${name}`, this.level);
    return this.current;
  }

  private async closeCurrent(): Promise<void> {
    const v = this.current;
    if (!v) return;
    this.current = null;
    this.written.push(await v.finish());
  }

  /** Adds one entry whose bytes are already spooled and checked. */
  async add(entry: VolumeEntry, signal?: AbortSignal): Promise<VolumeAddResult> {
    const header = TarGzVolumes.headerBlocks(entry);
    const padded = entry.size + ((512 - (entry.size % 512)) % 512);
    const entryBytes = header.length + padded;
    const need = deflateBound(entryBytes) + deflateBound(TAR_END.length) + GZIP_OVERHEAD;
    const limit = this.options.limitBytes;
    let v = this.current;
    if (v && v.entries > 0) {
      if (v.compressed + deflateBound(v.unflushed) + need > limit) {
        await v.flush();
        if (v.compressed + need > limit) {
          await this.closeCurrent();
          v = null;
        }
      }
    }
    v ??= await this.openNext();
    const oversize = need + GZIP_OVERHEAD > limit;
    if (this.adaptive) await v.setLevel(await entryLevel(entry.source, entry.size, this.level));
    await v.write(header);
    let copied = 0;
    if (entry.source.kind === 'buffer') {
      const data = entry.source.data;
      for (let off = 0; off < data.length; off += 1 << 20) {
        const part = data.subarray(off, Math.min(data.length, off + (1 << 20)));
        copied += part.length;
        await v.write(part);
      }
    } else {
      for await (const chunk of createReadStream(entry.source.path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) })) {
        const buf = chunk as Buffer;
        copied += buf.length;
        if (copied > entry.size) break;
        await v.write(buf);
      }
    }
    if (copied !== entry.size) {
      // The spool changed under us: the volume can no longer be trusted, so the export fails.
      throw new Error(`attachment spool for ${entry.path} changed size while archiving (${copied} of ${entry.size} bytes)`);
    }
    if (padded > entry.size) await v.write(Buffer.alloc(padded - entry.size));
    v.entries++;
    if (oversize) await this.closeCurrent(); // a file larger than the limit sits alone
    return { volume: v.relPath, oversize };
  }

  async close(): Promise<WrittenFile[]> {
    await this.closeCurrent();
    return [...this.written];
  }

  async abort(): Promise<void> {
    const v = this.current;
    this.current = null;
    await v?.abort();
  }
}
