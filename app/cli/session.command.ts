import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CustosError } from '../shared/errors';
import type { CliEnv } from './main';
import { cliContext } from './cli-context';

/**
 * `custos login --email <e>` — a staff session for the CLI's staff operations
 * (restore requests, approvals, deletion filing). The password comes from
 * CUSTOS_PASSWORD or is asked on the terminal without echo; the same lockout and
 * audit apply as in the console. Prints `export CUSTOS_SESSION=…` for the shell:
 *
 *   eval "$(npx custos login --email ada@vendor.example)"
 */
async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new CustosError('INVALID_INPUT', 'No password: set CUSTOS_PASSWORD or run this in a terminal.', 'The password is never taken from a command-line argument (it would stay in the shell history).');
  }
  const muted = new Writable({ write: (_c, _e, cb) => cb() });
  process.stderr.write('Password: ');
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

export function registerSessionCommands(program: Command, env: CliEnv): void {
  program
    .command('login')
    .description('sign in as a staff member; prints `export CUSTOS_SESSION=…` (use with eval)')
    .requiredOption('--email <email>', 'staff e-mail')
    .action(async (o: { email: string }) => {
      const core = await env.open();
      const password = process.env.CUSTOS_PASSWORD ?? (await askPassword());
      const r = await core.dispatch(cliContext(null), 'session.signIn', { email: o.email, password });
      if (!r.envelope.ok) {
        const e = r.envelope.error;
        throw new CustosError(e.code, e.message, e.hint, e.details);
      }
      if (!r.sessionToken) throw new CustosError('INTERNAL', 'Signed in, but no session was issued.', 'Report this to engineering.');
      env.out.write(`export CUSTOS_SESSION=${r.sessionToken}\n`);
    });
}
