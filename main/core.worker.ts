/**
 * The core in Electron's utilityProcess (ARCHITECTURE.md "Where the core runs"):
 * a ten-minute export must never freeze the window. The main process relays
 * { id, ctx, op, input } here and the envelope back; events flow up unasked.
 */
import { openConsole, type CallContext, type ConsoleCore } from '../app/api';

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
  const msg = e.data as { kind: 'open'; dataDir: string; logDir?: string } | { kind: 'call'; id: number; ctx: CallContext; op: unknown; input: unknown } | { kind: 'close' };
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
  } else if (msg.kind === 'close') {
    void (core?.close() ?? Promise.resolve()).then(() => process.exit(0));
  }
});
