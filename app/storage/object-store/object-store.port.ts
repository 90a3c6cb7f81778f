import type { Readable } from 'node:stream';

/**
 * Object storage port (ARCHITECTURE.md "ports"): tenant attachments, backup
 * snapshots, export packages, deletion certificates. Keys are laid out by tenant
 * ID prefix so that one tenant's objects can be listed, verified and purged.
 *
 * Keys are '/'-separated, relative, without '.' or '..' segments, no empty
 * segments, no backslashes or control characters; adapters refuse anything else
 * with OBJECT_KEY_INVALID.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
  etag?: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface PutOptions {
  contentType?: string;
  /** Small string metadata (x-amz-meta-*). Keys lower-case ASCII. */
  metadata?: Record<string, string>;
  /** Known length, if the body is a stream: lets adapters skip buffering. */
  contentLength?: number;
  signal?: AbortSignal;
}

export interface PutResult {
  key: string;
  size: number;
  /** SHA-256 of the bytes written, hex. Computed while streaming (s3rver has no checksums). */
  sha256: string;
}

export interface ListOptions {
  /** Page size used against the backend (tests lower it to exercise pagination). */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ObjectStore {
  /** Human-readable location, e.g. `s3://bucket (eu-west-1)` or a folder path. */
  readonly location: string;
  put(key: string, body: Readable | Buffer | string, options?: PutOptions): Promise<PutResult>;
  /** Streams the object. Throws CustosError OBJECT_NOT_FOUND when absent. */
  get(key: string, options?: { signal?: AbortSignal }): Promise<Readable>;
  /** Returns null when absent. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Every object whose key starts with `prefix`, in key order, paginated under the hood. */
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo>;
  /** Deleting an absent key is not an error (idempotent, for crash-safe reruns). */
  delete(key: string): Promise<void>;
  /** A time-limited download link, or null where the backend has none (local folder). */
  presignGet(key: string, expiresInSeconds: number): Promise<string | null>;
  close(): Promise<void>;
}

/** Where a tenant's objects live: one prefix per kind, all under the tenant ID. */
export const objectKeys = {
  tenantRoot: (tenantId: string) => `tenants/${tenantId}/`,
  attachmentsPrefix: (tenantId: string) => `tenants/${tenantId}/files/`,
  attachment: (tenantId: string, fileId: number | string) => `tenants/${tenantId}/files/${fileId}`,
  backupsPrefix: (tenantId: string) => `backups/${tenantId}/`,
  exportsPrefix: (tenantId: string) => `exports/${tenantId}/`,
  certificatesPrefix: () => `certificates/`,
} as const;
