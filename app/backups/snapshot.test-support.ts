import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { S3ObjectStore } from '../storage/object-store/s3.object-store';
import type { ProgressReport } from '../shared/progress';
import type { S3rverHandle } from '../testing/s3rver';

/** Test support for the snapshot suites: a store per test on either engine, progress capture. */
export interface StoreUnderTest {
  store: ObjectStore;
  dispose(): Promise<void>;
}

export function localStoreFactory(dir: string): () => Promise<StoreUnderTest> {
  return async () => {
    const store = new LocalObjectStore({ dir: `${dir}/store-${randomUUID()}` });
    return { store, dispose: () => store.close() };
  };
}

export function s3StoreFactory(server: () => S3rverHandle): () => Promise<StoreUnderTest> {
  return async () => {
    const s = server();
    const store = await S3ObjectStore.open({
      bucket: s.bucket,
      region: 'eu-west-1',
      endpoint: s.endpoint,
      forcePathStyle: true,
      prefix: `backups-test-${randomUUID()}`,
      credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    });
    return { store, dispose: () => store.close() };
  };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

export function recordProgress(): { reports: ProgressReport[]; sink: (p: ProgressReport) => void; phases: () => string[] } {
  const reports: ProgressReport[] = [];
  return {
    reports,
    sink: (p) => reports.push(p),
    phases: () => [...new Set(reports.map((r) => r.phase))],
  };
}
