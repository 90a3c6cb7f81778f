import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, type ScheduledSnapshot } from './backup-schedule';
import { checkCompliance, type ComplianceReport } from './compliance.policy';
import { applyPlan, planPrune } from './retention.policy';
import { T, seededRandom } from './schedule.fixture';

/**
 * Property: no prune plan may break the promise (issue 5, "now and as it ages").
 * For seeded random histories — clean ones (daily with jitter, extras, duplicates,
 * pending and held snapshots) and messy ones (missing runs, failed verifications,
 * clock skew) — and for a year after each:
 * - the plan never adds a violation (compliant stays compliant);
 * - the pruned set, aged day by day with new nightly snapshots appended, never shows
 *   a violation that the original history did not already have;
 * - the same holds when the plan is re-run and applied every few days.
 */

interface History {
  seed: number;
  kind: 'clean' | 'messy';
  createdAt: number;
  now: number;
  snapshots: ScheduledSnapshot[];
}

function generate(seed: number): History {
  const rnd = seededRandom(seed);
  const kind = seed % 2 === 0 ? 'clean' : 'messy';
  const now = T('2025-06-30T03:00:00Z') + Math.floor(rnd() * 400) * DAY_MS + Math.floor(rnd() * 20) * HOUR_MS;
  const spanDays = 20 + Math.floor(rnd() * 880);
  const createdAt = now - spanDays * DAY_MS - Math.floor(rnd() * 20) * HOUR_MS;
  const snapshots: ScheduledSnapshot[] = [];
  let n = 0;
  const add = (takenAt: number, verification: ScheduledSnapshot['verification'], held = false) => {
    snapshots.push({ id: `s${seed}-${String(n++).padStart(5, '0')}`, takenAt, verification, ...(held ? { held } : {}) });
  };
  const firstDay = Math.floor(createdAt / DAY_MS) + 1;
  const lastDay = Math.floor(now / DAY_MS);
  let missingUntil = -1;
  for (let day = firstDay; day <= lastDay; day++) {
    const takenAt = day * DAY_MS + 2 * HOUR_MS + Math.floor(rnd() * 60) * 60_000;
    if (takenAt > now) break;
    const age = now - takenAt;
    if (kind === 'messy' && day > missingUntil && rnd() < 0.02) missingUntil = day + Math.floor(rnd() * 20);
    if (day <= missingUntil) continue;
    const recent = age < 3 * DAY_MS;
    let verification: ScheduledSnapshot['verification'] = recent && rnd() < 0.7 ? 'pending' : rnd() < 0.02 ? 'pending' : 'verified';
    if (kind === 'messy' && rnd() < 0.03) verification = 'failed';
    if (kind === 'clean' && age > 30 * DAY_MS && rnd() < 0.01) verification = 'failed';
    add(takenAt, verification, rnd() < 0.01);
    if (rnd() < 0.05) add(day * DAY_MS + Math.floor(rnd() * 24) * HOUR_MS, rnd() < 0.5 ? 'verified' : 'pending');
    if (rnd() < 0.01) add(takenAt, 'verified'); // duplicate timestamp
  }
  if (kind === 'messy' && rnd() < 0.3) add(now + (1 + Math.floor(rnd() * 30)) * DAY_MS, 'verified'); // clock skew
  return { seed, kind, createdAt, now, snapshots: snapshots.filter((s) => s.takenAt <= now || s.takenAt > now + DAY_MS) };
}

const key = (g: { from: string; to: string }) => `${g.from}|${g.to}`;

/** Violations already known: exact gaps, and for a stale tenant the gap since its newest snapshot, whatever later closes it. */
function knownViolations(report: ComplianceReport): Set<string> {
  return new Set(report.violations.map((g) => (g.toKind === 'now' ? `${g.from}|*` : key(g))));
}

function newViolations(report: ComplianceReport, allowed: Set<string>): string[] {
  return report.violations
    .filter((g) => !allowed.has(key(g)) && !allowed.has(`${g.from}|*`))
    .map((g) => `${key(g)} ${g.hours} h > ${g.allowedHours} h (${g.band})`);
}

/** One nightly snapshot at 02:00–02:59, pending on its first day, verified from the next. */
function nightly(day: number, rnd: () => number, seed: number): ScheduledSnapshot {
  return { id: `n${seed}-${day}`, takenAt: day * DAY_MS + 2 * HOUR_MS + Math.floor(rnd() * 60) * 60_000, verification: 'pending' };
}

function age(snapshots: ScheduledSnapshot[], now: number): ScheduledSnapshot[] {
  return snapshots.map((s) => (s.verification === 'pending' && s.id.startsWith('n') && now - s.takenAt > DAY_MS ? { ...s, verification: 'verified' } : s));
}

const SEEDS = Array.from({ length: 60 }, (_, i) => 1000 + i);
const DAYS_AFTER = 365;

describe('retention never breaks the promise (property, seeded)', () => {
  const histories = SEEDS.map(generate);

  it('generates both compliant and non-compliant histories', () => {
    const compliant = histories.filter((h) => checkCompliance(h.snapshots, h.createdAt, h.now).compliant).length;
    expect(compliant).toBeGreaterThanOrEqual(20);
    expect(histories.length - compliant).toBeGreaterThanOrEqual(10);
  });

  it.each(histories.map((h) => [h.seed, h.kind, h] as const))('seed %i (%s): the plan adds no violation', (_seed, _kind, h) => {
    const plan = planPrune(h.snapshots, h.createdAt, h.now);
    expect(plan.promiseKept).toBe(true);
    if (plan.complianceBefore.compliant) expect(plan.complianceAfter.compliant).toBe(true);
    expect(newViolations(plan.complianceAfter, knownViolations(plan.complianceBefore))).toEqual([]);
    expect(plan.prune.length).toBeGreaterThan(0);
  });

  it.each(histories.map((h) => [h.seed, h.kind, h] as const))('seed %i (%s): a year of ageing, with and without re-planning', (seed, _kind, h) => {
    const rnd = seededRandom(seed * 7919);
    const original = checkCompliance(h.snapshots, h.createdAt, h.now);
    const known = knownViolations(original);

    let once = applyPlan(h.snapshots, planPrune(h.snapshots, h.createdAt, h.now)); // pruned once, then only ages
    let replanned = once; // pruned again every few days
    let nextPlanDay = 1;
    const firstDay = Math.floor(h.now / DAY_MS) + 1;
    for (let d = 0; d < DAYS_AFTER; d++) {
      const day = firstDay + d;
      const fresh = nightly(day, rnd, seed);
      const now = day * DAY_MS + 3 * HOUR_MS;
      once = age([...once, fresh], now);
      replanned = age([...replanned, fresh], now);
      if (d + 1 === nextPlanDay) {
        const plan = planPrune(replanned, h.createdAt, now);
        expect(plan.promiseKept, `re-plan on day ${d + 1}`).toBe(true);
        replanned = applyPlan(replanned, plan);
        nextPlanDay += 1 + Math.floor(rnd() * 10);
      }
      // Re-checking every day would be 365 × 2 reports per history; every 3rd day and the last one are enough.
      if (d % 3 === 0 || d === DAYS_AFTER - 1) {
        const a = newViolations(checkCompliance(once, h.createdAt, now), known);
        const b = newViolations(checkCompliance(replanned, h.createdAt, now), known);
        expect(a, `pruned once, checked on day ${d + 1}`).toEqual([]);
        expect(b, `re-planned, checked on day ${d + 1}`).toEqual([]);
      }
    }
    // Re-planning keeps the set bounded: roughly 15 daily + 13 weekly + 10 monthly + quarterly keeps.
    const trusted = replanned.filter((s) => s.takenAt <= firstDay * DAY_MS + DAYS_AFTER * DAY_MS);
    if (h.kind === 'clean') expect(trusted.length).toBeLessThan(90 + (h.now - h.createdAt) / (80 * DAY_MS) + h.snapshots.filter((s) => s.held || s.verification !== 'verified').length);
  });
});
