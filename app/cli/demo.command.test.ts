import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { cliMain } from './main';
import { tempDir, TEST_KDF } from '../testing/temp-dir';
import { startTestPostgres } from '../testing/postgres';
import { openConsole } from '../runtime/console';
import { ENTITY_ORDER } from '../schema';
import { SqliteTenantDatabase } from '../storage/sqlite';
import type { TenantDatabase } from '../storage/sqlite/tenant-database.port';

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
const digestDir = (dir: string) =>
  Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));

describe('custos demo seed', () => {
  it('the same seed gives byte-identical tenant databases, through the CLI into two data folders', async () => {
    const a = tempDir();
    const b = tempDir();
    try {
      const args = (d: string) => ['--data-dir', d, 'demo', 'seed', '--tenants', '12', '--seed', '7', '--as-of', '2026-11-01'];
      expect(await cliMain(args(a.dir), sink())).toBe(0);
      expect(await cliMain(args(b.dir), sink())).toBe(0);
      const da = digestDir(join(a.dir, 'tenants'));
      expect(Object.keys(da)).toHaveLength(12);
      expect(digestDir(join(b.dir, 'tenants'))).toEqual(da);
    } finally {
      a.remove();
      b.remove();
    }
  });

  it('refuses to seed over an existing fleet, with the fix', async () => {
    const a = tempDir();
    try {
      const args = ['--data-dir', a.dir, 'demo', 'seed', '--tenants', '2', '--seed', '1'];
      expect(await cliMain(args, sink())).toBe(0);
      expect(await cliMain(args, sink())).toBe(1);
    } finally {
      a.remove();
    }
  });

  it('--engine postgres: one database per tenant, the same rows as the SQLite fleet of the same seed, catalogued as postgres', async () => {
    const pg = await startTestPostgres();
    const a = tempDir();
    const b = tempDir();
    const rows = async (db: TenantDatabase) => {
      const out: Record<string, unknown[]> = {};
      for (const e of ENTITY_ORDER) {
        out[e] = [];
        for await (const r of db.stream(e)) out[e]!.push(r);
      }
      return out;
    };
    try {
      const prefix = `${pg.name('demo')}_`;
      const seed = (extra: string[]) => ['demo', 'seed', '--tenants', '3', '--seed', '7', '--as-of', '2026-11-01', ...extra];
      const printed: string[] = [];
      const capture = new Writable({ write: (c, _e, cb) => (printed.push(String(c)), cb()) });
      expect(await cliMain(['--data-dir', a.dir, ...seed(['--engine', 'postgres', '--url', pg.serverUrl, '--db-prefix', prefix])], capture)).toBe(0);
      expect(printed.join('')).toMatch(/Seeded 3 tenants .* on PostgreSQL 127\.0\.0\.1:5432 \(\d+ values with NUL characters stored with U\+FFFD\)/);
      expect(printed.join('')).toMatch(/custos\.json now names CUSTOS_TENANTS_PG_URL/);
      expect(await cliMain(['demo', ...seed(['--out', b.dir]).slice(1)], sink())).toBe(0);
      // No SQLite files and no temporary folder left in the data folder; the config names the server's variable.
      expect(readdirSync(join(a.dir, 'tenants'))).toEqual([]);
      expect(existsSync(join(a.dir, 'tmp')) ? readdirSync(join(a.dir, 'tmp')) : []).toEqual([]);
      expect(JSON.parse(readFileSync(join(a.dir, 'custos.json'), 'utf8')).tenantDatabases.postgres).toEqual({ urlEnv: 'CUSTOS_TENANTS_PG_URL' });

      // Seeding again onto the same names is refused before anything is generated.
      const c = tempDir();
      try {
        expect(await cliMain(['--data-dir', c.dir, ...seed(['--engine', 'postgres', '--url', pg.serverUrl, '--db-prefix', prefix])], sink())).toBe(1);
      } finally {
        c.remove();
      }

      process.env.CUSTOS_TENANTS_PG_URL = pg.serverUrl;
      const core = await openConsole({ dataDir: a.dir, seedDemo: false, identity: { kdf: TEST_KDF } });
      try {
        const s = core.services;
        const records = await Promise.all(['t-000001', 't-000002', 't-000003'].map((id) => s.catalogue.get(id)));
        expect(records.map((r) => [r.dbEngine, r.dbLocation])).toEqual(['t_000001', 't_000002', 't_000003'].map((n) => ['postgres', `${prefix}${n}`]));
        expect(records.every((r) => r.dbSizeBytes > 0)).toBe(true);
        for (const r of records) {
          const sqlite = await SqliteTenantDatabase.open(join(b.dir, 'tenants', `${r.id}.sqlite`), r.id, { readonly: true });
          try {
            const [fromPg, fromSqlite] = [await s.tenantDbs.with(r, rows), await rows(sqlite)];
            // Same rows; the hostile tenant (t-000001) differs only where NUL became U+FFFD.
            const clean = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll('\\u0000', '\uFFFD'));
            expect(fromPg).toEqual(clean(fromSqlite));
          } finally {
            await sqlite.close();
          }
        }
      } finally {
        await core.close();
        delete process.env.CUSTOS_TENANTS_PG_URL;
      }
    } finally {
      a.remove();
      b.remove();
      await pg.close();
    }
  });

  it('refuses nonsense arguments with a clear error', async () => {
    expect(await cliMain(['demo', 'seed', '--tenants', 'many', '--out', '/tmp/never'], sink())).toBe(1);
    expect(await cliMain(['demo', 'seed', '--size', 'huge', '--out', '/tmp/never'], sink())).toBe(1);
    expect(await cliMain(['demo', 'seed', '--engine', 'oracle', '--out', '/tmp/never'], sink())).toBe(1);
    expect(await cliMain(['demo', 'seed', '--engine', 'postgres', '--out', '/tmp/never'], sink())).toBe(1);
    expect(await cliMain(['demo', 'seed', '--url', 'postgres://127.0.0.1/postgres', '--out', '/tmp/never'], sink())).toBe(1);
    expect(existsSync('/tmp/never')).toBe(false);
  });
});
