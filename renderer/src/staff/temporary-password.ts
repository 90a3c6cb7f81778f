/**
 * A temporary password an admin hands to a colleague (issue 3: created with a temporary
 * password, changed at first sign-in). Random, 16 characters, one of each class the
 * vendor's rule asks for, and no look-alike characters (0/O, 1/l/I) so it survives being
 * read out on a call. The server still checks it like any other password. Pure, given
 * a source of random integers.
 */
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGIT = '23456789';
const SPECIAL = '#%+=?@!*-_';
const ALL = LOWER + UPPER + DIGIT + SPECIAL;

/** `randomInt(n)` returns an integer in [0, n). */
export type RandomInt = (n: number) => number;

export const cryptoRandomInt: RandomInt = (n) => {
  // Rejection sampling: no modulo bias.
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    const v = buf[0]!;
    if (v < limit) return v % n;
  }
};

export function generateTemporaryPassword(length = 16, randomInt: RandomInt = cryptoRandomInt): string {
  const pick = (set: string) => set.charAt(randomInt(set.length));
  const chars = [pick(LOWER), pick(UPPER), pick(DIGIT), pick(SPECIAL)];
  while (chars.length < Math.max(length, 8)) chars.push(pick(ALL));
  // Fisher–Yates, so the guaranteed classes are not always in front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
