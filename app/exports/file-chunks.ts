import { open } from 'node:fs/promises';

/**
 * A file's bytes in order, read into ONE reused buffer: each chunk is valid only until
 * the consumer asks for the next one (decode or hash it at once). Verify reads whole
 * packages this way without leaving a garbage Buffer per chunk for the collector
 * (createReadStream allocates one per chunk; issue 4 bounds peak memory).
 */
export async function* readFileChunks(path: string, options: { signal?: AbortSignal; chunkSize?: number } = {}): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  const buf = Buffer.allocUnsafe(options.chunkSize ?? 256 * 1024);
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
