/**
 * The renderer's one door to the Console API contract (ARCHITECTURE.md: the renderer
 * talks only to the contract, through one client). Two transports, one envelope
 * (CONVENTIONS.md §14):
 * - Electron: the preload's `window.custos.call(op, input)` / `custos.on('event', fn)`.
 * - Web host: POST `/api/call` with `{op, input}` (the session lives in an HttpOnly
 *   cookie, so nothing here ever holds a token), events over SSE at `/api/events`.
 * Errors arrive as `{code, message, hint?, details?}` and are thrown as ApiError; the
 * code is the identity (instanceof does not cross a process boundary).
 */
import type { ConsoleEvent, OpInput, OpName, OpOutput } from '../../../app/api/contract';

export type { ConsoleEvent, OpInput, OpName, OpOutput };

export interface ErrorInfo {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** What the Electron preload exposes (main/preload.ts). */
export interface CustosBridge {
  call(op: string, input: unknown): Promise<unknown>;
  on(event: string, fn: (payload: unknown) => void): () => void;
  /** Desktop only: the database connections screen's channel (answered by the main process, from that window only). */
  connections?(request: unknown): Promise<unknown>;
}

declare global {
  interface Window {
    custos?: CustosBridge;
  }
}

export class ApiError extends Error implements ErrorInfo {
  readonly code: string;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.code = info.code;
    if (info.hint !== undefined) this.hint = info.hint;
    if (info.details !== undefined) this.details = info.details;
  }
}

/** Anything thrown → something a support person can read (message + hint). */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof ApiError) {
    return { code: e.code, message: e.message, ...(e.hint !== undefined ? { hint: e.hint } : {}), ...(e.details ? { details: e.details } : {}) };
  }
  return {
    code: 'INTERNAL',
    message: e instanceof Error && e.message ? `The console failed unexpectedly: ${e.message}` : 'The console failed unexpectedly.',
    hint: 'Reload the window; if it happens again, report it to the engineering team.',
  };
}

// ---- the session going away -----------------------------------------------------

/** Codes that mean "you are no longer signed in": the app goes back to sign-in. */
export const SESSION_LOST_CODES: ReadonlySet<string> = new Set(['NOT_SIGNED_IN', 'SESSION_EXPIRED']);

export interface SessionLost {
  message: string;
  hint?: string;
}

const sessionLostListeners = new Set<(info: SessionLost) => void>();

/** The app shell listens here to return to sign-in with a message. */
export function onSessionLost(fn: (info: SessionLost) => void): () => void {
  sessionLostListeners.add(fn);
  return () => sessionLostListeners.delete(fn);
}

function sessionLost(info: SessionLost): void {
  for (const fn of [...sessionLostListeners]) fn(info);
}

const SESSION_ENDED_TEXT: Record<'signed-out' | 'expired' | 'disabled', string> = {
  'signed-out': 'You were signed out (perhaps from another desktop).',
  expired: 'Your session expired.',
  disabled: 'Your staff account was disabled by an admin.',
};

// ---- calls ----------------------------------------------------------------------

function bridge(): CustosBridge | null {
  const c = typeof window !== 'undefined' ? window.custos : undefined;
  return c && typeof c.call === 'function' && typeof c.on === 'function' ? c : null;
}

/**
 * The native folder dialog, answered by the Electron shell itself (a host feature,
 * not a contract operation). Null under the web host: type the path instead.
 */
export function canPickFolder(): boolean {
  return bridge() !== null;
}

export async function pickFolder(): Promise<string | null> {
  const b = bridge();
  if (!b) return null;
  const env = (await b.call('host.pickFolder', {})) as { ok: boolean; value?: { path: string | null } };
  return env.ok ? (env.value?.path ?? null) : null;
}

/**
 * The database connections screen (File > Database connections…) exists only in the
 * desktop app: the URLs are kept with the OS keychain through Electron's safeStorage,
 * which the web host does not have.
 */
export function canManageConnections(): boolean {
  return typeof bridge()?.connections === 'function';
}

/** One request to the connections channel; the envelope unwrapped, errors thrown as ApiError. */
export async function connectionsRequest<T>(request: Record<string, unknown>): Promise<T> {
  const b = bridge();
  if (!b || typeof b.connections !== 'function') throw new ApiError({ code: 'DESKTOP_ONLY', message: 'Database connections are managed in the desktop app only.' });
  let answer: unknown;
  try {
    answer = await b.connections(request);
  } catch {
    throw new ApiError(UNREACHABLE);
  }
  if (!isEnvelope(answer)) throw new ApiError({ code: 'INTERNAL', message: 'The desktop app answered in an unexpected format.' });
  if (answer.ok) return answer.value as T;
  throw new ApiError(answer.error);
}

const UNREACHABLE: ErrorInfo = {
  code: 'CORE_UNREACHABLE',
  message: 'The console could not reach its core.',
  hint: 'Check that Custos (or `custos serve`) is still running, then reload the window.',
};

function isEnvelope(x: unknown): x is Envelope<unknown> {
  if (!x || typeof x !== 'object') return false;
  const e = x as { ok?: unknown; error?: unknown };
  if (e.ok === true) return 'value' in e;
  if (e.ok === false) {
    const err = e.error as { code?: unknown; message?: unknown } | null | undefined;
    return !!err && typeof err.code === 'string' && typeof err.message === 'string';
  }
  return false;
}

async function transport(op: string, input: unknown): Promise<unknown> {
  const b = bridge();
  if (b) {
    try {
      return await b.call(op, input);
    } catch {
      throw new ApiError(UNREACHABLE);
    }
  }
  let res: Response;
  try {
    res = await fetch('/api/call', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ op, input }),
    });
  } catch {
    throw new ApiError(UNREACHABLE);
  }
  // The web host answers with the envelope even on 4xx (401, 403, 413…), so read the body first.
  try {
    return await res.json();
  } catch {
    throw new ApiError({ ...UNREACHABLE, message: `The console answered with something other than JSON (HTTP ${res.status}).` });
  }
}

export async function call<N extends OpName>(op: N, input: OpInput<N>): Promise<OpOutput<N>> {
  const answer = await transport(op, input);
  if (!isEnvelope(answer)) {
    throw new ApiError({ code: 'INTERNAL', message: 'The console answered in an unexpected format.', hint: 'Update the console; the window and core versions may differ.' });
  }
  if (answer.ok) return answer.value as OpOutput<N>;
  const error = new ApiError(answer.error);
  if (SESSION_LOST_CODES.has(error.code)) sessionLost({ message: error.message, ...(error.hint !== undefined ? { hint: error.hint } : {}) });
  throw error;
}

// ---- events -----------------------------------------------------------------------

const eventListeners = new Set<(e: ConsoleEvent) => void>();
let detach: (() => void) | null = null;

function isConsoleEvent(x: unknown): x is ConsoleEvent {
  if (!x || typeof x !== 'object') return false;
  const t = (x as { type?: unknown }).type;
  return t === 'job' || t === 'session-ended';
}

function deliver(payload: unknown): void {
  if (!isConsoleEvent(payload)) return;
  if (payload.type === 'session-ended') {
    sessionLost({ message: SESSION_ENDED_TEXT[payload.reason] ?? 'Your session ended.', hint: 'Sign in again to continue.' });
  }
  for (const fn of [...eventListeners]) fn(payload);
}

/** Server-sent events with reconnection: EventSource gives up for good on a non-200 answer. */
function attachEventSource(): () => void {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let delay = 1000;
  let stopped = false;

  const open = () => {
    if (stopped) return;
    source = new EventSource('/api/events', { withCredentials: false });
    source.onopen = () => {
      delay = 1000;
    };
    source.onmessage = (m: MessageEvent<string>) => {
      try {
        deliver(JSON.parse(m.data));
      } catch {
        /* a malformed event is dropped, never shown */
      }
    };
    source.onerror = () => {
      // While CONNECTING the browser retries by itself; CLOSED means it will not.
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        timer = setTimeout(open, delay);
        delay = Math.min(delay * 2, 30_000);
      }
    };
  };
  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    source?.close();
    source = null;
  };
}

function attach(): () => void {
  const b = bridge();
  if (b) return b.on('event', deliver);
  if (typeof EventSource === 'undefined') return () => {};
  return attachEventSource();
}

/**
 * Listen to console events (job progress, session ended). The stream is opened while
 * at least one listener exists — the web host only streams to a signed-in session, so
 * the app shell subscribes after sign-in and its unsubscribe closes the stream.
 */
export function onEvent(fn: (e: ConsoleEvent) => void): () => void {
  eventListeners.add(fn);
  if (!detach) detach = attach();
  return () => {
    eventListeners.delete(fn);
    if (eventListeners.size === 0 && detach) {
      detach();
      detach = null;
    }
  };
}
