/**
 * Cancellation and progress are parameters (CONVENTIONS.md §2): every long
 * function takes `{ signal, progress }`, checks the signal between units of work
 * and reports done/total/bytes/phase.
 */
export interface ProgressReport {
  phase: string;
  /** Units of work done / total in this phase (rows, files, steps). */
  done: number;
  total: number | null;
  bytesDone?: number;
  bytesTotal?: number | null;
  /** What is being worked on now, e.g. a list name. No customer personal data. */
  item?: string;
}

export type ProgressSink = (p: ProgressReport) => void;

export interface LongWork {
  signal: AbortSignal;
  progress: ProgressSink;
}

export const noProgress: ProgressSink = () => {};

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    const err = new Error('cancelled');
    err.name = 'AbortError';
    throw err;
  }
}

/** Lets the event loop breathe (timers, progress events, cancellation) inside long loops. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
