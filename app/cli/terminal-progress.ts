import type { ProgressReport, ProgressSink } from '../shared/progress';

function human(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A terminal progress bar: phase, done/total, bytes, ETA. Quiet when stderr is not a TTY. */
export class TerminalProgress {
  private started = Date.now();
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(private readonly label: string) {}

  readonly sink: ProgressSink = (p: ProgressReport) => {
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const line = this.render(p, now);
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (process.env.CUSTOS_PROGRESS === 'lines') process.stderr.write(line + '\n');
  };

  render(p: ProgressReport, now = Date.now()): string {
    const frac = p.total ? Math.min(1, p.done / p.total) : p.bytesTotal ? Math.min(1, (p.bytesDone ?? 0) / p.bytesTotal) : null;
    const width = 24;
    const bar = frac === null ? '' : `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${(frac * 100).toFixed(0).padStart(3)}% `;
    const elapsed = (now - this.started) / 1000;
    const eta = frac && frac > 0.01 && frac < 1 ? ` ETA ${Math.round((elapsed / frac) * (1 - frac))} s` : '';
    const bytes = p.bytesDone !== undefined ? ` ${human(p.bytesDone)}${p.bytesTotal ? ` / ${human(p.bytesTotal)}` : ''}` : '';
    return `${this.label} ${p.phase}${p.item ? ` ${p.item}` : ''} ${bar}${p.done}${p.total !== null ? `/${p.total}` : ''}${bytes}${eta}`;
  }

  done(): void {
    if (this.tty) process.stderr.write('\r\x1b[2K');
  }
}
