import { isAppUrl } from './window-options';
import { MAX_IPC_PAYLOAD_BYTES } from './ipc-channels';

/** What the guard needs of Electron's WebFrameMain / WebContents (so it is testable without the runtime). */
export interface FrameLike {
  url: string;
}
export interface SenderLike {
  mainFrame: FrameLike;
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
