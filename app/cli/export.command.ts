import type { Command } from 'commander';
import { resolve } from 'node:path';
import { CustosError } from '../shared/errors';
import type { CliEnv } from './main';
import { callOp, cliContext } from './cli-context';
import { TerminalProgress } from './terminal-progress';
import { inspectExport } from '../exports/export.verify';
import type { ConsoleEvent } from '../api/contract';

/** `custos export …` — the same export job as the tenant page, with a terminal progress bar. */
export function registerExportCommands(program: Command, env: CliEnv): void {
  const exp = program
    .command('export')
    .description("run a tenant's export, or verify a package")
    .option('--tenant <id>', 'tenant ID or slug')
    .option('--profile <p>', 'advanced | basic', 'advanced')
    .option('--format <list>', 'csv,xlsx', 'csv,xlsx')
    .option('--out <dir>', 'destination folder (the package is written inside it)')
    .option('--object-store', 'upload to the object store and print a time-limited link instead')
    .option('--machine', 'no formula neutralising and no BOM in CSV (for machine re-import)')
    .option('--billing-reference <ref>', 'required when the export is billable')
    .action(async (o: { tenant?: string; profile: string; format: string; out?: string; objectStore?: boolean; machine?: boolean; billingReference?: string }) => {
      if (!o.tenant) throw new CustosError('INVALID_INPUT', 'Say which tenant: --tenant <id or slug>.', 'For example: custos export --tenant acme --out ~/exports');
      if (!o.out && !o.objectStore) throw new CustosError('INVALID_INPUT', 'Say where: --out <dir> or --object-store.', 'For example --out ~/exports.');
      const formats = o.format.split(',').map((f) => f.trim());
      const core = await env.open();
      const t = await core.services.catalogue.get(o.tenant);
      const progress = new TerminalProgress('export');
      const off = core.onEvent((e: ConsoleEvent) => {
        if (e.type === 'job') progress.sink({ phase: e.phase, done: e.done, total: e.total, bytesDone: e.bytesDone, bytesTotal: e.bytesTotal });
      });
      const { jobId } = await callOp(
        core,
        'exports.start',
        {
          tenantId: t.id,
          profile: o.profile as 'advanced' | 'basic',
          formats: formats as ('csv' | 'xlsx')[],
          destination: o.objectStore ? { kind: 'objectStore' } : { kind: 'folder', path: resolve(o.out!) },
          neutraliseFormulas: !o.machine,
          ...(o.billingReference ? { billingReference: o.billingReference } : {}),
        },
        cliContext(),
      );
      let job = await core.services.jobs.get(jobId);
      while (job.state === 'running') {
        await new Promise((r) => setTimeout(r, 200));
        job = await core.services.jobs.get(jobId);
      }
      off();
      progress.done();
      if (job.state !== 'succeeded') {
        env.out.write(`Export failed: [${job.error?.code}] ${job.error?.message}\n${job.error?.hint ? `  → ${job.error.hint}\n` : ''}`);
        process.exitCode = 1;
        return;
      }
      const r = job.result as { status: string; location: string; link: string | null; sha256sumsDigest: string; warnings: number; bytes: number };
      env.out.write(`Export ${r.status === 'completed' ? 'completed' : 'completed WITH WARNINGS (see report.txt)'}: ${r.location}\nSHA256SUMS digest ${r.sha256sumsDigest}\n${r.link ? `Download link (7 days): ${r.link}\n` : ''}`);
    });

  exp
    .command('verify <dir>')
    .description('re-check a package: checksums, row counts, foreign keys, archive entries')
    .action(async (dir: string) => {
      const report = await inspectExport(resolve(dir));
      if (report.ok) {
        env.out.write(`Package OK: ${report.files} files, ${report.lists.length} lists, ${report.archives.length} archives${report.danglingReferences.length ? `, ${report.danglingReferences.reduce((n, d) => n + d.count, 0)} dangling references reported by the export` : ''}.\n`);
        return;
      }
      env.out.write(`Package FAILED verification (${report.problemsTotal} problems):\n`);
      for (const p of report.problems.slice(0, 20)) env.out.write(`  [${p.code}] ${p.file}${p.row ? ` row ${p.row}` : ''}: ${p.detail}\n`);
      process.exitCode = 2;
    });
}
