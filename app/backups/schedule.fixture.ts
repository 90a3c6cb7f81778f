import { DAY_MS, type ScheduledSnapshot, type VerificationState } from './backup-schedule';

/** Test helpers for the schedule policies: readable dates in, epoch ms out. */
export const T = (isoText: string): number => {
  const ms = Date.parse(isoText.includes('T') ? isoText : `${isoText}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`bad date ${isoText}`);
  return ms;
};

export function snap(at: string, verification: VerificationState = 'verified', extra: Partial<ScheduledSnapshot> = {}): ScheduledSnapshot {
  const takenAt = T(at);
  return { id: extra.id ?? new Date(takenAt).toISOString(), takenAt, verification, ...extra };
}

/** One verified snapshot a day at `time` (UTC) from `from` to `to` inclusive, skipping the listed dates. */
export function daily(from: string, to: string, options: { time?: string; skip?: string[] } = {}): ScheduledSnapshot[] {
  const time = options.time ?? '02:00:00Z';
  const skip = new Set(options.skip ?? []);
  const out: ScheduledSnapshot[] = [];
  for (let t = T(`${from}T${time}`); t <= T(`${to}T${time}`); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (!skip.has(day)) out.push({ id: new Date(t).toISOString(), takenAt: t, verification: 'verified' });
  }
  return out;
}

/** Dates from `from` to `to` inclusive (YYYY-MM-DD). */
export function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = T(from); t <= T(to); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** mulberry32: small, seeded, good enough for property tests (CONVENTIONS.md §11 deterministic fixtures). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
