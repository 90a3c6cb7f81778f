import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateFleet } from '../demo';
import { CustosError } from '../shared/errors';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { startOfUtcDay } from '../runtime/console';
import type { CliEnv } from './main';
import { TerminalProgress } from './terminal-progress';

function parseAsOf(v: string | undefined): Date {
  if (!v) return startOfUtcDay(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new CustosError('INVALID_INPUT', `--as-of must be a date like 2026-01-31, not "${v}".`, 'Give the day the demo data should end on (UTC).');
  return new Date(`${v}T00:00:00.000Z`);
}

export function registerDemoCommands(program: Command, env: CliEnv): void {
  const demo = program.command('demo').description('the deterministic demo fleet');
  demo
    .command('seed')
    .description('create a demo fleet of SQLite tenants with attachments (same seed → byte-identical databases)')
    .option('--tenants <n>', 'number of tenants', '60')
    .option('--size <size>', 'small | medium | large', 'small')
    .option('--seed <s>', 'seed', '1')
    .option('--as-of <date>', 'the day the demo history ends (UTC, default today)')
    .option('--out <dir>', 'write only tenant databases and objects into this folder (no control plane)')
    .action(async (o: { tenants: string; size: string; seed: string; asOf?: string; out?: string }) => {
      const tenants = Number(o.tenants);
      const seed = Number(o.seed);
      if (!Number.isInteger(tenants) || tenants < 1 || tenants > 100_000) throw new CustosError('INVALID_INPUT', '--tenants must be a whole number from 1 to 100000.', 'For example --tenants 200.');
      if (!Number.isInteger(seed)) throw new CustosError('INVALID_INPUT', '--seed must be a whole number.', 'For example --seed 7.');
      if (o.size !== 'small' && o.size !== 'medium' && o.size !== 'large') throw new CustosError('INVALID_INPUT', '--size must be small, medium or large.', 'For example --size small.');
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
      const records = await generateFleet({ tenantsDir: s.tenantDbs.dir, objectStore: s.objectStore, tenants, size: o.size, seed, asOf, progress: progress.sink });
      await s.catalogue.upsertMany(records, s.clock.now());
      await s.controlPlane.db.insertInto('settings').values({ key: 'demo_seeded_at', value: s.clock.now().toISOString() }).execute();
      await s.audit.append({
        actor: { staffId: null, label: env.actor, roles: ['system'], sessionId: null, transport: 'cli' },
        action: 'demo.seed',
        params: { tenants, size: o.size, seed, asOf: asOf.toISOString() },
        outcome: { status: 'ok' },
      });
      progress.done();
      env.out.write(`Seeded ${records.length} tenants into ${s.dataDir} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    });
}
