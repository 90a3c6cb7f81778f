import type { Command } from 'commander';
import type { CliEnv } from './main';

export function registerTenantCommands(program: Command, env: CliEnv): void {
  const tenants = program.command('tenants').description('the tenant directory');
  tenants
    .command('list')
    .description('list tenants (first 100 by name)')
    .option('--query <q>', 'search name, slug or ID')
    .option('--json', 'print JSON')
    .action(async (o: { query?: string; json?: boolean }) => {
      const core = await env.open();
      const r = await core.services.catalogue.list({ query: o.query, limit: 100 });
      if (o.json) {
        env.out.write(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      env.out.write(`${r.total} tenants\n`);
      for (const t of r.rows) env.out.write(`${t.id}\t${t.slug}\t${t.plan}\t${t.status}\t${t.region}\n`);
    });
}
