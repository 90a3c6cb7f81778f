import { hostname, userInfo } from 'node:os';
import { CustosError, toErrorInfo } from '../shared/errors';
import type { CallContext } from '../api/dispatcher';
import type { ConsoleCore } from '../runtime/console';
import type { OpInput, OpName, OpOutput } from '../api/contract';

/** The CLI acts as the OS user on this host (issue 3: `system:<os-user>@<host>`). */
export function systemActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return `system:${user}@${hostname()}`;
}

export function cliContext(sessionToken: string | null = process.env.CUSTOS_SESSION ?? null): CallContext {
  return { transport: 'cli', sessionToken, systemActor: systemActor() };
}

/** Calls an operation through the dispatcher, exactly as the UI does, and unwraps the envelope. */
export async function callOp<N extends OpName>(core: ConsoleCore, op: N, input: OpInput<N>, ctx: CallContext = cliContext()): Promise<OpOutput<N>> {
  const r = await core.dispatch(ctx, op, input);
  if (!r.envelope.ok) {
    const e = r.envelope.error;
    throw new CustosError(e.code, e.message, e.hint, e.details);
  }
  return r.envelope.value as OpOutput<N>;
}

export function printError(e: unknown, out: NodeJS.WritableStream = process.stderr): void {
  const info = toErrorInfo(e);
  const message = info.code === 'INTERNAL' && e instanceof Error ? `${info.message} (${e.message})` : info.message;
  out.write(`error [${info.code}]: ${message}\n`);
  if (info.hint) out.write(`  → ${info.hint}\n`);
}
