/**
 * `custos …` — the same domain for servers, cron and scripts (ARCHITECTURE.md
 * "Shells"). Every command that changes something writes an audit record as
 * `system:<os-user>@<host>`; errors print their code, message and hint and exit 1.
 */
import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { openConsole, type ConsoleCore } from '../runtime/console';
import { defaultDataDir } from '../runtime/data-dir';
import { APP_VERSION } from '../runtime/version';
import { printError, systemActor } from './cli-context';
import { registerDemoCommands } from './demo.command';
import { registerAuditCommands } from './audit.command';
import { registerTenantCommands } from './tenants.command';
import { registerBackupCommands } from './backup.command';
import { registerDeletionCommands } from './deletion.command';
import { registerExportCommands } from './export.command';
import { registerRestoreCommands } from './restore.command';
import { registerSessionCommands } from './session.command';

export interface CliEnv {
  dataDir(): string;
  open(options?: { seedDemo?: boolean }): Promise<ConsoleCore>;
  out: NodeJS.WritableStream;
  actor: string;
}

export async function cliMain(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const program = new Command();
  program
    .name('custos')
    .description('Custos console core: demo fleet, backups, exports, restores, deletions, audit.')
    .version(APP_VERSION)
    .option('--data-dir <dir>', 'data folder (default: CUSTOS_DATA_DIR or the desktop app\'s folder)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => process.stderr.write(s) });

  const opened: ConsoleCore[] = [];
  const env: CliEnv = {
    dataDir: () => resolve(program.opts<{ dataDir?: string }>().dataDir ?? defaultDataDir()),
    async open(options) {
      const core = await openConsole({ dataDir: env.dataDir(), seedDemo: options?.seedDemo ?? false });
      opened.push(core);
      return core;
    },
    out,
    actor: systemActor(),
  };
  program.command('serve').description('serve the console on 127.0.0.1 (see `custos serve --help`)');
  registerDemoCommands(program, env);
  registerAuditCommands(program, env);
  registerTenantCommands(program, env);
  registerBackupCommands(program, env);
  registerDeletionCommands(program, env);
  registerExportCommands(program, env);
  registerRestoreCommands(program, env);
  registerSessionCommands(program, env);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    printError(e);
    return 1;
  } finally {
    for (const core of opened) await core.close();
  }
}
