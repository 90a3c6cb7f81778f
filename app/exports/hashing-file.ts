import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';

/** What one written package file is: its path relative to the package, size and SHA-256. */
export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * A file written front to back with its SHA-256 computed on the way (so SHA256SUMS
 * needs no second read; verify then reads the disk independently). Backpressure:
 * `write` returns false when the caller should `await drain()`.
 */
export class HashingFile {
  private readonly stream: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private error: Error | null = null;
  private closed = false;
  bytes = 0;

  constructor(
    readonly absPath: string,
    readonly relPath: string,
  ) {
    this.stream = createWriteStream(absPath, { flags: 'wx', mode: 0o644, highWaterMark: 1 << 20, flush: true });
    this.stream.on('error', (e) => {
      this.error ??= e;
    });
  }

  write(buf: Buffer): boolean {
    if (this.error) throw this.error;
    this.hash.update(buf);
    this.bytes += buf.length;
    return this.stream.write(buf);
  }

  get needsDrain(): boolean {
    return this.stream.writableNeedDrain;
  }

  async drain(): Promise<void> {
    if (this.error) throw this.error;
    if (!this.stream.writableNeedDrain) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (e: Error): void => {
        this.stream.off('drain', onDrain);
        reject(e);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }

  /** Flushes, fsyncs (the package is trusted only once it is on disk) and closes. */
  async close(): Promise<WrittenFile> {
    if (this.error) throw this.error;
    this.closed = true;
    await new Promise<void>((resolve, reject) => {
      // end()'s callback is not called when the stream fails (e.g. the file could not be opened): listen for both.
      const onError = (e: Error): void => reject(e);
      this.stream.once('error', onError);
      this.stream.end(() => {
        this.stream.off('error', onError);
        resolve();
      });
    });
    if (this.error) throw this.error;
    return { path: this.relPath, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Closes without caring about the contents (cancel, failure). */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      if (this.stream.destroyed) return resolve();
      this.stream.once('close', () => resolve());
      this.stream.destroy();
    });
  }
}
