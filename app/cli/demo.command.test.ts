import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { cliMain } from './main';
import { tempDir } from '../testing/temp-dir';

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
const digestDir = (dir: string) =>
  Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));

describe('custos demo seed', () => {
  it('the same seed gives byte-identical tenant databases, through the CLI into two data folders', async () => {
    const a = tempDir();
    const b = tempDir();
    try {
      const args = (d: string) => ['--data-dir', d, 'demo', 'seed', '--tenants', '12', '--seed', '7', '--as-of', '2026-11-01'];
      expect(await cliMain(args(a.dir), sink())).toBe(0);
      expect(await cliMain(args(b.dir), sink())).toBe(0);
      const da = digestDir(join(a.dir, 'tenants'));
      expect(Object.keys(da)).toHaveLength(12);
      expect(digestDir(join(b.dir, 'tenants'))).toEqual(da);
    } finally {
      a.remove();
      b.remove();
    }
  });

  it('refuses to seed over an existing fleet, with the fix', async () => {
    const a = tempDir();
    try {
      const args = ['--data-dir', a.dir, 'demo', 'seed', '--tenants', '2', '--seed', '1'];
      expect(await cliMain(args, sink())).toBe(0);
      expect(await cliMain(args, sink())).toBe(1);
    } finally {
      a.remove();
    }
  });

  it('refuses nonsense arguments with a clear error', async () => {
    expect(await cliMain(['demo', 'seed', '--tenants', 'many', '--out', '/tmp/never'], sink())).toBe(1);
    expect(await cliMain(['demo', 'seed', '--size', 'huge', '--out', '/tmp/never'], sink())).toBe(1);
  });
});
