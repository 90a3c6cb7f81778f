import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import { readTarGz } from './tar.reader';
import { TarGzVolumes } from './tar-gz.volumes';

const execFileP = promisify(execFile);
const LIMIT = 64 * 1024;

function noise(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let off = 0, n = 0; off < size; off += 32, n++) createHash('sha256').update(`${seed}-${n}`).digest().copy(out, off);
  return out;
}
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let tmp: { dir: string; remove: () => void };
beforeEach(() => {
  tmp = tempDir('custos-tgz-');
});
afterEach(() => tmp.remove());

describe('attachment volumes', () => {
  it('splits files over self-contained volumes under the limit, one file never in two, and GNU tar reads each alone', async () => {
    const absDir = path.join(tmp.dir, 'attachments');
    const vols = new TarGzVolumes({ absDir, relDir: 'attachments', limitBytes: LIMIT });
    const files = Array.from({ length: 9 }, (_, i) => ({ path: `files/${i + 1}/Café ${'ü'.repeat(i * 10)}.bin`, data: noise(i, 15_000 + i * 700) }));
    const where: string[] = [];
    for (const f of files) where.push((await vols.add({ path: f.path, size: f.data.length, mtime: new Date('2025-06-30T12:00:00Z'), source: { kind: 'buffer', data: f.data } })).volume);
    const written = await vols.close();
    expect(written.length).toBeGreaterThan(2);
    expect(new Set(where).size).toBe(written.length);
    for (const w of written) {
      const abs = path.join(tmp.dir, w.path);
      expect(statSync(abs).size).toBe(w.bytes);
      expect(w.bytes).toBeLessThanOrEqual(LIMIT);
      expect(sha(readFileSync(abs))).toBe(w.sha256);
      // Each volume alone, with the system's tar.
      const listed = (await execFileP('tar', ['-tzf', abs])).stdout.trim().split('\n');
      expect(listed).toEqual(files.filter((_, i) => where[i] === w.path).map((f) => f.path));
      const out = path.join(tmp.dir, `x-${path.basename(w.path)}`);
      mkdirSync(out);
      await execFileP('tar', ['-xzf', abs, '-C', out]);
      for (const name of listed) expect(sha(readFileSync(path.join(out, name)))).toBe(sha(files.find((f) => f.path === name)?.data as Buffer));
      // And with our reader.
      const entries = [];
      for await (const e of readTarGz(abs)) entries.push(e);
      expect(entries.map((e) => [e.path, e.size, e.sha256])).toEqual(listed.map((n) => {
        const f = files.find((x) => x.path === n) as { data: Buffer };
        return [n, f.data.length, sha(f.data)];
      }));
    }
  });

  it('packs compressible files beyond the limit in uncompressed bytes, still under it compressed', async () => {
    const vols = new TarGzVolumes({ absDir: path.join(tmp.dir, 'a'), relDir: 'attachments', limitBytes: LIMIT });
    const text = Buffer.from('id;name;amount\n1;Zoë;12.50\n'.repeat(2000)); // ~54 KB, compresses well
    for (let i = 0; i < 4; i++) await vols.add({ path: `files/${i}/ledger.csv`, size: text.length, mtime: new Date(0), source: { kind: 'buffer', data: text } });
    const written = await vols.close();
    expect(written).toHaveLength(1);
    expect(written[0]?.bytes).toBeLessThanOrEqual(LIMIT);
  });

  it('stores files that do not compress and compresses those that do, switching level inside one gzip stream', async () => {
    const vols = new TarGzVolumes({ absDir: path.join(tmp.dir, 'm'), relDir: 'm', limitBytes: 1024 * 1024 });
    const text = Buffer.from('id;name;amount\n1;Zoë;12.50\n'.repeat(1500));
    const files = [noise(7, 40_000), text, noise(8, 30_000), text];
    for (const [i, data] of files.entries()) await vols.add({ path: `files/${i}/f`, size: data.length, mtime: new Date(0), source: { kind: 'buffer', data } });
    const [w] = await vols.close();
    const abs = path.join(tmp.dir, w?.path ?? '');
    // Noise stored (about its own size), text squeezed: the volume is a little over the noise alone.
    expect(w?.bytes).toBeGreaterThan(70_000);
    expect(w?.bytes).toBeLessThan(70_000 + 6_000);
    const out = path.join(tmp.dir, 'mx');
    mkdirSync(out);
    await execFileP('tar', ['-xzf', abs, '-C', out]);
    files.forEach((data, i) => expect(sha(readFileSync(path.join(out, `files/${i}/f`)))).toBe(sha(data)));
  });

  it('gives a file larger than the limit a volume of its own', async () => {
    const vols = new TarGzVolumes({ absDir: path.join(tmp.dir, 'b'), relDir: 'attachments', limitBytes: LIMIT });
    const small = noise(1, 10_000);
    const big = noise(2, 100_000);
    const r1 = await vols.add({ path: 'files/1/a', size: small.length, mtime: new Date(0), source: { kind: 'buffer', data: small } });
    const r2 = await vols.add({ path: 'files/2/b', size: big.length, mtime: new Date(0), source: { kind: 'buffer', data: big } });
    const r3 = await vols.add({ path: 'files/3/c', size: small.length, mtime: new Date(0), source: { kind: 'buffer', data: small } });
    expect(r2.oversize).toBe(true);
    expect(new Set([r1.volume, r2.volume, r3.volume]).size).toBe(3);
    const written = await vols.close();
    expect(written.map((w) => w.path)).toEqual(['attachments/attachments-001.tar.gz', 'attachments/attachments-002.tar.gz', 'attachments/attachments-003.tar.gz']);
  });

  it('copies spooled files and refuses a spool that changed size (never pads like node-tar)', async () => {
    const vols = new TarGzVolumes({ absDir: path.join(tmp.dir, 'c'), relDir: 'attachments', limitBytes: LIMIT });
    const spool = path.join(tmp.dir, 'spool');
    writeFileSync(spool, noise(3, 5000));
    await vols.add({ path: 'files/1/ok.bin', size: 5000, mtime: new Date(0), source: { kind: 'file', path: spool } });
    await expect(vols.add({ path: 'files/2/short.bin', size: 6000, mtime: new Date(0), source: { kind: 'file', path: spool } })).rejects.toThrow(/changed size/);
    await vols.abort();
  });

  it('refuses a truncated volume when reading it back', async () => {
    const vols = new TarGzVolumes({ absDir: path.join(tmp.dir, 'd'), relDir: 'd', limitBytes: LIMIT });
    await vols.add({ path: 'files/1/a.bin', size: 30_000, mtime: new Date(0), source: { kind: 'buffer', data: noise(4, 30_000) } });
    const [w] = await vols.close();
    const abs = path.join(tmp.dir, w?.path ?? '');
    const cut = path.join(tmp.dir, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(abs).subarray(0, 20_000));
    await expect(async () => {
      for await (const _ of readTarGz(cut)) void _;
    }).rejects.toThrow();
  });
});
