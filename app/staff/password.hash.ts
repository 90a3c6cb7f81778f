import { hash, verify } from '@node-rs/argon2';
import { normalizePassword } from './password.policy';

/**
 * argon2id, m = 64 MiB, t = 3, p = 1 (SECURITY.md), stored as a PHC string.
 * @node-rs/argon2 ships prebuilt N-API binaries inside the npm package, so it
 * installs here and under Electron without a compiler.
 */
export interface KdfParams {
  memoryCost: number; // KiB
  timeCost: number;
  parallelism: number;
}

export const PRODUCTION_KDF: KdfParams = { memoryCost: 65536, timeCost: 3, parallelism: 1 };

export async function hashPassword(password: string, params: KdfParams = PRODUCTION_KDF): Promise<string> {
  // Algorithm 2 = Argon2id.
  return hash(normalizePassword(password), { algorithm: 2, ...params });
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, normalizePassword(password));
  } catch {
    return false;
  }
}

/** True when a stored hash is weaker than the current parameters, so sign-in rehashes it. */
export function needsRehash(phc: string, params: KdfParams = PRODUCTION_KDF): boolean {
  const m = /\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
  if (!m) return true;
  return Number(m[1]) < params.memoryCost || Number(m[2]) < params.timeCost;
}

/**
 * A fixed hash verified when the e-mail is unknown, so an unknown account costs
 * the same time as a wrong password (no user enumeration by timing).
 */
let dummyHash: Promise<string> | null = null;
export function dummyHashFor(params: KdfParams): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-Aa1!', params);
  return dummyHash;
}
