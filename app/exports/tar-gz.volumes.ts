import { open } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { Header, Pax } from 'tar';
import { readFileChunks } from './file-chunks';
import { HashingFile, type WrittenFile } from './hashing-file';
import { crc32 } from './zip.writer';

/**
 * Attachment archives: `attachments/attachments-NNN.tar.gz`, each a complete tar in a
 * complete gzip file (self-contained: any volume extracts alone), no file split
 * across two volumes, each volume at most `limitBytes` unless a single file is
 * larger than the limit (it then gets a volume of its own, and the report says so).
 *
 * Tar: written by hand with node-tar's Header and Pax encoders rather than its Pack
 * (EXPORT.md "Traps"): Pack deadlocks with more than `jobs` pending entries and pads a
 * short stream with NULs into a valid-looking archive. Entries are added one at a
 * time, only from bytes already spooled and checked (length and SHA-256), and the
 * declared size is enforced again while copying.
 *
 * Gzip (EXPORT.md: gzip is the CPU limit, ~30 MB/s a core on incompressible data): most
 * attachments are already compressed (JPEG, PNG, PDF, Office files are zips), and
 * deflating them costs the full 30 MB/s to save nothing. The gzip member is therefore
 * built here from deflate blocks chosen per file: the first 64 KiB of each file are
 * test-compressed; a file that does not shrink by 10 % goes in STORED blocks (a copy,
 * hundreds of MB/s), the others through a raw-deflate segment at `level` (default 1:
 * measured here ~110 MB/s on text for 30 %, against level 6's ~65 MB/s for 26 %) that
 * ends with a sync flush, so segments simply follow one another (what pigz does). One
 * final block, the CRC-32 and the length close the member: an ordinary .tar.gz that
 * gzip, GNU tar, 7-Zip and Windows read. Sizes are exact as they go, so the volume
 * limit is checked against real bytes plus the worst case of the next entry.
 */
export const DEFAULT_VOLUME_LIMIT_BYTES = 2 * 1024 ** 3;
export const DEFAULT_GZIP_LEVEL = 1;
const SAMPLE_BYTES = 64 * 1024;
const STORE_ABOVE_RATIO = 0.9;
const TAR_END = Buffer.alloc(1024);
const STORED_MAX = 65_535;
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]); // no name, no mtime, Unix
const FINAL_BLOCK = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]); // empty stored block with BFINAL
const CLOSE_BYTES = FINAL_BLOCK.length + 8; // + CRC-32 and ISIZE

/** Bytes of `n` bytes in stored blocks. */
function storedSize(n: number): number {
  return n + 5 * Math.max(1, Math.ceil(n / STORED_MAX));
}

/** zlib's worst case for deflating n bytes, plus the sync-flush marker. */
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

/** One gzip member written block by block. */
class Volume {
  readonly file: HashingFile;
  private crc = 0;
  private isize = 0;
  entries = 0;

  constructor(
    absPath: string,
    readonly relPath: string,
  ) {
    this.file = new HashingFile(absPath, relPath);
    this.file.write(GZIP_HEADER);
  }

  /** Exact bytes written so far. */
  get compressed(): number {
    return this.file.bytes;
  }

  private async out(buf: Buffer): Promise<void> {
    if (!this.file.write(buf)) await this.file.drain();
  }

  /** Raw bytes as stored blocks. */
  async stored(data: Buffer): Promise<void> {
    this.crc = crc32(data, this.crc);
    this.isize += data.length;
    for (let off = 0; off < data.length; off += STORED_MAX) {
      const part = data.subarray(off, Math.min(data.length, off + STORED_MAX));
      const h = Buffer.allocUnsafe(5);
      h[0] = 0x00; // not final, stored (the stream is byte-aligned here)
      h.writeUInt16LE(part.length, 1);
      h.writeUInt16LE(~part.length & 0xffff, 3);
      this.file.write(h);
      await this.out(part);
    }
  }

  /** Chunks through one raw-deflate segment that ends byte-aligned (sync flush, no final bit). */
  async deflated(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, level: number): Promise<number> {
    const d = zlib.createDeflateRaw({ level, finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 1 << 16 });
    let error: Error | null = null;
    const ended = new Promise<void>((resolve, reject) => {
      d.once('end', resolve);
      d.once('error', (e) => {
        error ??= e;
        reject(e);
      });
    });
    ended.catch(() => {});
    d.on('data', (c: Buffer) => {
      if (!this.file.write(c)) {
        d.pause();
        this.file.drain().then(
          () => d.resume(),
          (e: Error) => d.destroy(e),
        );
      }
    });
    let n = 0;
    try {
      for await (const chunk of chunks) {
        if (error) throw error;
        this.crc = crc32(chunk, this.crc);
        this.isize += chunk.length;
        n += chunk.length;
        // The chunk may be a reused buffer: wait until zlib has consumed it.
        await new Promise<void>((resolve, reject) => d.write(chunk, (e) => (e ? reject(e) : resolve())));
      }
      d.end();
      await ended;
    } catch (e) {
      d.destroy();
      throw e;
    }
    return n;
  }

  async finish(): Promise<WrittenFile> {
    await this.deflated([TAR_END], 1);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    trailer.writeUInt32LE(this.isize % 2 ** 32, 4);
    this.file.write(FINAL_BLOCK);
    this.file.write(trailer);
    return this.file.close();
  }

  abort(): Promise<void> {
    return this.file.abort();
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
  /** Store files that do not compress (default true); false deflates everything at `level`. */
  adaptive?: boolean;
}

/** Whether a file is worth deflating: its first 64 KiB shrink by at least 10 %. */
async function compresses(source: SpoolSource, size: number): Promise<boolean> {
  if (size < 512) return true;
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
  return zlib.deflateRawSync(sample, { level: 1 }).length <= sample.length * STORE_ABOVE_RATIO;
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
    this.current = new Volume(path.join(this.options.absDir, name), `${this.options.relDir}/${name}`);
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
    const padding = (512 - (entry.size % 512)) % 512;
    const unit = header.length + entry.size + padding;
    const deflate = !this.adaptive || (await compresses(entry.source, entry.size));
    const need = (deflate ? deflateBound(unit) : storedSize(unit)) + deflateBound(TAR_END.length) + CLOSE_BYTES;
    const limit = this.options.limitBytes;
    let v = this.current;
    if (v && v.entries > 0 && v.compressed + need > limit) {
      await this.closeCurrent();
      v = null;
    }
    v ??= await this.openNext();
    const oversize = GZIP_HEADER.length + need > limit;

    let copied = 0;
    const source = entry.source;
    async function* data(): AsyncGenerator<Buffer> {
      if (source.kind === 'buffer') {
        for (let off = 0; off < source.data.length; off += 1 << 20) {
          const part = source.data.subarray(off, Math.min(source.data.length, off + (1 << 20)));
          copied += part.length;
          yield part;
        }
      } else {
        for await (const chunk of readFileChunks(source.path, { chunkSize: 1 << 20, ...(signal ? { signal } : {}) })) {
          copied += chunk.length;
          if (copied > entry.size) return;
          yield chunk;
        }
      }
    }
    if (deflate) {
      const self = { header, padding };
      await v.deflated(
        (async function* () {
          yield self.header;
          yield* data();
          if (self.padding) yield Buffer.alloc(self.padding);
        })(),
        this.level,
      );
    } else {
      await v.stored(header);
      for await (const chunk of data()) await v.stored(chunk);
      if (padding) await v.stored(Buffer.alloc(padding));
    }
    if (copied !== entry.size) {
      // The spool changed under us: the volume can no longer be trusted, so the export fails.
      throw new Error(`attachment spool for ${entry.path} changed size while archiving (${copied} of ${entry.size} bytes)`);
    }
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
