import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors';
import type { ObjectInfo, ObjectStore } from './object-store.port';

/**
 * One suite, every adapter (CONVENTIONS.md §4, Litestream's replica-client tests):
 * whatever the local folder does, S3 must do the same, and the reverse.
 *
 * `factory` is called before each test and must return a store with no objects
 * in it, plus a `dispose` that releases everything the factory opened.
 */
export interface StoreUnderTest {
  store: ObjectStore;
  dispose(): Promise<void>;
}

const MiB = 1024 * 1024;

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

export async function collect(iter: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of iter) out.push(info);
  return out;
}

/** Resolves to the CustosError code a promise (or function) fails with; fails the test if it succeeds. */
export async function errorCode(run: () => unknown): Promise<ErrorCode | string> {
  try {
    await run();
  } catch (e) {
    return (e as { code?: string }).code ?? `(no code: ${String(e)})`;
  }
  throw new Error('expected a failure, got success');
}

/** A stream that never says how long it is, delivered in uneven chunks. */
function chunkedStream(buf: Buffer, chunk = 64 * 1024 + 17): Readable {
  return Readable.from(
    (function* () {
      for (let off = 0; off < buf.length; off += chunk) yield buf.subarray(off, Math.min(off + chunk, buf.length));
    })(),
  );
}

export interface SuiteOptions {
  /**
   * False for servers that do not list in S3's UTF-8 byte order when a key is also a
   * "folder" (`a` and `a/b`) or when '-' and '/' compete (`a-c` vs `a/b`). s3rver walks
   * its folders instead, and then skips keys across pages; the S3 adapter detects that
   * and refuses (see s3.object-store.ts). Real S3 and the local adapter keep byte order.
   */
  byteOrderListing?: boolean;
}

export function objectStoreSuite(name: string, factory: () => Promise<StoreUnderTest>, suiteOptions: SuiteOptions = {}): void {
  const byteOrder = suiteOptions.byteOrderListing ?? true;
  describe(`ObjectStore contract: ${name}`, () => {
    let sut: StoreUnderTest;
    let store: ObjectStore;

    beforeEach(async () => {
      sut = await factory();
      store = sut.store;
    });

    afterEach(async () => {
      await sut?.dispose();
    });

    it('round-trips a multi-MB body by streaming, with the right size and sha256', async () => {
      // 17 MiB: more than two 8 MiB parts, so the S3 adapter goes multipart.
      const data = randomBytes(17 * MiB + 123);
      const put = await store.put('tenants/t1/files/big.bin', data, { contentType: 'application/octet-stream' });
      expect(put).toEqual({ key: 'tenants/t1/files/big.bin', size: data.length, sha256: sha256(data) });

      const back = await readAll(await store.get('tenants/t1/files/big.bin'));
      expect(back.length).toBe(data.length);
      expect(sha256(back)).toBe(sha256(data));
      expect((await store.head('tenants/t1/files/big.bin'))?.size).toBe(data.length);
    });

    it('accepts a Readable body without contentLength', async () => {
      const data = randomBytes(3 * MiB + 5);
      const put = await store.put('tenants/t1/files/stream.bin', chunkedStream(data));
      expect(put.size).toBe(data.length);
      expect(put.sha256).toBe(sha256(data));
      expect(sha256(await readAll(await store.get('tenants/t1/files/stream.bin')))).toBe(sha256(data));
    });

    it('accepts a Readable body with a matching contentLength, and a string body', async () => {
      const data = randomBytes(200_000);
      const put = await store.put('a/with-length', chunkedStream(data), { contentLength: data.length });
      expect(put.sha256).toBe(sha256(data));

      const text = 'Grüße — ✓';
      const putText = await store.put('a/text', text);
      expect(putText.size).toBe(Buffer.byteLength(text));
      expect((await readAll(await store.get('a/text'))).toString('utf8')).toBe(text);
    });

    it('refuses a stream shorter than its announced contentLength and stores nothing', async () => {
      const data = randomBytes(1000);
      const code = await errorCode(() => store.put('a/short', chunkedStream(data, 100), { contentLength: 2000 }));
      expect(code).toBe('INVALID_INPUT');
      expect(await store.head('a/short')).toBeNull();
    });

    it('stores an empty object', async () => {
      const put = await store.put('a/empty', Buffer.alloc(0));
      expect(put).toEqual({ key: 'a/empty', size: 0, sha256: sha256(Buffer.alloc(0)) });
      expect((await readAll(await store.get('a/empty'))).length).toBe(0);
      expect((await store.head('a/empty'))?.size).toBe(0);
    });

    it('head returns size, contentType and metadata', async () => {
      const before = Date.now();
      await store.put('tenants/t1/exports/e1.zip', Buffer.from('zip bytes'), {
        contentType: 'application/zip',
        metadata: { 'tenant-id': 't1', 'sha256': 'abc123', 'job-id': 'job-42' },
      });
      const info = await store.head('tenants/t1/exports/e1.zip');
      expect(info).not.toBeNull();
      expect(info?.key).toBe('tenants/t1/exports/e1.zip');
      expect(info?.size).toBe(9);
      expect(info?.contentType).toBe('application/zip');
      expect(info?.metadata).toEqual({ 'tenant-id': 't1', 'sha256': 'abc123', 'job-id': 'job-42' });
      expect(info?.lastModified).toBeInstanceOf(Date);
      // Seconds resolution on S3 (HTTP dates): allow for it.
      expect(info!.lastModified.getTime()).toBeGreaterThanOrEqual(before - 2000);
    });

    it('a second put replaces the object and its metadata', async () => {
      await store.put('a/k', 'first', { contentType: 'text/plain', metadata: { v: '1' } });
      await store.put('a/k', 'second!', { contentType: 'application/json', metadata: { v: '2' } });
      const info = await store.head('a/k');
      expect(info?.size).toBe(7);
      expect(info?.contentType).toBe('application/json');
      expect(info?.metadata).toEqual({ v: '2' });
      expect((await readAll(await store.get('a/k'))).toString()).toBe('second!');
    });

    it('head of a missing key is null; get of a missing key is OBJECT_NOT_FOUND', async () => {
      expect(await store.head('tenants/nobody/files/1')).toBeNull();
      expect(await errorCode(() => store.get('tenants/nobody/files/1'))).toBe('OBJECT_NOT_FOUND');
      // A key that is a "folder" of other keys is not an object either.
      await store.put('tenants/t1/files/1', 'x');
      expect(await store.head('tenants/t1/files')).toBeNull();
      expect(await errorCode(() => store.get('tenants/t1/files'))).toBe('OBJECT_NOT_FOUND');
    });

    it('lists in key order across pages, and keeps prefixes apart (tenants/a/ vs tenants/ab/)', async () => {
      const aKeys = Array.from({ length: 25 }, (_, i) => `tenants/a/files/${String(i).padStart(3, '0')}`);
      const abKeys = ['tenants/ab/files/000', 'tenants/ab/x'];
      const all = [...aKeys, ...abKeys, 'tenants/b/1'];
      // Put in a scrambled order so that order comes from the store, not from insertion.
      for (const [i, key] of all.map((k, i) => [i, k] as const).sort((x, y) => ((x[0] * 7) % 29) - ((y[0] * 7) % 29))) {
        await store.put(key, `body ${i}`);
      }

      const listedA = await collect(store.list('tenants/a/', { pageSize: 7 }));
      expect(listedA.map((o) => o.key)).toEqual(aKeys);
      for (const o of listedA) {
        expect(o.size).toBeGreaterThan(0);
        expect(o.lastModified).toBeInstanceOf(Date);
      }

      expect((await collect(store.list('tenants/ab/', { pageSize: 7 }))).map((o) => o.key)).toEqual(abKeys);
      // A prefix that is not a whole folder name matches like S3: `tenants/a` covers a/ and ab/.
      const partial = (await collect(store.list('tenants/a', { pageSize: 7 }))).map((o) => o.key);
      expect(partial).toEqual([...aKeys, ...abKeys]);
      const everything = (await collect(store.list('', { pageSize: 3 }))).map((o) => o.key);
      expect(everything).toEqual([...all].sort());
      expect(await collect(store.list('tenants/zzz/'))).toEqual([]);
    });

    it.skipIf(!byteOrder)('lists in UTF-8 byte order when a key is also a folder, and "-" sorts before "/"', async () => {
      const keys = ['x/a/b', 'x/a-c', 'x/a', 'x/B', 'x/a_c', 'x/a/b/c'];
      for (const key of keys) await store.put(key, '1');
      const expected = ['x/B', 'x/a', 'x/a-c', 'x/a/b', 'x/a/b/c', 'x/a_c'];
      expect((await collect(store.list('x/'))).map((o) => o.key)).toEqual(expected);
      expect((await collect(store.list('x/', { pageSize: 1 }))).map((o) => o.key)).toEqual(expected);
      expect((await collect(store.list('x/a', { pageSize: 2 }))).map((o) => o.key)).toEqual(expected.slice(1));
    });

    it('delete is idempotent and the object is gone from head, get and list', async () => {
      await store.put('tenants/t1/files/d1', 'bye');
      await store.put('tenants/t1/files/d2', 'stay');
      await store.delete('tenants/t1/files/d1');
      await store.delete('tenants/t1/files/d1');
      await store.delete('tenants/never/existed');
      expect(await store.head('tenants/t1/files/d1')).toBeNull();
      expect(await errorCode(() => store.get('tenants/t1/files/d1'))).toBe('OBJECT_NOT_FOUND');
      expect((await collect(store.list('tenants/t1/'))).map((o) => o.key)).toEqual(['tenants/t1/files/d2']);
      await store.delete('tenants/t1/files/d2');
      expect(await collect(store.list('tenants/'))).toEqual([]);
      // The "folder" can be reused after it emptied.
      await store.put('tenants/t1/files/d3', 'again');
      expect((await collect(store.list('tenants/t1/'))).map((o) => o.key)).toEqual(['tenants/t1/files/d3']);
    });

    it.each([
      ['../x'],
      ['a/../../x'],
      ['/abs'],
      ['a//b'],
      ['a\\b'],
      ['a\u0000b'],
      ['a\nb'],
      ['./a'],
      ['a/.'],
      ['a/'],
      [''],
      ['x'.repeat(1025)],
      ['\ud800'],
    ])('refuses the invalid key %j everywhere', async (key) => {
      expect(await errorCode(() => store.put(key, 'nope'))).toBe('OBJECT_KEY_INVALID');
      expect(await errorCode(() => store.get(key))).toBe('OBJECT_KEY_INVALID');
      expect(await errorCode(() => store.head(key))).toBe('OBJECT_KEY_INVALID');
      expect(await errorCode(() => store.delete(key))).toBe('OBJECT_KEY_INVALID');
      expect(await errorCode(() => store.presignGet(key, 60))).toBe('OBJECT_KEY_INVALID');
    });

    it.each([['../'], ['/tenants/'], ['a//'], ['a\\'], ['a\u0000'], ['..'], ['a/..']])(
      'refuses the invalid prefix %j',
      async (prefix) => {
        expect(await errorCode(() => collect(store.list(prefix)))).toBe('OBJECT_KEY_INVALID');
      },
    );

    it('refuses metadata that would not survive every backend', async () => {
      expect(await errorCode(() => store.put('a/m', 'x', { metadata: { 'Upper': 'x' } }))).toBe('INVALID_INPUT');
      expect(await errorCode(() => store.put('a/m', 'x', { metadata: { ok: 'naïve' } }))).toBe('INVALID_INPUT');
      expect(await store.head('a/m')).toBeNull();
    });

    it('keys with unusual but valid characters round-trip through put, list and get', async () => {
      const keys = ['u/Report Q1.pdf', 'u/ünïcödé/✓.txt', 'u/.hidden', 'u/a..b', 'u/CON', 'u/trailing.'];
      for (const key of keys) await store.put(key, key);
      const listed = (await collect(store.list('u/'))).map((o) => o.key);
      expect(listed).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      for (const key of keys) expect((await readAll(await store.get(key))).toString('utf8')).toBe(key);
    });

    it('presignGet gives null or a link that plain fetch downloads', async () => {
      const data = randomBytes(100_000);
      await store.put('tenants/t1/exports/link.bin', data, { contentType: 'application/octet-stream' });
      const url = await store.presignGet('tenants/t1/exports/link.bin', 300);
      if (url === null) return; // backends without links (local folder)
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(sha256(body)).toBe(sha256(data));
    });

    it('put stops when its signal aborts mid-stream, and stores nothing', async () => {
      const ac = new AbortController();
      const chunk = randomBytes(256 * 1024);
      let sent = 0;
      const body = new Readable({
        read() {
          sent += chunk.length;
          if (sent === 4 * chunk.length) ac.abort();
          // Endless unless aborted: the test fails by timeout if the signal is ignored.
          setTimeout(() => this.push(chunk), 1);
        },
      });
      await expect(store.put('a/aborted-mid', body, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
      expect(await store.head('a/aborted-mid')).toBeNull();
      expect(await collect(store.list('a/'))).toEqual([]);
    });

    it('put honours an already-aborted signal and stores nothing', async () => {
      const ac = new AbortController();
      ac.abort();
      await expect(store.put('a/aborted', 'x', { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
      expect(await store.head('a/aborted')).toBeNull();
    });
  });
}
