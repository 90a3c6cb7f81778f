import type { Command } from 'commander';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateFleet } from '../demo';
import type { TenantRecord } from '../control-plane/tenant-record';
import { CustosError } from '../shared/errors';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { PostgresTenantAdmin, assertDatabaseName } from '../storage/postgres';
import { startOfUtcDay, type ConsoleServices } from '../runtime/console';
import { DEFAULT_TENANTS_PG_URL_ENV, readConfig, writeConfig } from '../runtime/config';
import type { CliEnv } from './main';
import { TerminalProgress } from './terminal-progress';

/**
 * A demo fleet on PostgreSQL (issue 8): the same deterministic generator writes
 * SQLite files into a temporary folder, each is loaded into its own new database
 * (`<prefix><tenant id>`, e.g. custos_t_000001) and the catalogue entries say
 * dbEngine 'postgres'. The hostile tenant's NUL characters, which PostgreSQL text
 * cannot hold, become U+FFFD. All or nothing: on failure the databases created so
 * far are dropped again. The temporary folder is always removed.
 */
async function seedOnPostgres(
  s: ConsoleServices,
  admin: PostgresTenantAdmin,
  o: { tenants: number; size: 'small' | 'medium' | 'large'; seed: number; asOf: Date; prefix: string },
  progress: TerminalProgress,
): Promise<{ records: TenantRecord[]; nulReplaced: number }> {
  const nameOf = (id: string) => assertDatabaseName(`${o.prefix}${id.toLowerCase().replace(/-/g, '_')}`);
  // Refused before anything is generated: a name already taken on the server (databases are never overwritten).
  const ids = Array.from({ length: o.tenants }, (_, i) => `t-${String(i + 1).padStart(6, '0')}`);
  for (const id of ids) {
    if (await admin.databaseExists(nameOf(id))) {
      throw new CustosError('INVALID_INPUT', `The PostgreSQL server already has a database named ${nameOf(id)}.`, 'Use another --db-prefix, or drop the old demo databases first. Existing databases are never overwritten.');
    }
  }
  const tmpRoot = join(s.dataDir, 'tmp');
  mkdirSync(tmpRoot, { recursive: true });
  const work = mkdtempSync(join(tmpRoot, 'demo-postgres-'));
  const created: string[] = [];
  try {
    const generated = await generateFleet({ tenantsDir: work, objectStore: s.objectStore, tenants: o.tenants, size: o.size, seed: o.seed, asOf: o.asOf, progress: progress.sink });
    const records: TenantRecord[] = [];
    let nulReplaced = 0;
    for (const [i, r] of generated.entries()) {
      const name = nameOf(r.id);
      progress.sink({ phase: 'load into PostgreSQL', done: i, total: generated.length, item: r.id });
      const loaded = await admin.loadFromSqlite(join(work, r.dbLocation), name, { tenantId: r.id, nul: 'replace' });
      created.push(name);
      rmSync(join(work, r.dbLocation), { force: true });
      nulReplaced += loaded.nulReplaced;
      records.push({ ...r, dbEngine: 'postgres', dbLocation: name, dbSizeBytes: (await admin.databaseSizeBytes(name)) ?? 0 });
    }
    progress.sink({ phase: 'load into PostgreSQL', done: generated.length, total: generated.length });
    return { records, nulReplaced };
  } catch (e) {
    for (const name of created) await admin.dropTenantDatabase(name).catch(() => {});
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function parseAsOf(v: string | undefined): Date {
  if (!v) return startOfUtcDay(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new CustosError('INVALID_INPUT', `--as-of must be a date like 2026-01-31, not "${v}".`, 'Give the day the demo data should end on (UTC).');
  return new Date(`${v}T00:00:00.000Z`);
}

export function registerDemoCommands(program: Command, env: CliEnv): void {
  const demo = program.command('demo').description('the deterministic demo fleet');
  demo
    .command('seed')
    .description('create a demo fleet with attachments, SQLite files (same seed → byte-identical databases) or PostgreSQL databases')
    .option('--tenants <n>', 'number of tenants', '60')
    .option('--size <size>', 'small | medium | large', 'small')
    .option('--seed <s>', 'seed', '1')
    .option('--as-of <date>', 'the day the demo history ends (UTC, default today)')
    .option('--out <dir>', 'write only tenant databases and objects into this folder (no control plane)')
    .option('--engine <engine>', 'sqlite | postgres (one PostgreSQL database per tenant)', 'sqlite')
    .option('--url <url>', 'with --engine postgres: the PostgreSQL server (default: the tenant server configured in custos.json); the password preferably in PGPASSWORD')
    .option('--db-prefix <prefix>', 'with --engine postgres: database names are <prefix><tenant id>', 'custos_')
    .action(async (o: { tenants: string; size: string; seed: string; asOf?: string; out?: string; engine: string; url?: string; dbPrefix: string }) => {
      const tenants = Number(o.tenants);
      const seed = Number(o.seed);
      if (!Number.isInteger(tenants) || tenants < 1 || tenants > 100_000) throw new CustosError('INVALID_INPUT', '--tenants must be a whole number from 1 to 100000.', 'For example --tenants 200.');
      if (!Number.isInteger(seed)) throw new CustosError('INVALID_INPUT', '--seed must be a whole number.', 'For example --seed 7.');
      if (o.size !== 'small' && o.size !== 'medium' && o.size !== 'large') throw new CustosError('INVALID_INPUT', '--size must be small, medium or large.', 'For example --size small.');
      if (o.engine !== 'sqlite' && o.engine !== 'postgres') throw new CustosError('INVALID_INPUT', '--engine must be sqlite or postgres.', 'For example --engine postgres --url postgres://custos@127.0.0.1:5432/postgres.');
      if (o.engine === 'sqlite' && o.url !== undefined) throw new CustosError('INVALID_INPUT', '--url is only for --engine postgres.', 'Add --engine postgres, or leave out --url.');
      if (o.engine === 'postgres' && o.out) throw new CustosError('INVALID_INPUT', '--out writes SQLite files only; a PostgreSQL fleet needs a data folder for its catalogue.', 'Leave out --out and give --data-dir.');
      if (o.engine === 'postgres' && !/^[a-z_][a-z0-9_]{0,40}$/.test(o.dbPrefix)) throw new CustosError('INVALID_INPUT', '--db-prefix must be lower-case letters, digits and _ (at most 41), not starting with a digit.', 'For example --db-prefix custos_demo_.');
      const asOf = parseAsOf(o.asOf);
      const progress = new TerminalProgress('seed');
      const started = Date.now();
      if (o.out) {
        const dir = resolve(o.out);
        mkdirSync(join(dir, 'tenants'), { recursive: true });
        const store = new LocalObjectStore({ dir: join(dir, 'objects') });
        const records = await generateFleet({ tenantsDir: join(dir, 'tenants'), objectStore: store, tenants, size: o.size, seed, asOf, progress: progress.sink });
        await store.close();
        progress.done();
        env.out.write(`Seeded ${records.length} tenants into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
        return;
      }
      const core = await env.open({ seedDemo: false });
      const s = core.services;
      const existing = await s.catalogue.count();
      if (existing > 0) {
        throw new CustosError('INVALID_INPUT', `The data folder ${s.dataDir} already has ${existing} tenants.`, 'Use a fresh --data-dir, or --out DIR to write only the tenant databases.');
      }
      let records: TenantRecord[];
      let note = '';
      let advice = '';
      if (o.engine === 'postgres') {
        const own = o.url !== undefined ? await PostgresTenantAdmin.open({ url: o.url }) : null;
        try {
          const admin = own ?? (await s.tenantDbs.postgresAdmin());
          const r = await seedOnPostgres(s, admin, { tenants, size: o.size, seed, asOf, prefix: o.dbPrefix }, progress);
          records = r.records;
          note = ` on PostgreSQL ${admin.server.host}:${admin.server.port}${r.nulReplaced ? ` (${r.nulReplaced} values with NUL characters stored with U+FFFD)` : ''}`;
        } finally {
          await own?.close();
        }
        // The console must find the server again: name the variable in custos.json if it names none.
        const { config } = readConfig(s.dataDir);
        if (!config.tenantDatabases.postgres) {
          config.tenantDatabases.postgres = { urlEnv: DEFAULT_TENANTS_PG_URL_ENV };
          writeConfig(s.dataDir, config);
          advice = `custos.json now names ${DEFAULT_TENANTS_PG_URL_ENV}: set it to the server's URL when you start the console.\n`;
        }
      } else {
        records = await generateFleet({ tenantsDir: s.tenantDbs.dir, objectStore: s.objectStore, tenants, size: o.size, seed, asOf, progress: progress.sink });
      }
      await s.catalogue.upsertMany(records, s.clock.now());
      await s.controlPlane.db.insertInto('settings').values({ key: 'demo_seeded_at', value: s.clock.now().toISOString() }).execute();
      await s.audit.append({
        actor: { staffId: null, label: env.actor, roles: ['system'], sessionId: null, transport: 'cli' },
        action: 'demo.seed',
        params: { tenants, size: o.size, seed, asOf: asOf.toISOString(), engine: o.engine },
        outcome: { status: 'ok' },
      });
      progress.done();
      env.out.write(`Seeded ${records.length} tenants into ${s.dataDir}${note} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n${advice}`);
    });
}
