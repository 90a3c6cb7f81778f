import zlib from 'node:zlib';
import { HashingFile, type WrittenFile } from './hashing-file';

/**
 * A streaming ZIP writer, just enough for XLSX (EXPORT.md: "writing sheet XML
 * yourself into a streaming zip is the known way out" of exceljs's memory growth).
 *
 * Entries are deflated by node:zlib on the libuv thread pool, so XML is generated on
 * the main thread while the previous chunk compresses on another core. Local headers
 * carry no sizes (general purpose bit 3: sizes follow in a data descriptor), so a
 * sheet streams straight to disk; nothing is buffered beyond zlib's window and one
 * write chunk. Backpressure runs from the file to zlib to the caller.
 *
 * Entry sizes stay below 4 GiB (the XLSX writer starts a continuation sheet well
 * before), so only offsets can need ZIP64; the central directory then gets ZIP64
 * extra fields and the archive a ZIP64 end record, which Excel and every unzip read.
 */
export interface ZipWriterOptions {
  /** Deflate level for entries. */
  level: number;
  /** Modification time written for every entry (DOS time, no zone: the export's UTC time). */
  mtime: Date;
  /** Tests lower it to exercise the ZIP64 records on small files. */
  zip64Threshold?: number;
}

interface CentralEntry {
  name: Buffer;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
  method: number;
}

const MAX32 = 0xffffffff;
const INPUT_SIZE = 256 * 1024;
const INPUT_BUFFERS = 4;

type Crc32 = (data: Buffer, value?: number) => number;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32Js(data: Buffer, value = 0): number {
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = (CRC_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

/** zlib.crc32 exists from Node 20.15; the engines field allows 20.10. */
export const crc32: Crc32 = typeof (zlib as { crc32?: Crc32 }).crc32 === 'function' ? (zlib as unknown as { crc32: Crc32 }).crc32 : crc32Js;

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export class ZipEntryWriter {
  private crc = 0;
  private usize = 0;
  private csize = 0;
  private readonly deflate: zlib.DeflateRaw;
  private error: Error | null = null;
  private readonly ended: Promise<void>;
  private readonly inputs: Buffer[] = [];

  constructor(
    private readonly zip: ZipWriter,
    private readonly file: HashingFile,
    private readonly entry: { name: Buffer; offset: number },
    level: number,
  ) {
    this.deflate = zlib.createDeflateRaw({ level, chunkSize: 1 << 16 });
    this.deflate.on('data', (chunk: Buffer) => {
      this.csize += chunk.length;
      if (!this.file.write(chunk)) {
        this.deflate.pause();
        this.file.drain().then(
          () => this.deflate.resume(),
          (e: Error) => this.deflate.destroy(e),
        );
      }
    });
    this.ended = new Promise<void>((resolve, reject) => {
      this.deflate.once('end', resolve);
      this.deflate.once('error', (e) => {
        this.error ??= e;
        reject(e);
      });
    });
    this.ended.catch(() => {}); // surfaced by drain/end
  }

  /** Uncompressed bytes written so far (the XLSX writer rolls sheets before 4 GiB). */
  get uncompressedBytes(): number {
    return this.usize;
  }

  /**
   * Encodes text into one of a few reused input buffers (returned once zlib has
   * consumed them), so sheet XML leaves no garbage Buffers behind. True: await drain().
   */
  writeString(s: string): boolean {
    if (this.error) throw this.error;
    if (s.length * 3 > INPUT_SIZE) return this.write(Buffer.from(s, 'utf8'));
    const buf = this.inputs.pop() ?? Buffer.allocUnsafe(INPUT_SIZE);
    const view = buf.subarray(0, buf.write(s, 0, 'utf8'));
    this.crc = crc32(view, this.crc);
    this.usize += view.length;
    const ok = this.deflate.write(view, () => {
      if (this.inputs.length < INPUT_BUFFERS) this.inputs.push(buf);
    });
    return !ok;
  }

  /** Returns true when the caller should `await drain()`. */
  write(buf: Buffer): boolean {
    if (this.error) throw this.error;
    this.crc = crc32(buf, this.crc);
    this.usize += buf.length;
    return !this.deflate.write(buf);
  }

  async drain(): Promise<void> {
    if (this.error) throw this.error;
    if (!this.deflate.writableNeedDrain) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.deflate.off('error', onError);
        resolve();
      };
      const onError = (e: Error): void => {
        this.deflate.off('drain', onDrain);
        reject(e);
      };
      this.deflate.once('drain', onDrain);
      this.deflate.once('error', onError);
    });
  }

  async end(): Promise<void> {
    this.deflate.end();
    await this.ended;
    if (this.usize >= MAX32 || this.csize >= MAX32) throw new Error('zip entry over 4 GiB: the XLSX writer should have started a continuation sheet');
    const dd = Buffer.alloc(16);
    dd.writeUInt32LE(0x08074b50, 0);
    dd.writeUInt32LE(this.crc >>> 0, 4);
    dd.writeUInt32LE(this.csize, 8);
    dd.writeUInt32LE(this.usize, 12);
    this.file.write(dd);
    await this.file.drain();
    this.zip.entryDone({ name: this.entry.name, offset: this.entry.offset, crc: this.crc >>> 0, csize: this.csize, usize: this.usize, method: 8 });
  }

  abort(): void {
    this.deflate.destroy();
  }
}

export class ZipWriter {
  private readonly file: HashingFile;
  private readonly entries: CentralEntry[] = [];
  private open: ZipEntryWriter | null = null;
  private readonly dos: { time: number; date: number };
  private readonly zip64Threshold: number;

  constructor(
    absPath: string,
    relPath: string,
    private readonly options: ZipWriterOptions,
  ) {
    this.file = new HashingFile(absPath, relPath);
    this.dos = dosDateTime(options.mtime);
    this.zip64Threshold = options.zip64Threshold ?? MAX32;
  }

  private localHeader(name: Buffer, method: number, sizes?: { crc: number; csize: number; usize: number }): Buffer {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4); // version needed
    h.writeUInt16LE(sizes ? 0x0800 : 0x0808, 6); // UTF-8 names; bit 3 = data descriptor follows
    h.writeUInt16LE(method, 8);
    h.writeUInt16LE(this.dos.time, 10);
    h.writeUInt16LE(this.dos.date, 12);
    h.writeUInt32LE(sizes ? sizes.crc : 0, 14);
    h.writeUInt32LE(sizes ? sizes.csize : 0, 18);
    h.writeUInt32LE(sizes ? sizes.usize : 0, 22);
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(0, 28);
    return h;
  }

  /** Starts a streamed entry; only one may be open at a time. */
  async beginEntry(name: string): Promise<ZipEntryWriter> {
    if (this.open) throw new Error('zip: previous entry still open');
    const nameBuf = Buffer.from(name, 'utf8');
    const offset = this.file.bytes;
    this.file.write(this.localHeader(nameBuf, 8));
    this.file.write(nameBuf);
    await this.file.drain();
    this.open = new ZipEntryWriter(this, this.file, { name: nameBuf, offset }, this.options.level);
    return this.open;
  }

  /** @internal called by the entry when its data descriptor is written. */
  entryDone(e: CentralEntry): void {
    this.entries.push(e);
    this.open = null;
  }

  /** A small entry, compressed in one go. */
  async addEntry(name: string, data: Buffer | string): Promise<void> {
    if (this.open) throw new Error('zip: previous entry still open');
    const raw = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const comp = zlib.deflateRawSync(raw, { level: this.options.level });
    const nameBuf = Buffer.from(name, 'utf8');
    const offset = this.file.bytes;
    const crc = crc32(raw) >>> 0;
    this.file.write(this.localHeader(nameBuf, 8, { crc, csize: comp.length, usize: raw.length }));
    this.file.write(nameBuf);
    this.file.write(comp);
    await this.file.drain();
    this.entries.push({ name: nameBuf, crc, csize: comp.length, usize: raw.length, offset, method: 8 });
  }

  async close(): Promise<WrittenFile> {
    if (this.open) throw new Error('zip: entry still open at close');
    const cdOffset = this.file.bytes;
    const parts: Buffer[] = [];
    for (const e of this.entries) {
      const big = e.offset >= this.zip64Threshold;
      const extra = big ? Buffer.alloc(12) : Buffer.alloc(0);
      if (big) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(8, 2);
        extra.writeBigUInt64LE(BigInt(e.offset), 4);
      }
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, spec 4.5
      c.writeUInt16LE(big ? 45 : 20, 6);
      c.writeUInt16LE(0x0808, 8);
      c.writeUInt16LE(e.method, 10);
      c.writeUInt16LE(this.dos.time, 12);
      c.writeUInt16LE(this.dos.date, 14);
      c.writeUInt32LE(e.crc, 16);
      c.writeUInt32LE(e.csize, 20);
      c.writeUInt32LE(e.usize, 24);
      c.writeUInt16LE(e.name.length, 28);
      c.writeUInt16LE(extra.length, 30);
      c.writeUInt16LE(0, 32); // comment
      c.writeUInt16LE(0, 34); // disk
      c.writeUInt16LE(0, 36); // internal attributes
      c.writeUInt32LE((0o100644 << 16) >>> 0, 38); // regular file, rw-r--r--
      c.writeUInt32LE(big ? MAX32 : e.offset, 42);
      parts.push(c, e.name, extra);
    }
    const cd = Buffer.concat(parts);
    this.file.write(cd);
    const cdSize = cd.length;
    const needs64 = cdOffset >= this.zip64Threshold || cdSize >= this.zip64Threshold || this.entries.length >= 0xffff;
    if (needs64) {
      const z64Offset = this.file.bytes;
      const rec = Buffer.alloc(56);
      rec.writeUInt32LE(0x06064b50, 0);
      rec.writeBigUInt64LE(44n, 4);
      rec.writeUInt16LE((3 << 8) | 45, 12);
      rec.writeUInt16LE(45, 14);
      rec.writeUInt32LE(0, 16);
      rec.writeUInt32LE(0, 20);
      rec.writeBigUInt64LE(BigInt(this.entries.length), 24);
      rec.writeBigUInt64LE(BigInt(this.entries.length), 32);
      rec.writeBigUInt64LE(BigInt(cdSize), 40);
      rec.writeBigUInt64LE(BigInt(cdOffset), 48);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(0x07064b50, 0);
      loc.writeUInt32LE(0, 4);
      loc.writeBigUInt64LE(BigInt(z64Offset), 8);
      loc.writeUInt32LE(1, 16);
      this.file.write(rec);
      this.file.write(loc);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(needs64 ? 0xffff : this.entries.length, 8);
    end.writeUInt16LE(needs64 ? 0xffff : this.entries.length, 10);
    end.writeUInt32LE(needs64 ? MAX32 : cdSize, 12);
    end.writeUInt32LE(needs64 ? MAX32 : cdOffset, 16);
    end.writeUInt16LE(0, 20);
    this.file.write(end);
    return this.file.close();
  }

  async abort(): Promise<void> {
    this.open?.abort();
    this.open = null;
    await this.file.abort();
  }
}
