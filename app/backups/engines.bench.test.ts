import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEST_PG_URL } from '../testing/postgres';
import { tempDir } from '../testing/temp-dir';
import { benchEngines } from './engines.bench';

/**
 * Smoke test of `npm run bench -- engines` at a tiny size (PostgreSQL on
 * 127.0.0.1:5432, as every PostgreSQL test here): the steps run, both engines carry
 * the same rows, and nothing is left behind. Timings are printed by the bench, never
 * asserted.
 */
const tmp = tempDir('custos-engines-bench-test-');
afterAll(() => tmp.remove());

async function databases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: process.env.CUSTOS_TEST_PG_URL ?? DEFAULT_TEST_PG_URL });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('engines benchmark (smoke: small size)', () => {
  it('loads, snapshots, dumps and exports the same tenant on SQLite and PostgreSQL, then cleans up', async () => {
    const r = await benchEngines({ sizeMb: 2, rows: 200, dir: tmp.dir });

    expect(r.rows).toBeGreaterThan(2000);
    expect(r.load.pgDatabaseBytes).toBeGreaterThan(0);
    for (const s of [r.load, r.snapshot.sqlite, r.snapshot.postgres, r.export.sqlite, r.export.postgres]) {
      expect(s.seconds).toBeGreaterThan(0);
      expect(s.rowsPerSecond).toBeGreaterThan(0);
      expect(s.peakRssMb).toBeGreaterThan(0);
    }
    // The same data through both engines.
    expect(r.snapshot.postgres.rowCounts).toEqual(r.snapshot.sqlite.rowCounts);
    expect(r.snapshot.sqlite.rows).toBe(r.rows);
    expect(r.snapshot.postgres.dumpSeconds).toBeGreaterThan(0);
    expect(r.export.postgres.counts).toEqual(r.export.sqlite.counts);
    expect(r.export.sqlite.rows).toBeGreaterThan(0);
    expect(r.export.postgres.dumpSeconds).toBeGreaterThan(0);
    // pg_dump is part of these machines' PostgreSQL install; if it is missing the bench says why.
    if (r.pgDump) {
      expect(r.pgDump.version).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
      expect(r.pgDump.custom.bytes).toBeGreaterThan(0);
      expect(r.pgDump.plainGzip.bytes).toBeGreaterThan(0);
    } else {
      expect(r.pgDumpMissing).toMatch(/no pg_dump/);
    }

    // Nothing left: the temp folder and this run's databases are gone.
    expect(readdirSync(tmp.dir)).toEqual([]);
    // (Only this run's prefix: other test files create and drop their own databases meanwhile.)
    const prefix = r.pgDatabase.replace(/_engines_tenant$/, '_');
    expect(prefix).toMatch(/^custos_test_[a-z0-9]+_[0-9a-f]+_$/);
    expect((await databases()).filter((d) => d.startsWith(prefix))).toEqual([]);
  }, 60_000);
});
