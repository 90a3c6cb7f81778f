/** Small helpers for benchmarks: wall time, peak RSS sampled while the work runs. */
export interface Measured<T> {
  value: T;
  seconds: number;
  peakRssMb: number;
}

export async function measure<T>(fn: () => Promise<T> | T): Promise<Measured<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = process.hrtime.bigint();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRssMb: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

export function line(name: string, fields: Record<string, string | number>): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(3)) : v}`);
  process.stdout.write(`${name.padEnd(28)} ${parts.join('  ')}\n`);
}
