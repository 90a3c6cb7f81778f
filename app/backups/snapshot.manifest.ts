import { z } from 'zod';
import { TENANT_SCHEMA_VERSION } from '../schema';
import { CustosError } from '../shared/errors';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { SNAPSHOT_ID_PATTERN, snapshotKeys } from './snapshot.keys';

/**
 * The manifest of a snapshot (issue 5): what the snapshot holds and how to check it.
 * Written last — a data object without a manifest is not a snapshot — and parsed at
 * the boundary whenever it is read back (CONVENTIONS.md §5): a manifest comes from a
 * bucket that other tools, people and bit rot can touch.
 */
export const SNAPSHOT_MANIFEST_FORMAT = 'custos.snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

/** Tenant schema versions this console can restore (older ones are migrated forward on restore). */
export const RESTORABLE_SCHEMA_VERSIONS = { min: 1, max: TENANT_SCHEMA_VERSION } as const;

/** A manifest is a few kilobytes; anything much larger is not one of ours. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex');
const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const snapshotManifestSchema = z.object({
  format: z.literal(SNAPSHOT_MANIFEST_FORMAT),
  formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
  tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  snapshotId: z.string().regex(SNAPSHOT_ID_PATTERN),
  /** When the consistent copy started (the snapshot holds at least everything committed before). */
  takenAt: z.iso.datetime(),
  /** When the copy finished (it holds nothing committed after). */
  copiedAt: z.iso.datetime(),
  /**
   * The engine the tenant lived on. The data is a SQLite file with the tenant schema
   * either way (a PostgreSQL tenant is dumped into one), so verification, sandboxes
   * and comparison read both alike; a restore needs to know where it goes back to.
   */
  engine: z.enum(['sqlite', 'postgres']),
  schemaVersion: z.number().int().nonnegative(),
  /** Rows per table of the copy, every table including schema_meta. */
  rowCounts: z.record(z.string().min(1).max(128), byteCount),
  rawBytes: byteCount,
  compressedBytes: byteCount,
  rawSha256: sha256Hex,
  compressedSha256: sha256Hex,
  compression: z.literal('gzip'),
  compressionLevel: z.number().int().min(1).max(9),
  /**
   * What protects the bytes at rest besides the store itself (BACKUPS.md: "say what
   * protects each snapshot"). Custos does not encrypt snapshots itself yet; the
   * bucket's server-side encryption is the store's setting.
   */
  clientEncryption: z.literal('none'),
  /** Key of the data object, relative to the store. */
  dataKey: z.string().min(1),
  appVersion: z.string().min(1).max(64),
  sqliteVersion: z.string().max(32).optional(),
  durationMs: z.number().int().nonnegative().optional(),
});

export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

/** Stable, readable JSON (key order as in the schema). */
export function serializeSnapshotManifest(manifest: SnapshotManifest): string {
  return `${JSON.stringify(snapshotManifestSchema.parse(manifest), null, 2)}\n`;
}

function looksTruncated(text: string, e: unknown): boolean {
  if (text.trim() === '') return true;
  const message = e instanceof Error ? e.message : '';
  if (/end of JSON|Unterminated|Unexpected end/i.test(message)) return true;
  // Cut between two tokens: the parser stops exactly where the text ends.
  const at = /at position (\d+)/.exec(message);
  return at !== null && Number(at[1]) >= text.trimEnd().length;
}

/**
 * Parses a manifest read back from the store. `expected` is what the key says it
 * belongs to: a manifest copied under another tenant's or snapshot's name is refused.
 *
 * Errors: empty or cut-off text → SNAPSHOT_INCOMPLETE (an interrupted write);
 * anything else unreadable → SNAPSHOT_CORRUPT; a newer format → SNAPSHOT_SCHEMA_UNSUPPORTED.
 */
export function parseSnapshotManifest(text: string, expected: { tenantId: string; snapshotId: string }): SnapshotManifest {
  const where = `snapshot ${expected.snapshotId} of tenant ${expected.tenantId}`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    if (looksTruncated(text, e)) {
      throw new CustosError(
        'SNAPSHOT_INCOMPLETE',
        `The manifest of ${where} is empty or cut off, so the snapshot is incomplete.`,
        'It was probably interrupted while being written. Do not restore from it; take a new snapshot. Incomplete snapshots are removed by the cleanup.',
        { ...expected, manifestBytes: Buffer.byteLength(text) },
      );
    }
    throw new CustosError(
      'SNAPSHOT_CORRUPT',
      `The manifest of ${where} is not readable (not JSON).`,
      'The file was damaged or replaced in the bucket. Do not restore from this snapshot; use another one and check who can write to the bucket.',
      { ...expected },
    );
  }
  if (typeof raw === 'object' && raw !== null && 'formatVersion' in raw) {
    const v = (raw as { formatVersion: unknown }).formatVersion;
    if (typeof v === 'number' && Number.isInteger(v) && v > SNAPSHOT_FORMAT_VERSION) {
      throw new CustosError(
        'SNAPSHOT_SCHEMA_UNSUPPORTED',
        `The manifest of ${where} was written by a newer Custos (manifest format ${v}; this console reads format ${SNAPSHOT_FORMAT_VERSION}).`,
        'Update the console to the version that took the snapshot, then try again.',
        { ...expected, formatVersion: v },
      );
    }
  }
  const parsed = snapshotManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CustosError(
      'SNAPSHOT_CORRUPT',
      `The manifest of ${where} is not a valid snapshot manifest: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(top)'} ${i.message}`)
        .join('; ')}.`,
      'The file was damaged or edited in the bucket. Do not restore from this snapshot; use another one.',
      { ...expected, issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })) },
    );
  }
  const m = parsed.data;
  if (m.tenantId !== expected.tenantId || m.snapshotId !== expected.snapshotId) {
    throw new CustosError(
      'SNAPSHOT_CORRUPT',
      `The manifest stored as ${where} describes snapshot ${m.snapshotId} of tenant ${m.tenantId}.`,
      'Someone copied or renamed snapshot files in the bucket. Do not restore from it; restore from a snapshot whose manifest matches its name.',
      { ...expected, manifestTenantId: m.tenantId, manifestSnapshotId: m.snapshotId },
    );
  }
  if (m.dataKey !== snapshotKeys.data(expected.tenantId, expected.snapshotId)) {
    throw new CustosError(
      'SNAPSHOT_CORRUPT',
      `The manifest of ${where} points at data stored under another name.`,
      'Someone edited the manifest in the bucket. Do not restore from this snapshot.',
      { ...expected, dataKey: m.dataKey },
    );
  }
  return m;
}

/** Reads at most `MAX_MANIFEST_BYTES` of an object as UTF-8 text. */
export async function readSmallObject(store: ObjectStore, key: string, signal?: AbortSignal): Promise<string | { tooLarge: true }> {
  const stream = await store.get(key, signal ? { signal } : {});
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buf.length;
      if (size > MAX_MANIFEST_BYTES) return { tooLarge: true };
      chunks.push(buf);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads and parses a snapshot's manifest from the store. A missing manifest is
 * SNAPSHOT_INCOMPLETE when the data object is there (the upload never finished),
 * SNAPSHOT_NOT_FOUND when neither is.
 */
export async function readSnapshotManifest(
  store: ObjectStore,
  tenantId: string,
  snapshotId: string,
  signal?: AbortSignal,
): Promise<SnapshotManifest> {
  const key = snapshotKeys.manifest(tenantId, snapshotId);
  let text: string | { tooLarge: true };
  try {
    text = await readSmallObject(store, key, signal);
  } catch (e) {
    if (e instanceof CustosError && e.code === 'OBJECT_NOT_FOUND') {
      const data = await store.head(snapshotKeys.data(tenantId, snapshotId));
      if (data) {
        throw new CustosError(
          'SNAPSHOT_INCOMPLETE',
          `Snapshot ${snapshotId} of tenant ${tenantId} has no manifest: its upload never finished, so it is not a snapshot.`,
          'Take a new snapshot. The cleanup removes incomplete uploads once they are old enough.',
          { tenantId, snapshotId, dataBytes: data.size },
        );
      }
      throw new CustosError('SNAPSHOT_NOT_FOUND', `There is no snapshot ${snapshotId} of tenant ${tenantId} in the object store.`, 'Check the snapshot ID against the tenant\'s snapshot list; it may have been pruned.', {
        tenantId,
        snapshotId,
      });
    }
    throw e;
  }
  if (typeof text !== 'string') {
    throw new CustosError(
      'SNAPSHOT_CORRUPT',
      `The manifest of snapshot ${snapshotId} of tenant ${tenantId} is far larger than a manifest can be.`,
      'The file was replaced in the bucket. Do not restore from this snapshot.',
      { tenantId, snapshotId },
    );
  }
  return parseSnapshotManifest(text, { tenantId, snapshotId });
}
