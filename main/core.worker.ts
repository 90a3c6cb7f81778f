/**
 * The core in Electron's utilityProcess (ARCHITECTURE.md "Where the core runs"):
 * a ten-minute export must never freeze the window. The main process relays
 * { id, ctx, op, input } here and the envelope back; events flow up unasked.
 *
 * PostgreSQL URLs stored in the OS keychain arrive in this process's environment
 * (the main process sets them when it forks us, unless already set). The database
 * connections screen also asks here, even when the core could not open, which
 * variables custos.json names and whether a URL passes the transport policy: the
 * same rules as at start, without loading the core into the main process.
 */
import { checkPostgresUrl, openConsole, readConnectionTargets, type CallContext, type ConsoleCore } from '../app/api';

interface ParentPort {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as unknown as { parentPort: ParentPort }).parentPort;

let core: ConsoleCore | null = null;
let opening: Promise<ConsoleCore> | null = null;

function open(dataDir: string, logDir: string | undefined): Promise<ConsoleCore> {
  opening ??= openConsole({ dataDir, ...(logDir ? { logDir } : {}) }).then((c) => {
    core = c;
    c.onEvent((event) => parentPort.postMessage({ kind: 'event', event }));
    return c;
  });
  return opening;
}

parentPort.on('message', (e) => {
  const msg = e.data as
    | { kind: 'open'; dataDir: string; logDir?: string }
    | { kind: 'call'; id: number; ctx: CallContext; op: unknown; input: unknown }
    | { kind: 'host'; id: number; request: { what: 'connection-targets'; dataDir: string } | { what: 'check-postgres-url'; url: string } }
    | { kind: 'close' };
  if (msg.kind === 'open') {
    open(msg.dataDir, msg.logDir).then(
      () => parentPort.postMessage({ kind: 'ready' }),
      (err: Error & { code?: string; hint?: string }) => parentPort.postMessage({ kind: 'failed', message: err.message, hint: err.hint ?? null }),
    );
  } else if (msg.kind === 'call') {
    const { id } = msg;
    void (async () => {
      const c = core ?? (opening ? await opening : null);
      if (!c) return parentPort.postMessage({ kind: 'result', id, result: { envelope: { ok: false, error: { code: 'INTERNAL', message: 'The console core is not running.' } } } });
      const result = await c.dispatch({ ...msg.ctx, transport: 'ipc' }, msg.op, msg.input);
      parentPort.postMessage({ kind: 'result', id, result });
    })();
  } else if (msg.kind === 'host') {
    // Never logged: the request may hold a URL with its password.
    const r = msg.request;
    const result = r.what === 'connection-targets' ? readConnectionTargets(r.dataDir) : checkPostgresUrl(r.url);
    parentPort.postMessage({ kind: 'host-result', id: msg.id, result });
  } else if (msg.kind === 'close') {
    void (core?.close() ?? Promise.resolve()).then(() => process.exit(0));
  }
});
