import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CustosError } from '../../shared/errors';
import { BodyHasher, knownLength, toReadable } from './body-hasher';
import { validateContentType, validateKey, validateMetadata, validatePrefix } from './object-key';
import type { ListOptions, ObjectInfo, ObjectStore, PutOptions, PutResult } from './object-store.port';

/**
 * ObjectStore on a local folder: the embedded default and the reference adapter
 * the shared suite holds S3 to.
 *
 * Layout under `dir`:
 *
 *   dir/objects/   one file per object, in folders that mirror the key's '/' segments
 *   dir/.tmp/      bytes being written; renamed into objects/ only when complete
 *
 * Inside objects/, every name carries a two-letter tag and an encoded segment:
 *
 *   d_<segment>    a folder (a key segment that is not the last)
 *   o_<segment>    an object's bytes (the last segment of a key)
 *   m_<segment>    that object's sidecar: JSON with contentType, metadata, size, sha256
 *
 * Why tags: on S3, `a` and `a/b` can both be keys; on a disk, `a` cannot be both a
 * file and a folder. Tags keep the three kinds of name apart, and sidecars never
 * show up in `list`.
 *
 * Why encoding: the console runs on Windows and macOS too, whose file systems are
 * case-insensitive and refuse names like `CON`, `a:b` or a trailing dot. Segments
 * keep `a-z 0-9 _ -` as they are and write every other UTF-8 byte as `%HH`
 * (upper-case hex), so `Report.pdf` is stored as `o_%52eport%2Epdf`. The mapping
 * is one-to-one, so `list` decodes names back to keys. A segment whose encoded
 * name would exceed 255 bytes (the usual file-name limit) is refused with
 * OBJECT_KEY_INVALID.
 *
 * Crash safety (CONVENTIONS.md §8): bytes and sidecar are written to `.tmp`,
 * fsynced, then renamed into place, sidecar first, bytes last. The rename of the
 * bytes is the commit point: a crash before it leaves the previous object (or
 * none) visible, never a partial file. Temp files older than a day are removed the
 * first time a store writes.
 */
export interface LocalObjectStoreOptions {
  dir: string;
}

interface Sidecar {
  v: 1;
  contentType?: string;
  metadata?: Record<string, string>;
  size: number;
  sha256: string;
}

const TAG_DIR = 'd_';
const TAG_OBJECT = 'o_';
const TAG_META = 'm_';
const MAX_NAME_BYTES = 255;
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;
const RAW_SAFE = /^[a-z0-9_-]$/;

export function encodeSegment(segment: string): string {
  let out = '';
  for (const byte of Buffer.from(segment, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && RAW_SAFE.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeSegment(encoded: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const ch = encoded[i] as string;
    if (ch === '%') {
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (RAW_SAFE.test(ch)) {
      bytes.push(ch.charCodeAt(0));
    } else {
      return null; // not a name this store wrote
    }
  }
  const text = Buffer.from(bytes).toString('utf8');
  // A name someone else dropped in the folder may decode to something that is not a key segment.
  return encodeSegment(text) === encoded ? text : null;
}

/** A name someone else put in the folder is skipped unless it decodes to a valid key segment. */
function isKeySegment(name: string): boolean {
  if (name.includes('/')) return false;
  try {
    validateKey(name);
    return true;
  } catch {
    return false;
  }
}

function isNodeError(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && codes.includes(String((e as NodeJS.ErrnoException).code));
}

function notFound(key: string): CustosError {
  return new CustosError(
    'OBJECT_NOT_FOUND',
    'The requested file is not in the object store.',
    'It may have been deleted or never finished uploading. Check the key, or re-run the job that produces it.',
    { key },
  );
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await fh.write(buf, offset, buf.length - offset);
    offset += bytesWritten;
  }
}

/** Makes a rename durable on POSIX; Windows cannot open folders, and NTFS journals renames anyway. */
async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Best effort: see above.
  } finally {
    await fh?.close().catch(() => {});
  }
}

interface Entry {
  name: string; // decoded segment
  kind: 'dir' | 'object';
  fsName: string;
  /** Sort key: UTF-8 bytes of the segment, '/' appended for folders, so `a-c` sorts before `a/b` as on S3. */
  order: Buffer;
}

export class LocalObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  private ready: Promise<void> | null = null;

  constructor(options: LocalObjectStoreOptions) {
    if (typeof options?.dir !== 'string' || options.dir === '') {
      throw new CustosError('CONFIG_INVALID', 'The local object store needs a folder.', 'Set the object store folder in the configuration.');
    }
    this.root = path.resolve(options.dir);
    this.objectsDir = path.join(this.root, 'objects');
    this.tmpDir = path.join(this.root, '.tmp');
    this.location = this.root;
  }

  /** Folder names from the key's segments; the last segment is returned apart. */
  private pathsFor(key: string): { parent: string; object: string; meta: string; parents: string[] } {
    const segments = validateKey(key).split('/');
    const last = segments.pop() as string;
    const parents: string[] = [this.objectsDir];
    let parent = this.objectsDir;
    for (const segment of segments) {
      parent = path.join(parent, this.name(TAG_DIR, segment, key));
      parents.push(parent);
    }
    const object = path.join(parent, this.name(TAG_OBJECT, last, key));
    const meta = path.join(parent, this.name(TAG_META, last, key));
    // Belt and braces: encoding leaves no separators or dots to climb with, but check anyway.
    for (const p of [object, meta]) {
      const rel = path.relative(this.objectsDir, p);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new CustosError('OBJECT_KEY_INVALID', 'The storage key was refused: it points outside the store.', undefined, {
          key: JSON.stringify(key),
        });
      }
    }
    return { parent, object, meta, parents };
  }

  private name(tag: string, segment: string, key: string): string {
    const name = tag + encodeSegment(segment);
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
      throw new CustosError(
        'OBJECT_KEY_INVALID',
        'The storage key was refused: one of its parts is too long for a local folder.',
        'Keep each part of a key between slashes short (under about 80 characters).',
        { key: JSON.stringify(key.slice(0, 200)) },
      );
    }
    return name;
  }

  private ensureReady(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.objectsDir, { recursive: true });
      await mkdir(this.tmpDir, { recursive: true });
      await this.removeStaleTemps();
    })().catch((e: unknown) => {
      this.ready = null;
      throw new CustosError(
        'DATA_DIR_UNUSABLE',
        `The object store folder ${this.root} cannot be used.`,
        'Check that the folder exists, is on a local disk with free space, and that the console may write to it.',
        { cause: isNodeError(e) ? (e as NodeJS.ErrnoException).code : 'unknown' },
      );
    });
    return this.ready;
  }

  /** Only temps old enough that no live writer (in this or another process) can still own them. */
  private async removeStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.tmpDir)) {
      const p = path.join(this.tmpDir, name);
      const s = await stat(p).catch(() => null);
      if (s && now - s.mtimeMs > STALE_TEMP_MS) await rm(p, { force: true, recursive: true }).catch(() => {});
    }
  }

  async put(key: string, body: Readable | Buffer | string, options: PutOptions = {}): Promise<PutResult> {
    const target = this.pathsFor(key);
    validateMetadata(options.metadata);
    validateContentType(options.contentType);
    options.signal?.throwIfAborted();
    await this.ensureReady();

    const id = randomUUID();
    const tmpData = path.join(this.tmpDir, `${id}.data`);
    const tmpMeta = path.join(this.tmpDir, `${id}.meta`);
    try {
      const hasher = new BodyHasher(knownLength(body, options.contentLength));
      const fh = await open(tmpData, 'wx');
      try {
        await pipeline(
          toReadable(body),
          hasher,
          async (source: AsyncIterable<Buffer>) => {
            for await (const chunk of source) await writeAll(fh, chunk);
          },
          ...(options.signal ? [{ signal: options.signal }] : []),
        );
        await fh.sync();
      } finally {
        await fh.close();
      }
      const { size, sha256 } = hasher.result();

      const sidecar: Sidecar = { v: 1, size, sha256 };
      if (options.contentType !== undefined) sidecar.contentType = options.contentType;
      if (options.metadata !== undefined) sidecar.metadata = { ...options.metadata };
      const mh = await open(tmpMeta, 'wx');
      try {
        await writeAll(mh, Buffer.from(JSON.stringify(sidecar)));
        await mh.sync();
      } finally {
        await mh.close();
      }

      options.signal?.throwIfAborted();
      await this.moveIntoPlace(target, tmpMeta, tmpData);
      return { key, size, sha256 };
    } finally {
      await rm(tmpData, { force: true }).catch(() => {});
      await rm(tmpMeta, { force: true }).catch(() => {});
    }
  }

  private async moveIntoPlace(target: { parent: string; object: string; meta: string }, tmpMeta: string, tmpData: string): Promise<void> {
    // A concurrent delete may remove the (then empty) parent folder between mkdir and rename: retry.
    for (let attempt = 0; ; attempt++) {
      await mkdir(target.parent, { recursive: true });
      try {
        await rename(tmpMeta, target.meta);
        await rename(tmpData, target.object); // commit point
        break;
      } catch (e) {
        if (!isNodeError(e, 'ENOENT') || attempt >= 5) throw e;
      }
    }
    await fsyncDir(target.parent);
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    const { object } = this.pathsFor(key);
    options.signal?.throwIfAborted();
    let fh: FileHandle;
    try {
      fh = await open(object, 'r');
    } catch (e) {
      if (isNodeError(e, 'ENOENT', 'ENOTDIR')) throw notFound(key);
      throw e;
    }
    const stream = fh.createReadStream();
    return options.signal ? addAbortSignal(options.signal, stream) : stream;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const { object, meta } = this.pathsFor(key);
    let s;
    try {
      s = await stat(object);
    } catch (e) {
      if (isNodeError(e, 'ENOENT', 'ENOTDIR')) return null;
      throw e;
    }
    if (!s.isFile()) return null;
    const info: ObjectInfo = { key, size: s.size, lastModified: s.mtime };
    const sidecar = await this.readSidecar(meta);
    // A sidecar for other bytes (crash between the two renames, see above) only describes the object if sizes agree.
    if (sidecar && sidecar.size === s.size) {
      info.etag = sidecar.sha256;
      if (sidecar.contentType !== undefined) info.contentType = sidecar.contentType;
      if (sidecar.metadata !== undefined) info.metadata = { ...sidecar.metadata };
    }
    return info;
  }

  private async readSidecar(p: string): Promise<Sidecar | null> {
    try {
      const parsed: unknown = JSON.parse(await readFile(p, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null) return null;
      const s = parsed as Partial<Sidecar>;
      if (s.v !== 1 || typeof s.size !== 'number' || typeof s.sha256 !== 'string') return null;
      const out: Sidecar = { v: 1, size: s.size, sha256: s.sha256 };
      if (typeof s.contentType === 'string') out.contentType = s.contentType;
      if (s.metadata && typeof s.metadata === 'object') {
        out.metadata = Object.fromEntries(Object.entries(s.metadata).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      }
      return out;
    } catch {
      return null; // missing or unreadable sidecar: the object still exists, just without its labels
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    const pageSize = Math.max(1, options.pageSize ?? 1000);
    const segments = prefix.split('/');
    const partial = segments.pop() as string;
    let dir = this.objectsDir;
    for (const segment of segments) dir = path.join(dir, TAG_DIR + encodeSegment(segment));
    const keyBase = segments.length > 0 ? segments.join('/') + '/' : '';

    const state = { sinceYield: 0, pageSize, signal: options.signal };
    yield* this.walk(dir, keyBase, partial, state);
  }

  /** Depth-first, one folder listing in memory per level: streaming, in key order. */
  private async *walk(
    folder: string,
    base: string,
    startsWith: string,
    state: { sinceYield: number; pageSize: number; signal: AbortSignal | undefined },
  ): AsyncGenerator<ObjectInfo> {
    for (const entry of await this.readFolder(folder)) {
      if (!entry.name.startsWith(startsWith)) continue;
      state.signal?.throwIfAborted();
      const fsPath = path.join(folder, entry.fsName);
      if (entry.kind === 'dir') {
        yield* this.walk(fsPath, `${base}${entry.name}/`, '', state);
        continue;
      }
      const s = await stat(fsPath).catch(() => null); // deleted meanwhile: skip, as S3 would
      if (!s?.isFile()) continue;
      yield { key: base + entry.name, size: s.size, lastModified: s.mtime };
      if (++state.sinceYield >= state.pageSize) {
        state.sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve)); // one "page": let timers and cancellation in
      }
    }
  }

  private async readFolder(folder: string): Promise<Entry[]> {
    let dirents;
    try {
      dirents = await readdir(folder, { withFileTypes: true });
    } catch (e) {
      if (isNodeError(e, 'ENOENT', 'ENOTDIR')) return [];
      throw e;
    }
    const entries: Entry[] = [];
    for (const d of dirents) {
      // Symlinks and anything else are not ours: skipped, never followed.
      const kind = d.isDirectory() && d.name.startsWith(TAG_DIR) ? 'dir' : d.isFile() && d.name.startsWith(TAG_OBJECT) ? 'object' : null;
      if (kind === null) continue;
      const name = decodeSegment(d.name.slice(2));
      if (name === null || !isKeySegment(name)) continue;
      entries.push({ name, kind, fsName: d.name, order: Buffer.from(kind === 'dir' ? `${name}/` : name, 'utf8') });
    }
    return entries.sort((a, b) => Buffer.compare(a.order, b.order));
  }

  async delete(key: string): Promise<void> {
    const { object, meta, parents } = this.pathsFor(key);
    await rm(object, { force: true });
    await rm(meta, { force: true });
    // Remove folders the delete left empty, deepest first; never objects/ itself.
    for (let i = parents.length - 1; i >= 1; i--) {
      try {
        await rmdir(parents[i] as string);
      } catch (e) {
        if (isNodeError(e, 'ENOENT')) continue; // never existed or already gone: look further up
        break; // not empty (another object, or a writer racing us): stop climbing
      }
    }
  }

  async presignGet(key: string, _expiresInSeconds: number): Promise<string | null> {
    validateKey(key);
    return null; // a folder has no download links
  }

  async close(): Promise<void> {
    // Nothing held open between calls.
  }
}
