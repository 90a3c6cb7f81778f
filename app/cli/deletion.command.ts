import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { CustosError } from '../shared/errors';
import type { CliEnv } from './main';
import { callOp, cliContext } from './cli-context';
import { TerminalProgress } from './terminal-progress';
import type { ConsoleEvent } from '../api/contract';

/**
 * `custos deletion …` — the same state machine and roles as the console. Staff act
 * through a session (CUSTOS_SESSION, from `eval "$(custos login --email …)"`); the OS user (`system:<os-user>@<host>`) may only
 * execute an already approved, scheduled request, and read status/certificates.
 */
export function registerDeletionCommands(program: Command, env: CliEnv): void {
  const deletion = program.command('deletion').description('deletion requests: file → approve → scheduled → execute → certificate');

  deletion
    .command('file')
    .description('file a deletion request (needs an account manager session: CUSTOS_SESSION)')
    .requiredOption('--tenant <id>', 'tenant ID or slug')
    .requiredOption('--reference <ref>', "the customer's request reference")
    .requiredOption('--received <date>', 'date the request was received, YYYY-MM-DD')
    .requiredOption('--contact <text>', 'requester contact')
    .requiredOption('--reason <text>', 'reason')
    .option('--final-export', 'the customer wants a final advanced export first')
    .action(async (o: { tenant: string; reference: string; received: string; contact: string; reason: string; finalExport?: boolean }) => {
      const core = await env.open();
      const t = await core.services.catalogue.get(o.tenant);
      const r = await callOp(core, 'deletion.file', { tenantId: t.id, requestReference: o.reference, receivedOn: o.received, requesterContact: o.contact, reason: o.reason, wantsFinalExport: Boolean(o.finalExport) });
      env.out.write(`Filed ${r.id} for ${r.tenantId} (${r.status}); parameters ${r.parametersHash}\n`);
    });

  deletion
    .command('approve <requestId>')
    .description('approve (admin session, not the filer); without --hash prints what would be approved')
    .option('--hash <sha256>', 'the parameters hash shown by the preview')
    .action(async (requestId: string, o: { hash?: string }) => {
      const core = await env.open();
      const { request } = await callOp(core, 'deletion.get', { requestId });
      if (!o.hash) {
        env.out.write(`${request.id}: delete ALL data of tenant ${request.tenantId} (${request.tenantSlug ?? ''}), reference ${request.requestReference}, received ${request.receivedOn}\nparameters hash ${request.parametersHash}\nRun again with --hash ${request.parametersHash} to approve exactly this.\n`);
        return;
      }
      const r = await callOp(core, 'deletion.approve', { requestId, parametersHash: o.hash });
      env.out.write(`${r.id}: ${r.status}${r.scheduledFor ? `, executable after ${r.scheduledFor}` : ''}\n`);
    });

  deletion
    .command('cancel <requestId>')
    .description('cancel before execution (with a reason)')
    .requiredOption('--reason <text>', 'why')
    .action(async (requestId: string, o: { reason: string }) => {
      const core = await env.open();
      const r = await callOp(core, 'deletion.cancel', { requestId, reason: o.reason });
      env.out.write(`${r.id}: ${r.status}\n`);
    });

  deletion
    .command('execute <requestId>')
    .description('execute a scheduled request whose grace period has passed (type the tenant slug to confirm)')
    .requiredOption('--confirm <slug>', 'the tenant slug, typed out')
    .action(async (requestId: string, o: { confirm: string }) => {
      const core = await env.open();
      const progress = new TerminalProgress('deletion');
      const off = core.onEvent((e: ConsoleEvent) => {
        if (e.type === 'job') progress.sink({ phase: e.phase, done: e.done, total: e.total, bytesDone: e.bytesDone, bytesTotal: e.bytesTotal });
      });
      const { jobId } = await callOp(core, 'deletion.execute', { requestId, confirmSlug: o.confirm }, cliContext());
      let job = await core.services.jobs.get(jobId);
      while (job.state === 'running') {
        await new Promise((r) => setTimeout(r, 200));
        job = await core.services.jobs.get(jobId);
      }
      off();
      progress.done();
      if (job.state !== 'succeeded') {
        env.out.write(`Deletion ${requestId} did not complete: [${job.error?.code}] ${job.error?.message}\n${job.error?.hint ? `  → ${job.error.hint}\n` : ''}`);
        const leftovers = (job.error?.details as { leftovers?: string[] } | undefined)?.leftovers;
        if (leftovers?.length) env.out.write(`Left over:\n${leftovers.map((k) => `  ${k}`).join('\n')}\n`);
        process.exitCode = 2;
        return;
      }
      const request = await core.services.deletion.get(requestId);
      env.out.write(`Deletion ${requestId} completed. Certificate ${request.certificateId}.\n`);
    });

  deletion
    .command('status [requestId]')
    .description('one request with its timeline, or the queue')
    .option('--status <s>', 'filter the queue by status')
    .option('--overdue', 'only overdue requests')
    .action(async (requestId: string | undefined, o: { status?: string; overdue?: boolean }) => {
      const core = await env.open();
      if (requestId) {
        const request = await core.services.deletion.get(requestId);
        const timeline = await core.services.deletion.timeline(requestId);
        env.out.write(`${request.id}\t${request.tenantId}\t${request.viewStatus}\tdue ${request.due.dueOn}${request.due.late ? ' (LATE)' : ''}\n`);
        for (const t of timeline) env.out.write(`  ${t.at}\t${t.from ?? '—'} → ${t.to}\t${t.actor}\n`);
        return;
      }
      const list = await core.services.deletion.list({ ...(o.status ? { status: o.status as never } : {}), ...(o.overdue ? { overdue: true } : {}), sort: 'dueOn', offset: 0, limit: 500 });
      env.out.write(`${list.total} requests\n`);
      for (const r of list.rows) env.out.write(`${r.id}\t${r.tenantId}\t${r.viewStatus}\tdue ${r.due.dueOn}${r.due.overdue ? ' OVERDUE' : ''}\n`);
    });

  deletion
    .command('certificate <id>')
    .description('write the certificate of deletion (PDF + JSON) by certificate, request or tenant ID')
    .requiredOption('--out <dir>', 'folder to write into')
    .action(async (id: string, o: { out: string }) => {
      const core = await env.open();
      const c = await core.services.deletion.certificate(id);
      if (!c) throw new CustosError('INVALID_INPUT', `No certificate for ${id}.`, 'Give a certificate ID, request ID or tenant ID of a completed deletion.');
      const dir = resolve(o.out);
      mkdirSync(dir, { recursive: true });
      const { json, pdf, certificateId: certId } = c;
      writeFileSync(join(dir, `${certId}.json`), json);
      writeFileSync(join(dir, `${certId}.pdf`), pdf);
      const sha = createHash('sha256').update(json).digest('hex');
      if (sha !== c.jsonSha256) throw new CustosError('DELETION_VERIFY_FAILED', 'The stored certificate does not match its recorded hash.', 'Report this; do not send the certificate.');
      env.out.write(`Wrote ${certId}.json and ${certId}.pdf to ${dir}\nJSON SHA-256 ${sha}\n`);
    });
}
