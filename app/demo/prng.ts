import { createCipheriv, createHash } from 'node:crypto';

/**
 * Seeded randomness for the demo fleet (CONVENTIONS.md §11: the same seed gives
 * the same fleet). Never Math.random, never the wall clock: every value is a pure
 * function of the seed and the labels a stream was derived with.
 *
 * Streams are derived per purpose (`Prng.derive(seed, 'tenant', 7, 'persons')`), so
 * that adding rows to one list does not shift the values of every other list.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    // Warm up, as sfc32's authors recommend.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /**
   * A stream for one purpose: the labels hashed to 128 bits (cyrb128) seed sfc32.
   * Not cryptographic, and need not be: it only has to spread nearby labels apart,
   * and be cheap enough for 100,000 catalogue records.
   */
  static derive(seed: number, ...labels: (string | number)[]): Prng {
    const [a, b, c, d] = cyrb128(`custos-demo|${seed}|${labels.join('|')}`);
    return new Prng(a, b, c, d);
  }

  /** sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG): fast, passes PractRand, trivially seedable. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** Log-uniform integer in [min, max]: many small values, a few large (file sizes). */
  logInt(min: number, max: number): number {
    return Math.min(max, Math.floor(Math.exp(Math.log(min) + this.next() * (Math.log(max + 1) - Math.log(min)))));
  }

  /** A skewed position in [0, 1): `bias` > 1 favours the end (recent dates), < 1 the start. */
  skewed(bias: number): number {
    return Math.pow(this.next(), 1 / bias);
  }
}

/** bryc's cyrb128: a fast 128-bit string hash, good enough to seed a PRNG. */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Keys for the ChaCha20 keystream: SHA-256, since a key wants all 256 bits. */
function seedHash(seed: number, labels: readonly (string | number)[]): Buffer {
  return createHash('sha256')
    .update(JSON.stringify(['custos-demo', seed, ...labels]))
    .digest();
}

/**
 * `length` pseudo-random bytes, a pure function of the seed and labels: the
 * ChaCha20 keystream (OpenSSL, ~1 GB/s here, an order faster than a JS loop).
 * Used for attachment bodies that should not compress, like photos and PDFs.
 */
export function prngBytes(length: number, seed: number, ...labels: (string | number)[]): Buffer {
  const key = seedHash(seed, labels);
  const iv = Buffer.alloc(16); // 32-bit block counter 0 + 96-bit nonce 0: one key per body, so no reuse
  return createCipheriv('chacha20', key, iv).update(Buffer.alloc(length));
}
