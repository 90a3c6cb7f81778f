import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder that the returned function removes (CONVENTIONS.md §3: whatever opens, closes). */
export function tempDir(prefix = 'custos-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Cheap KDF parameters for unit tests only: argon2id with production cost takes ~0.2 s a hash. */
export const TEST_KDF = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
