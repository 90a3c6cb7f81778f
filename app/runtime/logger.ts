import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Structured operator log (CONVENTIONS.md §10): tenant IDs, job IDs, timings;
 * never names, e-mails or file contents of a tenant. One JSON object a line.
 */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  readonly dir: string | null;
  close(): void;
}

export function createLogger(dir: string | null, echo = process.env.CUSTOS_LOG_ECHO === '1'): Logger {
  let file: string | null = null;
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true });
      file = join(dir, 'custos.log');
    } catch {
      file = null;
    }
  }
  const write = (level: string, event: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, event, ...fields }) + '\n';
    if (file) {
      try {
        appendFileSync(file, line);
      } catch {
        /* logging must never break the work */
      }
    }
    if (echo || level === 'error') process.stderr.write(line);
  };
  return {
    dir,
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
    close: () => {},
  };
}
