import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore, objectStoreConfigSchema, openObjectStore } from './index';

describe('objectStoreConfigSchema', () => {
  it('fills in the default credential variable names', () => {
    expect(objectStoreConfigSchema.parse({ kind: 's3', bucket: 'custos-eu', region: 'eu-west-1' })).toEqual({
      kind: 's3',
      bucket: 'custos-eu',
      region: 'eu-west-1',
      accessKeyIdEnv: 'AWS_ACCESS_KEY_ID',
      secretAccessKeyEnv: 'AWS_SECRET_ACCESS_KEY',
    });
  });

  it('refuses secrets written into the config itself', () => {
    const r = objectStoreConfigSchema.safeParse({
      kind: 's3',
      bucket: 'custos-eu',
      region: 'eu-west-1',
      secretAccessKey: 'oops',
    });
    expect(r.success).toBe(false);
  });

  it('refuses unknown kinds and a local store without a folder', () => {
    expect(objectStoreConfigSchema.safeParse({ kind: 'gcs', bucket: 'x' }).success).toBe(false);
    expect(objectStoreConfigSchema.safeParse({ kind: 'local' }).success).toBe(false);
  });
});

describe('openObjectStore', () => {
  it('opens a local folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'custos-open-'));
    try {
      const store = await openObjectStore({ kind: 'local', dir });
      expect(store).toBeInstanceOf(LocalObjectStore);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports invalid settings as CONFIG_INVALID without echoing values', async () => {
    const err = await openObjectStore({ kind: 's3', bucket: 'b', region: 'eu-west-1', secretAccessKey: 'hunter2' }, {}).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(JSON.stringify(err)).not.toContain('hunter2');
    expect(JSON.stringify((err as { details: unknown }).details)).not.toContain('hunter2');
  });

  it('refuses plain http off loopback before reading credentials or connecting', async () => {
    const err = await openObjectStore(
      { kind: 's3', bucket: 'custos-eu', region: 'eu-west-1', endpoint: 'http://10.0.0.5:9000' },
      { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INSECURE_TRANSPORT' });
  });
});
