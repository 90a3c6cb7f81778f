import { describe, expect, it } from 'vitest';
import { afterFailure, afterSuccess, isLocked, DEFAULT_LOCKOUT, type LockState } from './lockout.policy';

const t0 = new Date('2026-03-29T00:30:00Z'); // the night of a DST change in Europe: UTC is unaffected
const min = (n: number) => new Date(t0.getTime() + n * 60_000);

function fail(times: number, s: LockState = afterSuccess(), at = t0): LockState {
  for (let i = 0; i < times; i++) s = afterFailure(s, at);
  return s;
}

describe('lockout policy', () => {
  it('4 failures do not lock; the 5th locks for 15 minutes', () => {
    expect(isLocked(fail(4), t0)).toBe(false);
    const s = fail(5);
    expect(isLocked(s, t0)).toBe(true);
    expect(s.lockedUntil).toEqual(min(15));
  });
  it('is unlocked exactly at the end of the period', () => {
    const s = fail(5);
    expect(isLocked(s, min(14.99))).toBe(true);
    expect(isLocked(s, min(15))).toBe(false);
  });
  it('attempts while locked are not counted and do not extend the lock', () => {
    const s = fail(5);
    const after = afterFailure(s, min(10));
    expect(after).toEqual(s);
  });
  it('a success resets the counter', () => {
    const s = afterSuccess();
    expect(fail(4, s).failedAttempts).toBe(4);
    expect(afterSuccess().failedAttempts).toBe(0);
  });
  it('consecutive locks escalate (15, 30, 60 min), capped at a day', () => {
    let s = fail(5);
    expect(s.lockedUntil).toEqual(min(15));
    s = fail(5, s, min(15));
    expect(s.lockedUntil).toEqual(min(15 + 30));
    s = fail(5, s, min(45));
    expect(s.lockedUntil).toEqual(min(45 + 60));
    let cap = s;
    for (let i = 0; i < 20; i++) cap = fail(5, cap, cap.lockedUntil!);
    const last = cap.lockedUntil!.getTime();
    const prev = fail(5, cap, cap.lockedUntil!).lockedUntil!.getTime();
    expect(prev - last).toBe(DEFAULT_LOCKOUT.maxLockMinutes * 60_000);
  });
  it('the configured threshold and period are honoured', () => {
    const cfg = { maxFailures: 3, lockMinutes: 1, maxLockMinutes: 10 };
    let s = afterSuccess();
    for (let i = 0; i < 3; i++) s = afterFailure(s, t0, cfg);
    expect(s.lockedUntil).toEqual(min(1));
  });
});
