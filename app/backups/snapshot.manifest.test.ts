import { describe, expect, it } from 'vitest';
import { newSnapshotId, snapshotIdTime, snapshotKeys } from './snapshot.keys';
import { parseSnapshotManifest, serializeSnapshotManifest, type SnapshotManifest } from './snapshot.manifest';

const ids = { tenantId: 't_1', snapshotId: '20260131T020000Z-a1b2c3' };
const manifest: SnapshotManifest = {
  format: 'custos.snapshot',
  formatVersion: 1,
  ...ids,
  takenAt: '2026-01-31T02:00:00.123Z',
  copiedAt: '2026-01-31T02:00:01.000Z',
  engine: 'sqlite',
  schemaVersion: 1,
  rowCounts: { companies: 3, persons: 5, schema_meta: 1 },
  rawBytes: 4096,
  compressedBytes: 512,
  rawSha256: 'a'.repeat(64),
  compressedSha256: 'b'.repeat(64),
  compression: 'gzip',
  compressionLevel: 6,
  clientEncryption: 'none',
  dataKey: 'backups/t_1/20260131T020000Z-a1b2c3.db.gz',
  appVersion: '0.1.0',
};

const code = (f: () => unknown) => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('snapshot keys', () => {
  it('ids are the UTC second of the copy plus a random suffix, and sort in time order', () => {
    expect(newSnapshotId(new Date('2026-01-31T02:00:00.999Z'), 'a1b2c3')).toBe('20260131T020000Z-a1b2c3');
    expect(snapshotIdTime('20260131T020000Z-a1b2c3')).toBe(Date.parse('2026-01-31T02:00:00Z'));
    expect(snapshotIdTime('20260231T020000Z-a1b2c3')).toBeNull(); // no 31 February
    expect(snapshotIdTime('20240229T235959Z-000000')).toBe(Date.parse('2024-02-29T23:59:59Z'));
    expect(snapshotIdTime('20260131T020000Z-A1B2C3')).toBeNull();
    expect(code(() => snapshotKeys.data('t/1', ids.snapshotId))).toBe('INVALID_INPUT');
  });

  it('data and manifest keys of one snapshot are siblings, never a folder of another key', () => {
    const data = snapshotKeys.data(ids.tenantId, ids.snapshotId);
    const man = snapshotKeys.manifest(ids.tenantId, ids.snapshotId);
    expect([data, man]).toEqual(['backups/t_1/20260131T020000Z-a1b2c3.db.gz', 'backups/t_1/20260131T020000Z-a1b2c3.manifest.json']);
    expect(data < man).toBe(true);
    expect(snapshotKeys.parse('t_1', man)).toEqual({ snapshotId: ids.snapshotId, kind: 'manifest' });
    expect(snapshotKeys.parse('t_1', 'backups/t_1/notes.txt')).toBeNull();
    expect(snapshotKeys.parse('t_1', 'backups/t_10/20260131T020000Z-a1b2c3.db.gz')).toBeNull();
  });
});

describe('snapshot manifest, parsed at the boundary', () => {
  it('round-trips', () => {
    expect(parseSnapshotManifest(serializeSnapshotManifest(manifest), ids)).toEqual(manifest);
  });

  it('says which engine the tenant was on: a PostgreSQL tenant is snapshotted into the same SQLite format (issue 8)', () => {
    const pg = { ...manifest, engine: 'postgres' as const };
    expect(parseSnapshotManifest(serializeSnapshotManifest(pg), ids)).toEqual(pg);
  });

  it.each([
    ['empty', '', 'SNAPSHOT_INCOMPLETE'],
    ['cut off', serializeSnapshotManifest(manifest).slice(0, 120), 'SNAPSHOT_INCOMPLETE'],
    ['not JSON', 'hello', 'SNAPSHOT_CORRUPT'],
    ['a JSON array', '[]', 'SNAPSHOT_CORRUPT'],
    ['a bad hash', JSON.stringify({ ...manifest, rawSha256: 'xyz' }), 'SNAPSHOT_CORRUPT'],
    ['negative counts', JSON.stringify({ ...manifest, rowCounts: { persons: -1 } }), 'SNAPSHOT_CORRUPT'],
    ['an unknown engine', JSON.stringify({ ...manifest, engine: 'oracle' }), 'SNAPSHOT_CORRUPT'],
    ["another tenant's manifest", JSON.stringify({ ...manifest, tenantId: 't_2' }), 'SNAPSHOT_CORRUPT'],
    ['another snapshot', JSON.stringify({ ...manifest, snapshotId: '20260130T020000Z-a1b2c3' }), 'SNAPSHOT_CORRUPT'],
    ['a data key elsewhere', JSON.stringify({ ...manifest, dataKey: 'backups/t_2/x.db.gz' }), 'SNAPSHOT_CORRUPT'],
    ['a newer format', JSON.stringify({ ...manifest, formatVersion: 2 }), 'SNAPSHOT_SCHEMA_UNSUPPORTED'],
  ])('%s → %s', (_name, text, expected) => {
    expect(code(() => parseSnapshotManifest(text, ids))).toBe(expected);
  });

  it('says what is wrong', () => {
    try {
      parseSnapshotManifest(JSON.stringify({ ...manifest, compressedSha256: 'nope' }), ids);
    } catch (e) {
      expect((e as Error).message).toBe(
        'The manifest of snapshot 20260131T020000Z-a1b2c3 of tenant t_1 is not a valid snapshot manifest: compressedSha256 must be a SHA-256 in lower-case hex.',
      );
    }
    expect.assertions(1);
  });
});
