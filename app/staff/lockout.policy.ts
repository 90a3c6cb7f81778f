/**
 * Lockout (issue 3, SECURITY.md): one counter per account; N consecutive failures
 * lock it for a period; attempts while locked are neither checked nor counted;
 * a success resets. Escalation: each further lock in a row doubles the period,
 * up to a cap, so a sprayer cannot keep guessing at 5 tries per 15 minutes.
 * Pure: (state, event, now) → new state.
 */
export interface LockoutConfig {
  maxFailures: number;
  lockMinutes: number;
  maxLockMinutes: number;
}

export const DEFAULT_LOCKOUT: LockoutConfig = { maxFailures: 5, lockMinutes: 15, maxLockMinutes: 24 * 60 };

export interface LockState {
  failedAttempts: number;
  lockedUntil: Date | null;
  /** Locks in a row without a successful sign-in in between. */
  lockCount: number;
}

export function isLocked(state: LockState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
}

export function afterFailure(state: LockState, now: Date, cfg: LockoutConfig = DEFAULT_LOCKOUT): LockState {
  if (isLocked(state, now)) return state; // not counted while locked
  const failed = state.failedAttempts + 1;
  if (failed < cfg.maxFailures) return { ...state, failedAttempts: failed, lockedUntil: null };
  const minutes = Math.min(cfg.lockMinutes * 2 ** state.lockCount, cfg.maxLockMinutes);
  return { failedAttempts: 0, lockedUntil: new Date(now.getTime() + minutes * 60_000), lockCount: state.lockCount + 1 };
}

export function afterSuccess(): LockState {
  return { failedAttempts: 0, lockedUntil: null, lockCount: 0 };
}

export function afterAdminUnlock(): LockState {
  return { failedAttempts: 0, lockedUntil: null, lockCount: 0 };
}
