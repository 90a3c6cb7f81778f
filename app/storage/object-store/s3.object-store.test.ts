import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type S3rverHandle } from '../../testing/s3rver';
import { openObjectStore } from './index';
import { collect, errorCode, objectStoreSuite, readAll } from './object-store.suite';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3.object-store';

let server: S3rverHandle;

beforeAll(async () => {
  server = await startS3rver();
}, 30_000);

afterAll(async () => {
  await server?.close();
});

function options(extra: Partial<S3ObjectStoreOptions> = {}): S3ObjectStoreOptions {
  return {
    bucket: server.bucket,
    region: 'eu-west-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...extra,
  };
}

/** Everything in the bucket, bypassing the adapter (and its prefix). */
async function rawKeys(): Promise<string[]> {
  const client = new S3Client({
    region: 'eu-west-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  } finally {
    client.destroy();
  }
}

// Each test gets its own key prefix in the one bucket: an empty store, and the prefix option exercised.
objectStoreSuite(
  'S3ObjectStore (s3rver)',
  async () => {
    const store = await S3ObjectStore.open(options({ prefix: `suite-${randomUUID()}` }));
    return { store, dispose: () => store.close() };
  },
  // s3rver walks folders rather than listing in byte order; see the out-of-order test below.
  { byteOrderListing: false },
);

describe('S3ObjectStore listing order guard', () => {
  it('refuses a listing that comes back out of byte order', async () => {
    // s3rver answers `t/a/b` before `t/a` (it walks folders). Across page boundaries it
    // even drops `t/a`, which no client can see from the answers alone: the guard catches
    // the disorder within a page, which is what a default 1000-key page shows.
    const store = await S3ObjectStore.open(options({ prefix: `order-${randomUUID()}` }));
    try {
      await store.put('t/a', '1');
      await store.put('t/a/b', '2');
      const err = await collect(store.list('t/')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CONFIG_INVALID', details: { reason: 'LIST_OUT_OF_ORDER' } });
      await store.delete('t/a');
      await store.delete('t/a/b');
    } finally {
      await store.close();
    }
  });
});

describe('S3ObjectStore.open guards', () => {
  it.each([['us-east-1'], ['eu-west-2'], ['eu-central-2'], ['']])(
    'refuses region %j with BUCKET_OUTSIDE_EEA before writing anything',
    async (region) => {
      const before = await rawKeys();
      expect(await errorCode(() => S3ObjectStore.open(options({ region })))).toBe('BUCKET_OUTSIDE_EEA');
      expect(await rawKeys()).toEqual(before);
    },
  );

  it('refuses plain http to a non-loopback host with INSECURE_TRANSPORT, without connecting', async () => {
    const err = await S3ObjectStore.open(options({ endpoint: 'http://10.0.0.5:9000' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INSECURE_TRANSPORT' });
    expect((err as { hint?: string }).hint).toMatch(/https/);
  });

  it('maps a closed port to OBJECT_STORE_UNREACHABLE', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    expect(await errorCode(() => S3ObjectStore.open(options({ endpoint: `http://127.0.0.1:${port}` })))).toBe(
      'OBJECT_STORE_UNREACHABLE',
    );
  });

  it('refuses a bucket that does not exist with CONFIG_INVALID', async () => {
    expect(await errorCode(() => S3ObjectStore.open(options({ bucket: 'no-such-bucket' })))).toBe('CONFIG_INVALID');
  });

  it('accepts the loopback server (empty location) for an EEA region and reports where it is', async () => {
    const store = await S3ObjectStore.open(options({ region: 'eu-central-1' }));
    try {
      expect(store.location).toContain(server.bucket);
      expect(store.location).toContain('eu-central-1');
    } finally {
      await store.close();
    }
  });
});

describe('S3ObjectStore prefix', () => {
  it('keeps keys under the configured prefix and hides the rest of the bucket', async () => {
    const p = `iso-${randomUUID()}`;
    const a = await S3ObjectStore.open(options({ prefix: `${p}/a` }));
    const b = await S3ObjectStore.open(options({ prefix: `${p}/b/` }));
    try {
      await a.put('tenants/t1/files/1', 'from a');
      await b.put('tenants/t1/files/1', 'from b');
      expect((await rawKeys()).filter((k) => k.startsWith(p)).sort()).toEqual([
        `${p}/a/tenants/t1/files/1`,
        `${p}/b/tenants/t1/files/1`,
      ]);
      expect((await collect(a.list(''))).map((o) => o.key)).toEqual(['tenants/t1/files/1']);
      expect((await readAll(await a.get('tenants/t1/files/1'))).toString()).toBe('from a');
      await a.delete('tenants/t1/files/1');
      expect(await b.head('tenants/t1/files/1')).not.toBeNull();
      await b.delete('tenants/t1/files/1');
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('openObjectStore (s3)', () => {
  it('reads credentials from the named environment variables', async () => {
    const store = await openObjectStore(
      {
        kind: 's3',
        bucket: server.bucket,
        region: 'eu-north-1',
        endpoint: server.endpoint,
        forcePathStyle: true,
        prefix: `cfg-${randomUUID()}`,
        accessKeyIdEnv: 'CUSTOS_TEST_KEY',
        secretAccessKeyEnv: 'CUSTOS_TEST_SECRET',
      },
      { CUSTOS_TEST_KEY: 'S3RVER', CUSTOS_TEST_SECRET: 'S3RVER' },
    );
    try {
      const put = await store.put('k', 'v');
      expect(put.size).toBe(1);
      await store.delete('k');
    } finally {
      await store.close();
    }
  });

  it('refuses to open when the credential variables are missing', async () => {
    const err = await openObjectStore(
      { kind: 's3', bucket: server.bucket, region: 'eu-west-1', endpoint: server.endpoint, forcePathStyle: true },
      {},
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', details: { missing: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] } });
  });

  it('refuses a us-east-1 configuration before looking at credentials or the network', async () => {
    expect(
      await errorCode(() =>
        openObjectStore(
          { kind: 's3', bucket: server.bucket, region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true },
          { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
        ),
      ),
    ).toBe('BUCKET_OUTSIDE_EEA');
  });
});
