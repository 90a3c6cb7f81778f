import type { Command } from 'commander';
import { verifyAudit } from '../audit/audit.verify';
import type { CliEnv } from './main';

export function registerAuditCommands(program: Command, env: CliEnv): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('walk the hash chain; exit 2 and name the first broken record if it was edited, deleted or reordered')
    .action(async () => {
      const core = await env.open();
      const v = await verifyAudit(core.services.audit, core.services.objectStore);
      if (v.ok) {
        env.out.write(`Audit chain intact: ${v.checked} records, head ${v.head ? `#${v.head.seq} ${v.head.hash}` : '(empty)'}, ${v.anchors} anchors agree.\n`);
        return;
      }
      env.out.write(`Audit chain BROKEN${v.problemSeq ? ` at record ${v.problemSeq}` : ''}: ${v.problem}.\n${v.checked} records before it are intact.\n`);
      process.exitCode = 2;
    });
}
