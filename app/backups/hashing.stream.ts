import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Counts and hashes bytes as they stream through (one pass over a gigabyte, no
 * buffering), reports progress at most every `reportEveryBytes`, and can stop a
 * stream that grows past a limit (a gzip bomb posing as a snapshot).
 */
export class HashingCounter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  private digest: string | null = null;
  private lastReport = 0;

  constructor(
    private readonly options: {
      onBytes?: (bytes: number) => void;
      reportEveryBytes?: number;
      /** Fails the stream with the error this returns once more than `limit` bytes pass. */
      limit?: { bytes: number; error: () => Error };
    } = {},
  ) {
    super();
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    this.bytes += buf.length;
    const limit = this.options.limit;
    if (limit && this.bytes > limit.bytes) {
      callback(limit.error());
      return;
    }
    this.hash.update(buf);
    const every = this.options.reportEveryBytes ?? 4 * 1024 * 1024;
    if (this.options.onBytes && this.bytes - this.lastReport >= every) {
      this.lastReport = this.bytes;
      this.options.onBytes(this.bytes);
    }
    callback(null, buf);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    this.options.onBytes?.(this.bytes);
    callback();
  }

  /** Only valid once the stream has ended. */
  sha256(): string {
    if (this.digest === null) throw new Error('HashingCounter.sha256() called before the stream ended');
    return this.digest;
  }
}
