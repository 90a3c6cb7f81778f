import {
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { addAbortSignal, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CustosError } from '../../shared/errors';
import { BodyHasher, knownLength, toReadable } from './body-hasher';
import { assertBucketLocation, assertEeaRegion } from './eea.policy';
import { validateContentType, validateKey, validateMetadata, validatePrefix } from './object-key';
import type { ListOptions, ObjectInfo, ObjectStore, PutOptions, PutResult } from './object-store.port';
import { assertSecureTransport } from './transport.policy';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** AWS region of the bucket; must be on the EEA allow-list (eea.policy.ts). */
  region: string;
  /** S3-compatible endpoint; https only, except a server on this machine (transport.policy.ts). */
  endpoint?: string;
  /** Path-style URLs (`https://host/bucket/key`), needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
  /** Omitted: the AWS SDK's default chain. `openObjectStore` always passes them, read from environment variables. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Keys live under this prefix in the bucket (one bucket shared by several installations). '/' is appended if missing. */
  prefix?: string;
}

/** Multipart upload with bounded memory: at most QUEUE_SIZE × PART_SIZE bytes buffered per put. */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60; // SigV4 limit

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The key itself was refused (as opposed to AccessDenied: a valid key without a permission). */
const CREDENTIAL_ERRORS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  errors?: unknown[];
  cause?: unknown;
}

function networkCode(e: unknown, depth = 0): string | null {
  if (typeof e !== 'object' || e === null || depth > 3) return null;
  const err = e as SdkErrorShape;
  if (err.code && NETWORK_CODES.has(err.code)) return err.code;
  if (err.name === 'TimeoutError') return 'TIMEOUT';
  // Node's happy-eyeballs connect (e.g. `localhost` → ::1 and 127.0.0.1) throws an AggregateError.
  for (const inner of err.errors ?? []) {
    const c = networkCode(inner, depth + 1);
    if (c) return c;
  }
  return networkCode(err.cause, depth + 1);
}

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Error).name === 'AbortError';
}

function status(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null ? (e as SdkErrorShape).$metadata?.httpStatusCode : undefined;
}

function errorName(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as SdkErrorShape;
  return err.Code ?? err.name;
}

export function isNotFound(e: unknown): boolean {
  const name = errorName(e);
  return name === 'NoSuchKey' || name === 'NotFound' || (status(e) === 404 && name !== 'NoSuchBucket');
}

/** Turns an SDK failure into an error that carries the fix (CONVENTIONS.md §6); unknown ones pass through. */
export function mapS3Error(e: unknown, ctx: { bucket: string; location: string; key?: string }): unknown {
  if (e instanceof CustosError || isAbort(e)) return e;
  const net = networkCode(e);
  if (net) {
    return new CustosError(
      'OBJECT_STORE_UNREACHABLE',
      `The object store ${ctx.location} could not be reached.`,
      'Check the network connection and the endpoint address, then try again. If the store is a server you run, check that it is up.',
      { bucket: ctx.bucket, cause: net },
    );
  }
  const name = errorName(e);
  const code = status(e);
  if (ctx.key !== undefined && isNotFound(e)) {
    return new CustosError(
      'OBJECT_NOT_FOUND',
      'The requested file is not in the object store.',
      'It may have been deleted or never finished uploading. Check the key, or re-run the job that produces it.',
      { bucket: ctx.bucket, key: ctx.key },
    );
  }
  if (name === 'NoSuchBucket') {
    return new CustosError(
      'CONFIG_INVALID',
      `The bucket "${ctx.bucket}" does not exist.`,
      'Check the bucket name in the object store settings, or create the bucket (in an EEA region) first.',
      { bucket: ctx.bucket },
    );
  }
  if (name === 'AccessDenied' || (name !== undefined && CREDENTIAL_ERRORS.has(name)) || code === 403) {
    return new CustosError(
      'CONFIG_INVALID',
      `The object store refused Custos's access key for bucket "${ctx.bucket}" (${name ?? code}).`,
      'Check the access key and secret in the environment variables, and that the key is allowed to read, write, list and delete in this bucket.',
      { bucket: ctx.bucket, reason: name ?? String(code) },
    );
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || code === 301) {
    return new CustosError(
      'CONFIG_INVALID',
      `The bucket "${ctx.bucket}" is not in the configured region.`,
      'Set the object store region to the region the bucket was created in.',
      { bucket: ctx.bucket },
    );
  }
  if (code !== undefined && code >= 500) {
    return new CustosError(
      'OBJECT_STORE_UNREACHABLE',
      `The object store ${ctx.location} is not answering properly right now (HTTP ${code}).`,
      'Try again in a few minutes; if it keeps happening, check the storage provider’s status page.',
      { bucket: ctx.bucket, status: code, reason: name },
    );
  }
  return e;
}

/**
 * ObjectStore on an S3 bucket (AWS, or an S3-protocol server on loopback in tests).
 *
 * Created only through {@link S3ObjectStore.open}, which checks transport and the
 * EEA guard before a single byte is written (SECURITY.md, abuse case 7).
 */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;

  private constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly keyPrefix: string,
    location: string,
  ) {
    this.location = location;
  }

  /**
   * Guards, in order, all before any data is written:
   * 1. transport: https, or plain http to a loopback host only (no request is sent otherwise);
   * 2. the configured region is on the EEA allow-list (no request is sent otherwise);
   * 3. GetBucketLocation: the bucket really is in that region (see eea.policy.ts for the
   *    empty-answer rule and its loopback exception).
   * Transport comes first so that not even the location query travels in clear text.
   */
  static async open(options: S3ObjectStoreOptions): Promise<S3ObjectStore> {
    const { loopback } = assertSecureTransport(options.endpoint);
    assertEeaRegion(options.region);
    if (typeof options.bucket !== 'string' || options.bucket === '') {
      throw new CustosError('CONFIG_INVALID', 'The object store bucket name is missing.', 'Set the bucket name in the object store settings.');
    }
    let keyPrefix = options.prefix ?? '';
    if (keyPrefix !== '' && !keyPrefix.endsWith('/')) keyPrefix += '/';
    validatePrefix(keyPrefix);

    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 10_000 },
      // Local S3-protocol servers (s3rver) do not understand the SDK's default flexible
      // checksums (aws-chunked bodies with trailers). On AWS we keep them; integrity end to
      // end is our own SHA-256 either way.
      ...(loopback ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    };
    if (options.endpoint !== undefined) config.endpoint = options.endpoint;
    if (options.credentials) config.credentials = { ...options.credentials };

    const location = `s3://${options.bucket}${keyPrefix ? `/${keyPrefix}` : ''} (${options.region}${options.endpoint ? `, ${new URL(options.endpoint).host}` : ''})`;
    const client = new S3Client(config);
    try {
      let constraint: string | undefined;
      try {
        const res = await client.send(new GetBucketLocationCommand({ Bucket: options.bucket }));
        constraint = res.LocationConstraint;
      } catch (e) {
        const name = errorName(e);
        const mapped = mapS3Error(e, { bucket: options.bucket, location });
        const unreachable = mapped instanceof CustosError && mapped.code === 'OBJECT_STORE_UNREACHABLE';
        const badCredentials = name !== undefined && CREDENTIAL_ERRORS.has(name);
        if (isAbort(e) || unreachable || badCredentials || name === 'NoSuchBucket') throw mapped;
        // Fail closed: a bucket whose location we cannot read (AccessDenied, NotImplemented,
        // anything unexpected) is not known to be in the EEA.
        throw new CustosError(
          'BUCKET_OUTSIDE_EEA',
          `Custos could not confirm that the bucket "${options.bucket}" is in the European Economic Area, so nothing was written to it.`,
          'Allow the access key to call s3:GetBucketLocation on this bucket, then try again.',
          { bucket: options.bucket, reason: name ?? 'unknown' },
        );
      }
      assertBucketLocation(options.bucket, {
        configuredRegion: options.region,
        locationConstraint: constraint,
        endpointIsLoopback: loopback,
      });
    } catch (e) {
      client.destroy();
      throw e;
    }
    return new S3ObjectStore(client, options.bucket, keyPrefix, location);
  }

  private ctx(key?: string) {
    return key === undefined ? { bucket: this.bucket, location: this.location } : { bucket: this.bucket, location: this.location, key };
  }

  async put(key: string, body: Readable | Buffer | string, options: PutOptions = {}): Promise<PutResult> {
    validateKey(key);
    validateMetadata(options.metadata);
    validateContentType(options.contentType);
    options.signal?.throwIfAborted();

    const source = toReadable(body);
    const hasher = new BodyHasher(knownLength(body, options.contentLength));
    // Remember the first failure of the body itself (a source error, a length mismatch): when
    // it makes the upload fail, it is the error worth reporting.
    let bodyError: unknown;
    let stopping = false;
    const recordBodyError = (e: unknown) => {
      if (!stopping) bodyError ??= e;
    };
    source.on('error', recordBodyError);
    hasher.on('error', recordBodyError);
    const pumping = pipeline(source, hasher).catch(() => {});

    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.keyPrefix + key,
        Body: hasher,
        ...(options.contentType !== undefined ? { ContentType: options.contentType } : {}),
        ...(options.metadata !== undefined ? { Metadata: { ...options.metadata } } : {}),
      },
      queueSize: QUEUE_SIZE,
      partSize: PART_SIZE,
      leavePartsOnError: false, // a failed multipart upload is aborted, leaving no billable parts
    });
    const onAbort = () => void upload.abort().catch(() => {});
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
      await pumping;
    } catch (e) {
      stopping = true;
      source.destroy();
      hasher.destroy();
      await pumping;
      if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : abortError();
      throw bodyError !== undefined ? bodyError : mapS3Error(e, this.ctx());
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (bodyError !== undefined) throw bodyError;
    const { size, sha256 } = hasher.result();
    return { key, size, sha256 };
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    validateKey(key);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      const body = res.Body;
      if (!(body instanceof Readable)) throw new Error('S3 GetObject returned no Node stream');
      return options.signal ? addAbortSignal(options.signal, body) : body;
    } catch (e) {
      throw mapS3Error(e, this.ctx(key));
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    validateKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key }));
      const info: ObjectInfo = { key, size: res.ContentLength ?? 0, lastModified: res.LastModified ?? new Date(0) };
      if (res.ETag !== undefined) info.etag = res.ETag;
      if (res.ContentType !== undefined) info.contentType = res.ContentType;
      if (res.Metadata !== undefined) info.metadata = { ...res.Metadata };
      return info;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw mapS3Error(e, this.ctx());
    }
  }

  /**
   * Keys are yielded as the bucket has them, minus our prefix. Objects put there by other
   * tools are yielded even when their keys would not pass validateKey: a purge or a
   * verification must see everything under a tenant's prefix, not a filtered view.
   */
  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    const pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new CustosError('INVALID_INPUT', 'The list page size must be a whole number from 1 to 1000.', 'This is a bug in the caller.');
    }
    let token: string | undefined;
    let previous: Buffer | null = null;
    do {
      options.signal?.throwIfAborted();
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.keyPrefix + prefix,
            MaxKeys: pageSize,
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
          options.signal ? { abortSignal: options.signal } : {},
        );
      } catch (e) {
        throw mapS3Error(e, this.ctx());
      }
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || !o.Key.startsWith(this.keyPrefix)) continue;
        // S3 lists in UTF-8 byte order and continues each page after the last key. A server
        // that does not (s3rver, when a key is also a "folder": `a` and `a/b`) skips keys
        // across pages. Disorder we can see (within a page, or between pages) is refused
        // rather than letting a purge verification trust an incomplete listing.
        const current = Buffer.from(o.Key, 'utf8');
        if (previous !== null && Buffer.compare(previous, current) >= 0) throw outOfOrder(this.bucket, this.location);
        previous = current;
        const info: ObjectInfo = { key: o.Key.slice(this.keyPrefix.length), size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
        if (o.ETag !== undefined) info.etag = o.ETag;
        yield info;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key }));
    } catch (e) {
      if (isNotFound(e)) return; // S3 itself answers 204 for a missing key; some compatible servers do not
      throw mapS3Error(e, this.ctx());
    }
  }

  async presignGet(key: string, expiresInSeconds: number): Promise<string | null> {
    validateKey(key);
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
      throw new CustosError(
        'INVALID_INPUT',
        `A download link must expire within 1 second to 7 days (${MAX_PRESIGN_SECONDS} seconds).`,
        'Choose a shorter validity for the link.',
      );
    }
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key }), {
      expiresIn: expiresInSeconds,
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function outOfOrder(bucket: string, location: string): CustosError {
  return new CustosError(
    'CONFIG_INVALID',
    `The object store ${location} listed its files out of order, so its listings cannot be trusted to be complete.`,
    'This storage server is not fully S3-compatible. Use AWS S3 (in an EEA region) or a server that lists keys in byte order.',
    { bucket, reason: 'LIST_OUT_OF_ORDER' },
  );
}

function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}
