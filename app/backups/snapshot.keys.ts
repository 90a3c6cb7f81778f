import { randomBytes } from 'node:crypto';
import { CustosError } from '../shared/errors';
import { objectKeys } from '../storage/object-store/object-store.port';

/**
 * Where a tenant's snapshots live in the object store (issue 5: "keys grouped by
 * tenant: backups/<tenant-id>/…, so one tenant's snapshots can be listed and purged
 * on their own"):
 *
 *   backups/<tenantId>/<snapshotId>.db.gz           the gzip-compressed SQLite file
 *   backups/<tenantId>/<snapshotId>.manifest.json   written last: its presence makes the snapshot exist
 *
 * `<snapshotId>` is the UTC time the copy started, to the second, and a random suffix:
 * `20260131T020000Z-a1b2c3`. Fixed width, so key order is time order on every backend.
 * No key is also a "folder" of another key: s3rver lists `x/a/b` before `x/a` and can
 * lose keys across pages when that happens, and our S3 adapter refuses out-of-order
 * listings. Both names of one snapshot share the id and differ after it
 * (`.db.gz` < `.manifest.json`), so a listing pairs them by reading consecutive keys.
 */
export const SNAPSHOT_ID_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-([0-9a-f]{6})$/;
const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const DATA_SUFFIX = '.db.gz';
export const MANIFEST_SUFFIX = '.manifest.json';

export function assertTenantId(tenantId: string): string {
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new CustosError('INVALID_INPUT', 'That is not a tenant ID.', 'Tenant IDs are letters, digits, "_" and "-" (at most 64).', {
      tenantId: JSON.stringify(String(tenantId).slice(0, 80)),
    });
  }
  return tenantId;
}

export function assertSnapshotId(snapshotId: string): string {
  if (typeof snapshotId !== 'string' || snapshotIdTime(snapshotId) === null) {
    throw new CustosError('INVALID_INPUT', 'That is not a snapshot ID.', 'Snapshot IDs look like 20260131T020000Z-a1b2c3.', {
      snapshotId: JSON.stringify(String(snapshotId).slice(0, 80)),
    });
  }
  return snapshotId;
}

export function newSnapshotId(takenAt: Date, suffix: string = randomBytes(3).toString('hex')): string {
  const t = takenAt.toISOString(); // 2026-01-31T02:00:00.123Z
  const id = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}T${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}Z-${suffix}`;
  return assertSnapshotId(id);
}

/** The second the snapshot's copy started, read back from its id; null if it is not a snapshot id. */
export function snapshotIdTime(snapshotId: string): number | null {
  const m = SNAPSHOT_ID_PATTERN.exec(snapshotId);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Reject 20260231 and friends: the id must round-trip.
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

export const snapshotKeys = {
  prefix: (tenantId: string): string => objectKeys.backupsPrefix(assertTenantId(tenantId)),
  data: (tenantId: string, snapshotId: string): string => `${snapshotKeys.prefix(tenantId)}${assertSnapshotId(snapshotId)}${DATA_SUFFIX}`,
  manifest: (tenantId: string, snapshotId: string): string => `${snapshotKeys.prefix(tenantId)}${assertSnapshotId(snapshotId)}${MANIFEST_SUFFIX}`,
  /** What a key under a tenant's prefix is; null for anything that is not ours (reported as a stray). */
  parse(tenantId: string, key: string): { snapshotId: string; kind: 'data' | 'manifest' } | null {
    const prefix = snapshotKeys.prefix(tenantId);
    if (!key.startsWith(prefix)) return null;
    const name = key.slice(prefix.length);
    for (const [suffix, kind] of [
      [DATA_SUFFIX, 'data'],
      [MANIFEST_SUFFIX, 'manifest'],
    ] as const) {
      if (name.endsWith(suffix)) {
        const snapshotId = name.slice(0, -suffix.length);
        return snapshotIdTime(snapshotId) === null ? null : { snapshotId, kind };
      }
    }
    return null;
  },
};
