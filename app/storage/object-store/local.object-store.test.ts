import { mkdtemp, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment, LocalObjectStore } from './local.object-store';
import { collect, objectStoreSuite } from './object-store.suite';

objectStoreSuite('LocalObjectStore', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'custos-local-store-'));
  const store = new LocalObjectStore({ dir });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('LocalObjectStore on disk', () => {
  let dir: string;
  let store: LocalObjectStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'custos-local-layout-'));
    store = new LocalObjectStore({ dir });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps bytes under objects/, sidecars beside them, and leaves .tmp empty', async () => {
    await store.put('tenants/t1/files/1', 'hello', { contentType: 'text/plain' });
    const folder = path.join(dir, 'objects', 'd_tenants', 'd_t1', 'd_files');
    expect((await readdir(folder)).sort()).toEqual(['m_1', 'o_1']);
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
    expect(store.location).toBe(path.resolve(dir));
  });

  it('delete removes the folders it emptied, and only those', async () => {
    await store.put('tenants/t1/files/1', 'a');
    await store.put('tenants/t1/other', 'b');
    await store.delete('tenants/t1/files/1');
    expect(await readdir(path.join(dir, 'objects', 'd_tenants', 'd_t1'))).toEqual(['m_other', 'o_other']);
    await store.delete('tenants/t1/other');
    expect(await readdir(path.join(dir, 'objects'))).toEqual([]);
  });

  it('a key and a "folder" of the same name coexist, as on S3', async () => {
    await store.put('a', '1');
    await store.put('a/b', '2');
    expect((await collect(store.list(''))).map((o) => o.key)).toEqual(['a', 'a/b']);
  });

  it('list skips files it did not write (stray files, symlinks, leftover sidecars)', async () => {
    await store.put('k/one', '1');
    const folder = path.join(dir, 'objects', 'd_k');
    await writeFile(path.join(folder, 'notes.txt'), 'stray');
    await writeFile(path.join(folder, 'o_bad name'), 'not an encoding we produce');
    await writeFile(path.join(folder, 'm_orphan'), '{}');
    await mkdir(path.join(folder, 'plain-dir'));
    expect((await collect(store.list('k/'))).map((o) => o.key)).toEqual(['k/one']);
  });

  it('removes temp files older than a day on first write, keeps fresh ones', async () => {
    await mkdir(path.join(dir, '.tmp'), { recursive: true });
    const old = path.join(dir, '.tmp', 'old.data');
    const fresh = path.join(dir, '.tmp', 'fresh.data');
    await writeFile(old, 'x');
    await writeFile(fresh, 'y');
    const { utimes } = await import('node:fs/promises');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(old, twoDaysAgo, twoDaysAgo);
    await store.put('k/1', 'z');
    expect(await readdir(path.join(dir, '.tmp'))).toEqual(['fresh.data']);
  });

  it('a failing body leaves no temp file and no object', async () => {
    const { Readable } = await import('node:stream');
    const body = new Readable({
      read() {
        this.destroy(new Error('disk on fire'));
      },
    });
    await expect(store.put('k/broken', body)).rejects.toThrow('disk on fire');
    expect(await store.head('k/broken')).toBeNull();
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
  });

  it('head survives a missing sidecar (size still right, no labels)', async () => {
    await store.put('k/s', 'abc', { contentType: 'text/plain' });
    await rm(path.join(dir, 'objects', 'd_k', 'm_s'));
    const info = await store.head('k/s');
    expect(info?.size).toBe(3);
    expect(info?.contentType).toBeUndefined();
    expect((await stat(path.join(dir, 'objects', 'd_k', 'o_s'))).size).toBe(3);
  });

  it('refuses a key part too long for a file name', async () => {
    await expect(store.put(`k/${'é'.repeat(60)}`, 'x')).rejects.toMatchObject({ code: 'OBJECT_KEY_INVALID' });
  });

  it('presignGet returns null', async () => {
    await store.put('k/1', 'x');
    expect(await store.presignGet('k/1', 60)).toBeNull();
  });
});

describe('segment encoding', () => {
  it.each([
    ['plain-name_1', 'plain-name_1'],
    ['Report.pdf', '%52eport%2Epdf'],
    ['CON', '%43%4F%4E'],
    ['a:b', 'a%3Ab'],
    ['é', '%C3%A9'],
    ['%', '%25'],
  ])('%j ⇄ %j', (segment, encoded) => {
    expect(encodeSegment(segment)).toBe(encoded);
    expect(decodeSegment(encoded)).toBe(segment);
  });

  it.each([['%2e'], ['A'], ['%4'], ['a b']])('refuses to decode %j (not something we wrote)', (name) => {
    expect(decodeSegment(name)).toBeNull();
  });
});
