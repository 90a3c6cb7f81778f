import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { S3ObjectStore } from '../storage/object-store/s3.object-store';
import type { ObjectStore } from '../storage/object-store/object-store.port';

/** An object store described in JSON, so a crash child process opens the same one as its test. */
export type TestStoreArg = { kind: 'local'; dir: string } | { kind: 's3'; endpoint: string; bucket: string; prefix: string };

export async function openTestStore(arg: TestStoreArg): Promise<ObjectStore> {
  if (arg.kind === 'local') return new LocalObjectStore({ dir: arg.dir });
  return S3ObjectStore.open({
    bucket: arg.bucket,
    region: 'eu-west-1',
    endpoint: arg.endpoint,
    forcePathStyle: true,
    prefix: arg.prefix,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}
