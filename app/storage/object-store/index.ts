import { z } from 'zod';
import { CustosError } from '../../shared/errors';
import { LocalObjectStore } from './local.object-store';
import type { ObjectStore } from './object-store.port';
import { assertEeaRegion } from './eea.policy';
import { S3ObjectStore } from './s3.object-store';
import { assertSecureTransport } from './transport.policy';

/**
 * The object store's public face: the port, its two adapters, and
 * `openObjectStore(config)` that turns a parsed configuration into a store.
 */
export type { ObjectInfo, ObjectStore, PutOptions, PutResult, ListOptions } from './object-store.port';
export { objectKeys } from './object-store.port';
export { validateKey, validatePrefix, MAX_KEY_BYTES } from './object-key';
export { LocalObjectStore, type LocalObjectStoreOptions } from './local.object-store';
export { S3ObjectStore, type S3ObjectStoreOptions } from './s3.object-store';
export { EEA_AWS_REGIONS, isEeaRegion } from './eea.policy';
export { isLoopbackHost } from './transport.policy';

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/**
 * Object store configuration, as found in a config file. Secrets are never in it:
 * the S3 access key is read from the environment variables it names (strict
 * objects, so a `secretAccessKey` field in a config file is refused, not ignored).
 */
export const objectStoreConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('local'),
    dir: z.string().min(1),
  }),
  z.strictObject({
    kind: z.literal('s3'),
    bucket: z.string().min(3).max(63),
    region: z.string().min(1),
    endpoint: z.string().min(1).optional(),
    forcePathStyle: z.boolean().optional(),
    prefix: z.string().optional(),
    accessKeyIdEnv: envVarName.default('AWS_ACCESS_KEY_ID'),
    secretAccessKeyEnv: envVarName.default('AWS_SECRET_ACCESS_KEY'),
    /** For temporary (STS) credentials; unset by default. */
    sessionTokenEnv: envVarName.optional(),
  }),
]);

export type ObjectStoreConfig = z.output<typeof objectStoreConfigSchema>;
export type ObjectStoreConfigInput = z.input<typeof objectStoreConfigSchema>;

/**
 * Parses the configuration at the boundary (CONVENTIONS.md §5) and opens the store.
 * For S3, every guard of {@link S3ObjectStore.open} runs before this resolves.
 */
export async function openObjectStore(config: unknown, env: NodeJS.ProcessEnv = process.env): Promise<ObjectStore> {
  const parsed = objectStoreConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new CustosError(
      'CONFIG_INVALID',
      'The object store settings are not valid.',
      'Fix the listed settings. Access keys belong in environment variables, never in the settings file.',
      // Paths and messages only: never the values, which could be secrets pasted in the wrong place.
      { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    );
  }
  const cfg = parsed.data;
  if (cfg.kind === 'local') return new LocalObjectStore({ dir: cfg.dir });

  // Config-only guards first, so that the most important refusal is the one staff see.
  assertSecureTransport(cfg.endpoint);
  assertEeaRegion(cfg.region);

  const accessKeyId = env[cfg.accessKeyIdEnv];
  const secretAccessKey = env[cfg.secretAccessKeyEnv];
  const sessionToken = cfg.sessionTokenEnv !== undefined ? env[cfg.sessionTokenEnv] : undefined;
  const missing = [
    !accessKeyId ? cfg.accessKeyIdEnv : null,
    !secretAccessKey ? cfg.secretAccessKeyEnv : null,
    cfg.sessionTokenEnv !== undefined && !sessionToken ? cfg.sessionTokenEnv : null,
  ].filter((v): v is string => v !== null);
  if (missing.length > 0 || !accessKeyId || !secretAccessKey) {
    throw new CustosError(
      'CONFIG_INVALID',
      `The object store access key is missing: the environment variable${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.`,
      'Set them in the environment of the console or the custos command (for example in the systemd unit), then start it again.',
      { missing },
    );
  }
  return S3ObjectStore.open({
    bucket: cfg.bucket,
    region: cfg.region,
    ...(cfg.endpoint !== undefined ? { endpoint: cfg.endpoint } : {}),
    ...(cfg.forcePathStyle !== undefined ? { forcePathStyle: cfg.forcePathStyle } : {}),
    ...(cfg.prefix !== undefined ? { prefix: cfg.prefix } : {}),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  });
}
