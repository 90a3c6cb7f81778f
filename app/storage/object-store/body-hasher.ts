import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { CustosError } from '../../shared/errors';

/**
 * Counts and hashes the bytes of a body while they stream through, so that every
 * adapter returns the same `{ size, sha256 }` without holding the body in memory
 * (the port's promise: "computed while streaming", because s3rver has no checksums).
 */
export class BodyHasher extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private digest: string | null = null;

  constructor(private readonly expectedLength?: number) {
    super();
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    this.bytes += buf.length;
    if (this.expectedLength !== undefined && this.bytes > this.expectedLength) {
      callback(lengthMismatch(this.expectedLength, this.bytes, 'more'));
      return;
    }
    this.hash.update(buf);
    callback(null, buf);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedLength !== undefined && this.bytes !== this.expectedLength) {
      callback(lengthMismatch(this.expectedLength, this.bytes, 'fewer'));
      return;
    }
    this.digest = this.hash.digest('hex');
    callback();
  }

  /** Size and SHA-256 of everything that passed; only valid once the stream has ended. */
  result(): { size: number; sha256: string } {
    if (this.digest === null) throw new Error('BodyHasher.result() called before the body ended');
    return { size: this.bytes, sha256: this.digest };
  }
}

function lengthMismatch(expected: number, seen: number, direction: 'more' | 'fewer'): CustosError {
  return new CustosError(
    'INVALID_INPUT',
    `The data to store had ${direction} bytes than announced (${expected} announced, ${direction === 'more' ? 'at least ' : ''}${seen} received). Nothing was stored.`,
    'The source was probably cut off or changed while it was read; run the operation again.',
    { expected, seen },
  );
}

/** Turns any accepted body into a stream without copying Buffers or strings chunk by chunk. */
export function toReadable(body: Readable | Buffer | string): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body, 'utf8')]);
  if (Buffer.isBuffer(body)) return Readable.from([body]);
  return body;
}

/** The known length of a body, if any (streams only know it when the caller says so). */
export function knownLength(body: Readable | Buffer | string, declared: number | undefined): number | undefined {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  if (Buffer.isBuffer(body)) return body.length;
  return declared;
}
