import type { Command } from 'commander';
import { describeProblem } from '../audit/audit.chain';
import type { CliEnv } from './main';

export function registerAuditCommands(program: Command, env: CliEnv): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('walk the hash chain; exit 2 and name the first broken record if it was edited, deleted or reordered')
    .action(async () => {
      const core = await env.open();
      const verdict = await core.services.audit.verify();
      if (verdict.ok) {
        env.out.write(`Audit chain intact: ${verdict.checked} records, head ${verdict.head ? `#${verdict.head.seq} ${verdict.head.hash}` : '(empty)'}.\n`);
        return;
      }
      const p = verdict.firstProblem!;
      env.out.write(`Audit chain BROKEN at record ${p.seq}: ${describeProblem(p)}.\n${verdict.checked} records before it are intact.\n`);
      process.exitCode = 2;
    });
}
