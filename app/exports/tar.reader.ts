import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import zlib from 'node:zlib';
import { Header } from 'tar';

/**
 * Reads a .tar.gz volume entry by entry, hashing each file's bytes: what verify
 * needs to hold every archive entry to its files-list row. PAX extended headers are
 * applied (long and non-ASCII names); the archive must end with tar's end blocks, so a
 * volume cut short is caught even if gzip happened to end cleanly.
 */
export interface TarEntryInfo {
  path: string;
  type: string;
  size: number;
  sha256: string;
}

export class TarFormatError extends Error {}

/** Pulls exact byte counts out of a stream of chunks. */
class ByteReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.have < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        this.chunks.push(r.value);
        this.have += r.value.length;
      }
    }
    return this.have >= n;
  }

  /** Exactly n bytes, or null at a clean end of input. */
  async read(n: number): Promise<Buffer | null> {
    if (!(await this.fill(n))) {
      if (this.have === 0) return null;
      throw new TarFormatError('archive ends in the middle of a block');
    }
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.have = rest.length;
    return out;
  }

  /** Passes n bytes to `sink` in pieces. */
  async pipe(n: number, sink: (b: Buffer) => void): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.have === 0 && !(await this.fill(1))) throw new TarFormatError('archive ends inside a file');
      const c = this.chunks[0] as Buffer;
      const take = Math.min(left, c.length);
      sink(c.subarray(0, take));
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
      this.have -= take;
      left -= take;
    }
  }

  async rest(): Promise<Buffer[]> {
    const out = [...this.chunks];
    for (;;) {
      const r = await this.it.next();
      if (r.done) break;
      out.push(r.value);
    }
    return out;
  }
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let p = 0;
  while (p < body.length) {
    const sp = body.indexOf(0x20, p);
    if (sp < 0) break;
    const len = Number(body.subarray(p, sp).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) break;
    const rec = body.subarray(sp + 1, p + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    p += len;
  }
  return out;
}

export async function* readTarGz(path: string, options: { signal?: AbortSignal; onChunk?: (raw: Buffer) => void } = {}): AsyncGenerator<TarEntryInfo> {
  const raw = createReadStream(path, { highWaterMark: 256 * 1024, ...(options.signal ? { signal: options.signal } : {}) });
  const onChunk = options.onChunk;
  if (onChunk) raw.on('data', (c) => onChunk(c as Buffer));
  const gunzip = raw.pipe(zlib.createGunzip());
  raw.on('error', (e) => gunzip.destroy(e));
  const reader = new ByteReader(gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  let pax: Record<string, string> | null = null;
  let ended = false;
  try {
    for (;;) {
      const block = await reader.read(512);
      if (!block) break;
      if (block.every((b) => b === 0)) {
        const second = await reader.read(512);
        if (!second || !second.every((b) => b === 0)) throw new TarFormatError('a lone empty block inside the archive');
        ended = true;
        break;
      }
      const h = new Header(block);
      if (!h.cksumValid) throw new TarFormatError('a header with a bad checksum');
      const size = h.size ?? 0;
      const padded = size + ((512 - (size % 512)) % 512);
      if (h.type === 'ExtendedHeader' || h.type === 'GlobalExtendedHeader') {
        const body = (await reader.read(padded)) ?? Buffer.alloc(0);
        if (h.type === 'ExtendedHeader') pax = parsePax(body.subarray(0, size));
        continue;
      }
      const path = pax?.path ?? h.path ?? '';
      const realSize = pax?.size !== undefined ? Number(pax.size) : size;
      pax = null;
      const hash = createHash('sha256');
      await reader.pipe(realSize, (b) => hash.update(b));
      const pad = (512 - (realSize % 512)) % 512;
      if (pad) await reader.read(pad);
      yield { path, type: h.type, size: realSize, sha256: hash.digest('hex') };
    }
    if (!ended) throw new TarFormatError('the archive has no end blocks (cut short?)');
    // Anything after the end blocks must be zero padding.
    for (const b of await reader.rest()) if (!b.every((x) => x === 0)) throw new TarFormatError('data after the end of the archive');
  } finally {
    gunzip.destroy();
    raw.destroy();
  }
}
