import type { Command } from 'commander';
import { CustosError } from '../shared/errors';
import type { CliEnv } from './main';
import type { ConsoleCore } from '../runtime/console';
import { callOp } from './cli-context';
import { TerminalProgress } from './terminal-progress';
import type { ConsoleEvent, OpInput, OpName, OpOutput } from '../api/contract';
import type { RestoreRequestView } from '../restore/restore.contract';

/**
 * `custos restore …` (issue 6) — the same requests, approvals, grants and jobs as the
 * console, as a staff member (CUSTOS_SESSION from `custos login`):
 *
 *   restore plan     --tenant <id> --day YYYY-MM-DD
 *   restore sandbox  --tenant <id> (--snapshot <id> | --day <d>) [--ticket --reason]   opens it, prints the comparison
 *   restore request  --tenant <id> (--snapshot <id> | --day <d>) --ticket --reason      a live restore request
 *   restore approve  <requestId>                                                         (second staff member)
 *   restore live     --tenant <id> --approval <requestId>                                runs an approved live restore
 *   restore records  --tenant <id> --sandbox <id> --ids opportunities:7,8 … --ticket --reason [--preview]
 *   restore records  --tenant <id> --approval <requestId>                                runs an approved selective restore
 *   restore rollback --tenant <id> --request <requestId> --reason <text>
 *   restore status   [--tenant <id>]
 *
 * Operations on a tenant's contents need the caller's justification grant; with
 * --ticket and --reason the command opens one (60 minutes, audited) when none is live.
 */
export function registerRestoreCommands(program: Command, env: CliEnv): void {
  const restore = program.command('restore').description('restore a tenant from the snapshot of a day: plan, sandbox, request, approve, live | records, rollback');

  const tenantOf = async (core: ConsoleCore, t: string) => (await core.services.catalogue.get(t)).id;

  /** Calls a content operation; on GRANT_REQUIRED opens a grant when --ticket/--reason were given, then retries. */
  async function withGrant<N extends OpName>(core: ConsoleCore, op: N, input: OpInput<N>, grant: { tenantId: string; ticket?: string | undefined; reason?: string | undefined }): Promise<OpOutput<N>> {
    try {
      return await callOp(core, op, input);
    } catch (e) {
      if (!(e instanceof CustosError) || e.code !== 'GRANT_REQUIRED') throw e;
      if (!grant.ticket || !grant.reason) throw new CustosError('GRANT_REQUIRED', e.message, 'Add --ticket <customer ticket> and --reason <why> to open a justification grant (60 minutes, audited).');
      await callOp(core, 'grants.open', { tenantId: grant.tenantId, ticket: grant.ticket, reason: grant.reason });
      return callOp(core, op, input);
    }
  }

  async function snapshotFor(core: ConsoleCore, tenantId: string, o: { snapshot?: string; day?: string }): Promise<{ snapshotId: string; day?: string }> {
    if (o.snapshot) return { snapshotId: o.snapshot };
    if (!o.day) throw new CustosError('INVALID_INPUT', 'Say which snapshot: --snapshot <id> or --day YYYY-MM-DD.', 'Run `custos restore plan` to see the snapshot of a day.');
    const plan = await callOp(core, 'restore.plan', { tenantId, day: o.day });
    if (plan.kind === 'exact') return { snapshotId: plan.snapshot.snapshotId, day: o.day };
    throw new CustosError('INVALID_INPUT', plan.explanation, `Choose one with --snapshot: before ${plan.before?.snapshotId ?? '—'}, after ${plan.after?.snapshotId ?? '—'}.`);
  }

  async function waitJob(core: ConsoleCore, jobId: string, label: string) {
    const progress = new TerminalProgress(label);
    const off = core.onEvent((e: ConsoleEvent) => {
      if (e.type === 'job' && e.jobId === jobId) progress.sink({ phase: e.phase, done: e.done, total: e.total, bytesDone: e.bytesDone, bytesTotal: e.bytesTotal });
    });
    let job = await core.services.jobs.get(jobId);
    while (job.state === 'running') {
      await new Promise((r) => setTimeout(r, 200));
      job = await core.services.jobs.get(jobId);
    }
    off();
    progress.done();
    return job;
  }

  function printRequest(r: RestoreRequestView): void {
    env.out.write(`${r.id}\t${r.kind}\t${r.status}\tsnapshot ${r.snapshotId} (${r.snapshotTakenAt})\tticket ${r.ticket}\trequested by ${r.requestedBy}${r.approvedBy ? `, approved by ${r.approvedBy}` : ''}\n`);
    if (r.plan) env.out.write(`  inserts: ${Object.entries(r.plan.insert).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
    if (r.result) {
      if (r.result.inserted) env.out.write(`  inserted: ${Object.entries(r.result.inserted).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
      env.out.write(`  file rows without their object in storage: ${r.result.missingFileCount}\n`);
    }
    if (r.safetySnapshotId) env.out.write(`  safety snapshot ${r.safetySnapshotId}${r.canRollBack ? `; can be rolled back until ${r.rollbackUntil}` : ''}\n`);
    if (r.error) env.out.write(`  error [${r.error.code}] ${r.error.message}${r.error.hint ? `\n  → ${r.error.hint}` : ''}\n`);
  }

  async function runApproved(core: ConsoleCore, tenantId: string, requestId: string, o: { ticket?: string; reason?: string }): Promise<void> {
    const { jobId } = await withGrant(core, 'restore.run', { tenantId, requestId }, { tenantId, ...o });
    const job = await waitJob(core, jobId, 'restore');
    const r = await callOp(core, 'restore.get', { requestId });
    printRequest(r);
    if (job.state !== 'succeeded') process.exitCode = 2;
  }

  restore
    .command('plan')
    .description('the snapshot that holds the tenant\'s data as of a day (UTC)')
    .requiredOption('--tenant <id>', 'tenant ID or slug')
    .requiredOption('--day <YYYY-MM-DD>', 'the day')
    .action(async (o: { tenant: string; day: string }) => {
      const core = await env.open();
      const tenantId = await tenantOf(core, o.tenant);
      const p = await callOp(core, 'restore.plan', { tenantId, day: o.day });
      env.out.write(`${p.explanation}\n`);
      if (p.kind === 'exact') env.out.write(`snapshot\t${p.snapshot.snapshotId}\t${p.snapshot.takenAt}\t${p.snapshot.verification}\n`);
      else {
        if (p.before) env.out.write(`before\t${p.before.snapshotId}\t${p.before.takenAt}\t${p.before.verification}\n`);
        if (p.after) env.out.write(`after\t${p.after.snapshotId}\t${p.after.takenAt}\t${p.after.verification}\n`);
      }
      for (const u of p.unusable) env.out.write(`unusable\t${u.snapshotId}\t${u.takenAt}\t${u.reason}\n`);
    });

  restore
    .command('sandbox')
    .description('restore a snapshot into a read-only sandbox and compare it with the live database')
    .requiredOption('--tenant <id>', 'tenant ID or slug')
    .option('--snapshot <id>', 'snapshot ID')
    .option('--day <YYYY-MM-DD>', 'or the day (its snapshot)')
    .option('--ticket <ref>', 'customer ticket (opens a justification grant if needed)')
    .option('--reason <text>', 'justification (opens a grant if needed)')
    .action(async (o: { tenant: string; snapshot?: string; day?: string; ticket?: string; reason?: string }) => {
      const core = await env.open();
      const tenantId = await tenantOf(core, o.tenant);
      const { snapshotId } = await snapshotFor(core, tenantId, o);
      const { jobId, sandboxId } = await withGrant(core, 'restore.openSandbox', { tenantId, snapshotId }, { tenantId, ...o });
      const job = await waitJob(core, jobId, 'sandbox');
      if (job.state !== 'succeeded') {
        env.out.write(`Sandbox could not be opened: [${job.error?.code}] ${job.error?.message}\n${job.error?.hint ? `  → ${job.error.hint}\n` : ''}`);
        process.exitCode = 2;
        return;
      }
      env.out.write(`sandbox ${sandboxId} of snapshot ${snapshotId}\n`);
      env.out.write('entity\tsnapshot\tlive\tonly in snapshot\tonly live\tchanged\n');
      for (const c of await callOp(core, 'restore.compare', { tenantId, sandboxId })) env.out.write(`${c.entity}\t${c.snapshot}\t${c.live}\t${c.onlySnapshot}\t${c.onlyLive}\t${c.changed}\n`);
    });

  restore
    .command('request')
    .description('request a live restore of the whole database (a second staff member approves)')
    .requiredOption('--tenant <id>', 'tenant ID or slug')
    .option('--snapshot <id>', 'snapshot ID')
    .option('--day <YYYY-MM-DD>', 'or the day (its snapshot)')
    .requiredOption('--ticket <ref>', 'customer ticket reference')
    .requiredOption('--reason <text>', 'why')
    .action(async (o: { tenant: string; snapshot?: string; day?: string; ticket: string; reason: string }) => {
      const core = await env.open();
      const tenantId = await tenantOf(core, o.tenant);
      const { snapshotId, day } = await snapshotFor(core, tenantId, o);
      printRequest(await callOp(core, 'restore.request', { kind: 'live', tenantId, snapshotId, ...(day ? { day } : {}), ticket: o.ticket, reason: o.reason }));
    });

  restore
    .command('approve <requestId>')
    .description('approve a restore request (technical or admin, not the requester)')
    .action(async (requestId: string) => {
      const core = await env.open();
      printRequest(await callOp(core, 'restore.approve', { requestId }));
    });

  restore
    .command('live')
    .description('run an approved live restore: safety snapshot, atomic swap, verification')
    .requiredOption('--tenant <id>', 'tenant ID or slug')
    .requiredOption('--approval <requestId>', 'the approved request')
    .option('--ticket <ref>', 'customer ticket (opens a justification grant if needed)')
    .option('--reason <text>', 'justification (opens a grant if needed)')
    .action(async (o: { tenant: string; approval: string; ticket?: string; reason?: string }) => {
      const core = await env.open();
      const tenantId = await tenantOf(core, o.tenant);
      const r = await callOp(core, 'restore.get', { requestId: o.approval });
      if (r.kind !== 'live') throw new CustosError('INVALID_INPUT', `${r.id} is a ${r.kind} restore.`, r.kind === 'records' ? 'Run it with `custos restore records --approval`.' : 'Check the request ID.');
      await runApproved(core, tenantId, o.approval, o);
    });

  restore
    .command('records')
    .description('selective restore: request (with --sandbox and --ids) or run an approved one (with --approval)')
    .requiredOption('--tenant <id>', 'tenant ID or slug')
    .option('--sandbox <id>', 'the sandbox the records come from')
    .option('--ids <entity:ids...>', 'records, e.g. opportunities:7,8 persons:3')
    .option('--preview', 'only show what would be restored')
    .option('--approval <requestId>', 'run this approved selective restore')
    .option('--ticket <ref>', 'customer ticket reference')
    .option('--reason <text>', 'why')
    .action(async (o: { tenant: string; sandbox?: string; ids?: string[]; preview?: boolean; approval?: string; ticket?: string; reason?: string }) => {
      const core = await env.open();
      const tenantId = await tenantOf(core, o.tenant);
      if (o.approval) {
        await runApproved(core, tenantId, o.approval, o);
        return;
      }
      if (!o.sandbox || !o.ids?.length) throw new CustosError('INVALID_INPUT', 'A selective restore needs --sandbox and --ids (or --approval to run an approved one).', 'Open a sandbox with `custos restore sandbox`, then pick records, e.g. --ids opportunities:7,8.');
      const selection = o.ids.flatMap((spec) => {
        const m = /^([a-z_]+):(\d+(?:,\d+)*)$/.exec(spec);
        if (!m) throw new CustosError('INVALID_INPUT', `"${spec}" is not entity:ids.`, 'Write e.g. opportunities:7,8');
        return m[2]!.split(',').map((id) => ({ entity: m[1]! as 'opportunities', id: Number(id) }));
      });
      const preview = await withGrant(core, 'restore.previewSelection', { tenantId, sandboxId: o.sandbox, selection }, { tenantId, ...o });
      env.out.write(`would insert ${preview.totalRows} rows: ${Object.entries(preview.insert).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}\n`);
      for (const c of preview.conflicts) env.out.write(`conflict\t${c.entity} ${c.id}\t${c.reason}\n`);
      for (const r of preview.refusals) env.out.write(`refused\t${r.entity} ${r.id}\t${r.reason}\n`);
      if (o.preview) return;
      if (!o.ticket || !o.reason) throw new CustosError('INVALID_INPUT', 'A restore request needs --ticket and --reason.', 'Add the customer ticket reference and why.');
      printRequest(await callOp(core, 'restore.request', { kind: 'records', tenantId, sandboxId: o.sandbox, selection, ticket: o.ticket, reason: o.reason }));
    });

  restore
    .command('rollback')
    .description('roll a completed restore back to its safety snapshot (within the rollback period)')
    .requiredOption('--tenant <id>', 'tenant ID or slug')
    .requiredOption('--request <requestId>', 'the completed restore')
    .requiredOption('--reason <text>', 'why')
    .option('--ticket <ref>', 'customer ticket (opens a justification grant if needed)')
    .action(async (o: { tenant: string; request: string; reason: string; ticket?: string }) => {
      const core = await env.open();
      const tenantId = await tenantOf(core, o.tenant);
      const { jobId, requestId } = await withGrant(core, 'restore.rollback', { tenantId, requestId: o.request, reason: o.reason }, { tenantId, ...o });
      const job = await waitJob(core, jobId, 'rollback');
      printRequest(await callOp(core, 'restore.get', { requestId }));
      if (job.state !== 'succeeded') process.exitCode = 2;
    });

  restore
    .command('status')
    .description('restore requests, newest first')
    .option('--tenant <id>', 'tenant ID or slug')
    .action(async (o: { tenant?: string }) => {
      const core = await env.open();
      const tenantId = o.tenant ? await tenantOf(core, o.tenant) : undefined;
      for (const r of await callOp(core, 'restore.list', { ...(tenantId ? { tenantId } : {}), limit: 50 })) printRequest(r);
    });

}
