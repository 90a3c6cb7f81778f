import { isAppUrl } from './window-options';
import { MAX_IPC_PAYLOAD_BYTES } from './ipc-channels';
import { ENV_NAME, MAX_STORED_URL_LENGTH } from './credential-store';

/** What the guard needs of Electron's WebFrameMain / WebContents (so it is testable without the runtime). */
export interface FrameLike {
  url: string;
}
export interface SenderLike {
  mainFrame: FrameLike;
  /** webContents.id */
  id?: number;
}

/**
 * IPC is accepted only from our own top-level page: not from an iframe, a popup,
 * or a frame that navigated elsewhere (fail closed when anything is missing).
 */
export function senderIsTrusted(frame: FrameLike | null | undefined, sender: SenderLike | null | undefined): boolean {
  if (!frame || !sender) return false;
  if (frame !== sender.mainFrame) return false;
  return isAppUrl(frame.url);
}

/**
 * The database connections channel: our own top frame, and only in the one window
 * that shows that screen (opened from the native menu). The console window, where
 * tenant data is displayed, cannot reach it even though it has the same preload.
 */
export function senderIsWindow(frame: FrameLike | null | undefined, sender: SenderLike | null | undefined, allowedWebContentsId: number | null | undefined): boolean {
  if (allowedWebContentsId === null || allowedWebContentsId === undefined) return false;
  if (!senderIsTrusted(frame, sender)) return false;
  return sender!.id === allowedWebContentsId;
}

export type PayloadCheck = { ok: true } | { ok: false; code: 'UNKNOWN_OPERATION' | 'INVALID_INPUT'; message: string };

/** Cheap shape checks before anything crosses to the core; the dispatcher parses the rest. */
export function checkPayload(op: unknown, input: unknown): PayloadCheck {
  if (typeof op !== 'string' || op.length === 0 || op.length > 100) return { ok: false, code: 'UNKNOWN_OPERATION', message: 'That operation does not exist.' };
  let size: number;
  try {
    size = JSON.stringify(input ?? null).length;
  } catch {
    return { ok: false, code: 'INVALID_INPUT', message: 'The request could not be read.' };
  }
  if (size > MAX_IPC_PAYLOAD_BYTES) return { ok: false, code: 'INVALID_INPUT', message: 'The request is too large.' };
  return { ok: true };
}

/** What the database connections screen may ask the main process (issue 8). */
export type ConnectionsRequest =
  | { action: 'status' }
  | { action: 'save'; variable: string; url: string }
  | { action: 'forget'; variable: string }
  | { action: 'remove-unreadable' };

export type ConnectionsRequestCheck = { ok: true; request: ConnectionsRequest } | { ok: false; code: 'INVALID_INPUT'; message: string };

const CONNECTIONS_FIELDS: Record<ConnectionsRequest['action'], readonly string[]> = {
  status: ['action'],
  save: ['action', 'variable', 'url'],
  forget: ['action', 'variable'],
  'remove-unreadable': ['action'],
};

/**
 * Strict parse of a connections request (CONVENTIONS.md §5): a plain object with
 * exactly the fields of its action, a variable name as custos.json accepts it, and
 * a URL string of sane size without control characters. Whether the URL passes the
 * transport policy is the core's rule (checkPostgresUrl), asked afterwards.
 */
export function parseConnectionsRequest(payload: unknown): ConnectionsRequestCheck {
  const bad = (message: string): ConnectionsRequestCheck => ({ ok: false, code: 'INVALID_INPUT', message });
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return bad('The request could not be read.');
  const proto = Object.getPrototypeOf(payload);
  if (proto !== Object.prototype && proto !== null) return bad('The request could not be read.');
  const p = payload as Record<string, unknown>;
  const keys = Reflect.ownKeys(p);
  const action = Object.prototype.hasOwnProperty.call(p, 'action') ? p.action : undefined;
  if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(CONNECTIONS_FIELDS, action)) return bad('That is not something the connections screen can do.');
  const fields = CONNECTIONS_FIELDS[action as ConnectionsRequest['action']];
  if (keys.length !== fields.length || keys.some((k) => typeof k !== 'string' || !fields.includes(k))) return bad('The request has unexpected fields.');
  if (action === 'save' || action === 'forget') {
    const variable = p.variable;
    if (typeof variable !== 'string' || !ENV_NAME.test(variable)) return bad('That is not the name of an environment variable.');
    if (action === 'forget') return { ok: true, request: { action, variable } };
    const url = p.url;
    if (typeof url !== 'string' || url.trim() === '' || url.length > MAX_STORED_URL_LENGTH) return bad('Give a PostgreSQL URL (at most 4096 characters).');
    if (/[\u0000-\u001f\u007f]/.test(url)) return bad('The URL contains control characters.');
    return { ok: true, request: { action, variable, url: url.trim() } };
  }
  return { ok: true, request: { action } as ConnectionsRequest };
}
