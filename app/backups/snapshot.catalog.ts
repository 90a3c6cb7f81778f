import type { Clock } from '../shared/clock.port';
import { CustosError, toErrorInfo, type ErrorInfo } from '../shared/errors';
import type { ObjectInfo, ObjectStore } from '../storage/object-store/object-store.port';
import { assertSnapshotId, assertTenantId, snapshotIdTime, snapshotKeys } from './snapshot.keys';
import { readSnapshotManifest, type SnapshotManifest } from './snapshot.manifest';

/**
 * A tenant's snapshots as the object store has them (BACKUPS.md: "trust object
 * listings and test restores, not counters"). The listing is the truth; the control
 * plane's snapshot index is a copy of it that `backup reindex` rebuilds from here.
 *
 * States:
 * - complete   — data and a valid manifest that agrees with the data's size;
 * - incomplete — data without a manifest: an upload that never finished (or one in
 *                progress right now); not a snapshot, removed by `cleanupIncomplete`
 *                once older than the cut-off;
 * - broken     — a manifest whose data is missing or does not match, or a manifest
 *                that cannot be read. Never cleaned up automatically: something
 *                deleted or changed backup data, and staff must see it.
 */
export type SnapshotState = 'complete' | 'incomplete' | 'broken';

export interface CatalogEntry {
  tenantId: string;
  snapshotId: string;
  state: SnapshotState;
  /** From the manifest when it is readable, else the second encoded in the snapshot ID. */
  takenAt: string;
  dataKey: string;
  manifestKey: string;
  /** Size of the stored data object, or null when it is missing. */
  dataBytes: number | null;
  /** When the data object (or, without data, the manifest) was last written. */
  storedAt: string;
  /** Hours since `storedAt`: how long an incomplete upload has been lying there. */
  ageHours: number;
  manifest: SnapshotManifest | null;
  /** Why the entry is incomplete or broken, in the words staff see. */
  problem: ErrorInfo | null;
}

export interface SnapshotListing {
  /** Oldest first. */
  entries: CatalogEntry[];
  /** Keys under the tenant's backup prefix that are not snapshot files (shown, never touched). */
  strays: string[];
}

export interface ListSnapshotsOptions {
  objectStore: ObjectStore;
  tenantId: string;
  clock: Clock;
  signal?: AbortSignal;
  /** Read and check every manifest (default true). Off: states from key pairs only, for a quick count. */
  readManifests?: boolean;
  /** Manifests read at once (default 8). */
  concurrency?: number;
  pageSize?: number;
}

export async function listSnapshots(options: ListSnapshotsOptions): Promise<SnapshotListing> {
  const tenantId = assertTenantId(options.tenantId);
  const { objectStore, signal } = options;
  const now = options.clock.now().getTime();
  const pairs = new Map<string, { data?: ObjectInfo; manifest?: ObjectInfo }>();
  const strays: string[] = [];
  for await (const info of objectStore.list(snapshotKeys.prefix(tenantId), { ...(signal ? { signal } : {}), ...(options.pageSize ? { pageSize: options.pageSize } : {}) })) {
    const parsed = snapshotKeys.parse(tenantId, info.key);
    if (!parsed) {
      strays.push(info.key);
      continue;
    }
    const pair = pairs.get(parsed.snapshotId) ?? {};
    pair[parsed.kind] = info;
    pairs.set(parsed.snapshotId, pair);
  }

  const ids = [...pairs.keys()].sort();
  const entries: CatalogEntry[] = ids.map((snapshotId) => {
    const { data, manifest } = pairs.get(snapshotId) as { data?: ObjectInfo; manifest?: ObjectInfo };
    const stored = (data ?? manifest) as ObjectInfo;
    const entry: CatalogEntry = {
      tenantId,
      snapshotId,
      state: data && manifest ? 'complete' : data ? 'incomplete' : 'broken',
      takenAt: new Date(snapshotIdTime(snapshotId) as number).toISOString(),
      dataKey: snapshotKeys.data(tenantId, snapshotId),
      manifestKey: snapshotKeys.manifest(tenantId, snapshotId),
      dataBytes: data ? data.size : null,
      storedAt: stored.lastModified.toISOString(),
      ageHours: Math.round(((now - stored.lastModified.getTime()) / 3_600_000) * 100) / 100,
      manifest: null,
      problem: null,
    };
    if (entry.state === 'incomplete') {
      entry.problem = {
        code: 'SNAPSHOT_INCOMPLETE',
        message: `Snapshot ${snapshotId} has data but no manifest: its upload did not finish (or is still running).`,
        hint: 'It is not a restore point. The cleanup removes it once it is old enough.',
      };
    } else if (entry.state === 'broken') {
      entry.problem = {
        code: 'SNAPSHOT_INCOMPLETE',
        message: `Snapshot ${snapshotId} has a manifest but its data is missing from the object store.`,
        hint: 'It cannot be restored. Find out what deleted backup data (bucket lifecycle rules, another tool), then delete the snapshot.',
      };
    }
    return entry;
  });

  if (options.readManifests !== false) {
    const withManifest = entries.filter((e) => e.state !== 'incomplete');
    await forEachLimit(withManifest, options.concurrency ?? 8, async (entry) => {
      try {
        const m = await readSnapshotManifest(objectStore, tenantId, entry.snapshotId, signal);
        entry.manifest = m;
        entry.takenAt = m.takenAt;
        if (entry.state === 'complete' && entry.dataBytes !== m.compressedBytes) {
          entry.state = 'broken';
          entry.problem = {
            code: 'SNAPSHOT_CHECKSUM_MISMATCH',
            message: `Snapshot ${entry.snapshotId} is stored with ${entry.dataBytes} bytes of data, but its manifest says ${m.compressedBytes}: the stored object is damaged, cut off or was replaced.`,
            hint: 'Do not restore from it; use another snapshot.',
          };
        }
      } catch (e) {
        if (signal?.aborted || !(e instanceof CustosError) || !e.code.startsWith('SNAPSHOT_')) throw e;
        if (entry.state === 'complete') entry.state = 'broken';
        entry.problem = toErrorInfo(e);
      }
    });
  }
  return { entries, strays };
}

/**
 * Removes incomplete uploads (data without manifest) stored more than `olderThanMs`
 * ago. The cut-off keeps a snapshot that is being uploaded right now safe: its data
 * object is seconds old when its manifest follows. Broken snapshots are left alone.
 */
export async function cleanupIncomplete(options: ListSnapshotsOptions & { olderThanMs?: number }): Promise<{ deleted: string[] }> {
  const olderThanMs = options.olderThanMs ?? 24 * 3_600_000;
  const { entries } = await listSnapshots({ ...options, readManifests: false });
  const now = options.clock.now().getTime();
  const deleted: string[] = [];
  for (const e of entries) {
    options.signal?.throwIfAborted();
    if (e.state !== 'incomplete' || now - Date.parse(e.storedAt) <= olderThanMs) continue;
    // Re-check right before deleting: the manifest may have arrived since the listing.
    if (await options.objectStore.head(e.manifestKey)) continue;
    await options.objectStore.delete(e.dataKey);
    deleted.push(e.snapshotId);
  }
  return { deleted };
}

/**
 * Deletes one snapshot: the manifest first, so that an interrupted delete leaves an
 * incomplete upload (cleaned up later), never a manifest pointing at missing data.
 * Holds and the prune plan are the caller's to check; this only removes objects.
 */
export async function deleteSnapshot(options: { objectStore: ObjectStore; tenantId: string; snapshotId: string }): Promise<void> {
  const tenantId = assertTenantId(options.tenantId);
  const snapshotId = assertSnapshotId(options.snapshotId);
  await options.objectStore.delete(snapshotKeys.manifest(tenantId, snapshotId));
  await options.objectStore.delete(snapshotKeys.data(tenantId, snapshotId));
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failed = true; // the others stop after their current item
        throw e;
      }
    }
  });
  await Promise.all(workers);
}
