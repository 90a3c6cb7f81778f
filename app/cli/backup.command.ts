import type { Command } from 'commander';
import { CustosError } from '../shared/errors';
import type { TenantRecord } from '../control-plane/tenant-record';
import type { CliEnv } from './main';
import { TerminalProgress } from './terminal-progress';
import type { AuditActor } from '../audit/audit.chain';

/**
 * `custos backup …` — what a server's cron or systemd timer runs nightly
 * (build/systemd/custos-backup.{service,timer}). Every run is a job per tenant,
 * audited as system:<os-user>@<host>.
 */
export function registerBackupCommands(program: Command, env: CliEnv): void {
  const backup = program.command('backup').description('snapshots, verification, compliance and pruning');
  const actor = (): AuditActor => ({ staffId: null, label: env.actor, roles: ['system'], sessionId: null, transport: 'cli' });

  backup
    .command('run')
    .description('snapshot tenants (then verify each new snapshot and clean up incomplete uploads)')
    .option('--all', 'every tenant that is not deleted')
    .option('--tenant <id>', 'one tenant (ID or slug)')
    .option('--concurrency <n>', 'tenants at once', '2')
    .option('--no-verify', 'skip the test-restore of each new snapshot')
    .action(async (o: { all?: boolean; tenant?: string; concurrency: string; verify: boolean }) => {
      if (!o.all && !o.tenant) throw new CustosError('INVALID_INPUT', 'Say which tenants: --all or --tenant <id>.', 'For the nightly run use --all.');
      const core = await env.open();
      const s = core.services;
      let targets: TenantRecord[];
      if (o.tenant) targets = [await s.catalogue.get(o.tenant)];
      else {
        targets = [];
        for (let offset = 0; ; offset += 500) {
          const page = await s.catalogue.list({ limit: 500, offset, sort: 'name' });
          for (const t of page.rows) if (t.status !== 'deleted') targets.push(await s.catalogue.get(t.id));
          if (offset + 500 >= page.total) break;
        }
      }
      const concurrency = Math.max(1, Math.min(8, Number(o.concurrency) || 1));
      const progress = new TerminalProgress('backup');
      let done = 0;
      let failed = 0;
      const queue = [...targets];
      const worker = async () => {
        for (let t = queue.shift(); t; t = queue.shift()) {
          const { done: finished } = s.backups.startSnapshotJob(t, actor(), { verify: o.verify });
          try {
            const r = (await finished) as { snapshotId: string; verification: string };
            await s.backups.cleanupIncomplete(t.id);
            env.out.write(`${t.id}\t${r.snapshotId}\t${r.verification}\n`);
          } catch (e) {
            failed++;
            env.out.write(`${t.id}\tFAILED\t${(e as Error).message}\n`);
          }
          progress.sink({ phase: 'tenants', done: ++done, total: targets.length });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      progress.done();
      env.out.write(`${done - failed} of ${targets.length} tenants backed up${failed ? `, ${failed} FAILED` : ''}.\n`);
      if (failed) process.exitCode = 1;
    });

  backup
    .command('verify')
    .description('test-restore snapshots in a sandbox')
    .option('--tenant <id>', 'tenant (ID or slug)')
    .option('--snapshot <id>', 'one snapshot (default: the newest)')
    .option('--sample <n>', 'verify N random snapshots across the fleet')
    .action(async (o: { tenant?: string; snapshot?: string; sample?: string }) => {
      const core = await env.open();
      const s = core.services;
      const picks: { tenantId: string; snapshotId: string }[] = [];
      if (o.sample) {
        const n = Number(o.sample);
        if (!Number.isInteger(n) || n < 1) throw new CustosError('INVALID_INPUT', '--sample must be a whole number ≥ 1.', 'For example --sample 20.');
        const rows = await s.controlPlane.db.selectFrom('backup_snapshots').select(['tenant_id', 'snapshot_id']).where('state', '=', 'complete').execute();
        for (let i = rows.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1));
          [rows[i], rows[j]] = [rows[j]!, rows[i]!];
        }
        for (const r of rows.slice(0, n)) picks.push({ tenantId: r.tenant_id, snapshotId: r.snapshot_id });
      } else if (o.tenant) {
        const t = await s.catalogue.get(o.tenant);
        const snaps = await s.backups.snapshots(t.id);
        const id = o.snapshot ?? snaps.filter((x) => x.state === 'complete').at(-1)?.snapshotId;
        if (!id) throw new CustosError('SNAPSHOT_NOT_FOUND', `Tenant ${t.id} has no snapshot to verify.`, 'Run `custos backup run --tenant …` first.');
        picks.push({ tenantId: t.id, snapshotId: id });
      } else throw new CustosError('INVALID_INPUT', 'Say what to verify: --tenant <id> [--snapshot <id>] or --sample N.', 'For example --sample 20.');
      let failed = 0;
      for (const p of picks) {
        const { done } = s.backups.startVerifyJob(p.tenantId, p.snapshotId, actor());
        const r = (await done) as { outcome: string; code: string | null; message: string };
        if (r.outcome !== 'ok') failed++;
        env.out.write(`${p.tenantId}\t${p.snapshotId}\t${r.outcome === 'ok' ? 'ok' : `FAILED [${r.code}]`}\t${r.message}\n`);
      }
      if (failed) process.exitCode = 2;
    });

  backup
    .command('compliance')
    .description('print whether the snapshots meet the published schedule, per tenant and for the fleet')
    .option('--tenant <id>', 'one tenant, with every gap')
    .option('--json', 'print JSON')
    .action(async (o: { tenant?: string; json?: boolean }) => {
      const core = await env.open();
      const s = core.services;
      if (o.tenant) {
        const v = await s.backups.tenantView(o.tenant);
        if (o.json) return void env.out.write(JSON.stringify(v.compliance, null, 2) + '\n');
        env.out.write(`${v.compliance.compliant ? 'COMPLIANT' : 'NOT COMPLIANT'}: ${v.compliance.counts.total} snapshots, newest ${v.compliance.newestAt ?? 'never'}\n`);
        for (const g of v.compliance.violations) env.out.write(`  gap ${g.from} → ${g.to}: ${g.hours.toFixed(1)} h in the ${g.band} band (allowed ${g.allowedHours} h)\n`);
        if (!v.compliance.compliant) process.exitCode = 3;
        return;
      }
      const { summary, tenants } = await s.backups.fleetHealth();
      if (o.json) return void env.out.write(JSON.stringify(summary, null, 2) + '\n');
      env.out.write(`${summary.tenants} tenants: ${summary.compliant} compliant, ${summary.nonCompliant} not, ${summary.neverBackedUp} never backed up.\n`);
      for (const t of tenants.filter((x) => !x.compliant).sort((a, b) => b.worstGapRatio - a.worstGapRatio).slice(0, 20)) {
        env.out.write(`  ${t.tenantId}\t${t.neverBackedUp ? 'never backed up' : `${t.violations} gaps, worst ${t.worstGapHours.toFixed(1)} h`}\n`);
      }
      if (summary.nonCompliant > 0) process.exitCode = 3;
    });

  backup
    .command('prune')
    .description('apply the retention plan (a dry run unless --apply)')
    .option('--tenant <id>', 'one tenant')
    .option('--all', 'every tenant')
    .option('--apply', 'really delete the prunable snapshots')
    .action(async (o: { tenant?: string; all?: boolean; apply?: boolean }) => {
      const core = await env.open();
      const s = core.services;
      const ids = o.tenant ? [(await s.catalogue.get(o.tenant)).id] : o.all ? (await s.controlPlane.db.selectFrom('tenants').select('id').where('status', '!=', 'deleted').execute()).map((r) => r.id) : [];
      if (!ids.length) throw new CustosError('INVALID_INPUT', 'Say which tenants: --tenant <id> or --all.', 'Add --apply to delete; without it nothing is deleted.');
      for (const id of ids) {
        const { plan, token } = await s.backups.prunePreview(id);
        if (!o.apply) {
          env.out.write(`${id}\twould prune ${plan.prune.length}, keep ${plan.keep.length}\n`);
          continue;
        }
        const { done } = s.jobs.start({ kind: 'prune', tenantId: id, actor: actor(), params: { tenantId: id }, run: (w) => s.backups.pruneApply(id, token, w) });
        const r = (await done) as { deleted: string[] };
        env.out.write(`${id}\tpruned ${r.deleted.length}, kept ${plan.keep.length}\n`);
      }
      if (!o.apply) env.out.write('Dry run: nothing was deleted. Add --apply to prune.\n');
    });

  backup
    .command('reindex')
    .description('rebuild the snapshot index from the object store listings')
    .option('--tenant <id>', 'one tenant (default: all)')
    .action(async (o: { tenant?: string }) => {
      const core = await env.open();
      const s = core.services;
      const ids = o.tenant ? [(await s.catalogue.get(o.tenant)).id] : (await s.controlPlane.db.selectFrom('tenants').select('id').execute()).map((r) => r.id);
      for (const id of ids) {
        const c = await s.backups.reindexTenant(id);
        env.out.write(`${id}\t${c.complete} complete, ${c.incomplete} incomplete, ${c.broken} broken, ${c.removed} stale index rows removed\n`);
      }
    });
}
