/**
 * Temporary tenant copies (PostgreSQL dumps, restores being loaded) hold customer
 * data: what a crashed run leaves is swept at console start, what a live process
 * (another console, a CLI job on the same data folder) is using is left alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import { makeTenantCopyDir, sweepTenantCopies, tenantCopiesDir } from './tenant-databases';

let tmp: { dir: string; remove: () => void };
beforeEach(() => {
  tmp = tempDir('custos-copies-');
});
afterEach(() => tmp.remove());

/** The ID of a process that has exited (a crashed console). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('sweepTenantCopies', () => {
  it('removes copies whose process is gone, keeps those of a running one, and drops emptied tenant folders', async () => {
    const mine = await makeTenantCopyDir(tmp.dir, 't-000001', 'copy');
    writeFileSync(join(mine, 'tenant.sqlite'), 'customer data');
    const crashed = join(tenantCopiesDir(tmp.dir, 't-000002'), 'restore-abc123');
    mkdirSync(crashed, { recursive: true });
    writeFileSync(join(crashed, 'owner.pid'), String(deadPid()));
    writeFileSync(join(crashed, 'tenant.sqlite'), 'customer data');

    const { removed } = await sweepTenantCopies(tmp.dir);
    expect(removed).toEqual([crashed]);
    expect(existsSync(join(mine, 'tenant.sqlite'))).toBe(true);
    expect(existsSync(tenantCopiesDir(tmp.dir, 't-000002'))).toBe(false);
  });

  it('a folder without an owner (a crash right after it was made) goes once it is an hour old', async () => {
    const orphan = join(tenantCopiesDir(tmp.dir, 't-000003'), 'copy-xyz');
    mkdirSync(orphan, { recursive: true });
    expect((await sweepTenantCopies(tmp.dir)).removed).toEqual([]);
    expect((await sweepTenantCopies(tmp.dir, Date.now() + 2 * 3_600_000)).removed).toEqual([orphan]);
  });

  it('no temp folder yet: nothing to do', async () => {
    expect(await sweepTenantCopies(join(tmp.dir, 'absent'))).toEqual({ removed: [] });
  });
});
