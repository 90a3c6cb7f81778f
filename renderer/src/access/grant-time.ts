/**
 * Justified-access grants as the tenant page shows them (issue 3: a reason and a ticket
 * open a time-boxed grant for one staff member and one tenant). The server decides
 * whether a grant is live; these helpers only say how long is left and what to offer
 * (browse directly, or ask for a justification first). Pure.
 */
import type { GrantView } from '../../../app/api/contract';

export type { GrantView };
export type GrantState = 'live' | 'expired' | 'revoked';

/** The lengths offered in the justification dialog; the server allows 5–240 minutes. */
export const GRANT_DURATIONS = [15, 30, 60, 120] as const;
export const DEFAULT_GRANT_MINUTES = 60;

export function grantState(g: Pick<GrantView, 'revokedAt' | 'expiresAt'>, now: number): GrantState {
  if (g.revokedAt) return 'revoked';
  const end = Date.parse(g.expiresAt);
  return Number.isFinite(end) && end > now ? 'live' : 'expired';
}

/** The caller's own live grant on this tenant (the one that lasts longest), or null. */
export function ownLiveGrant(grants: readonly GrantView[], staffId: string, tenantId: string, now: number): GrantView | null {
  let best: GrantView | null = null;
  for (const g of grants) {
    if (g.staffId !== staffId || g.tenantId !== tenantId || grantState(g, now) !== 'live') continue;
    if (!best || Date.parse(g.expiresAt) > Date.parse(best.expiresAt)) best = g;
  }
  return best;
}

export function remainingMs(expiresAt: string, now: number): number {
  const end = Date.parse(expiresAt);
  return Number.isFinite(end) ? Math.max(0, end - now) : 0;
}

/**
 * "1 h 5 min", "42 min", and to the second in the last five minutes ("4:05"), when
 * someone browsing needs to know whether to finish or ask again.
 */
export function formatRemaining(ms: number): string {
  if (!(ms > 0)) return 'expired';
  const totalSeconds = Math.ceil(ms / 1000);
  if (totalSeconds < 5 * 60) {
    const m = Math.floor(totalSeconds / 60);
    const s = totalSeconds % 60;
    return `${m}:${String(s).padStart(2, '0')}`;
  }
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** Same rule as the contract's ticketSchema, so the dialog says what the server would. */
const TICKET = /^[A-Za-z0-9#][A-Za-z0-9_#/.-]*$/;
export const REASON_MIN = 10;
export const REASON_MAX = 500;

export interface JustificationErrors {
  reason?: string;
  ticket?: string;
}

export function validateJustification(reason: string, ticket: string): JustificationErrors {
  const errors: JustificationErrors = {};
  const r = reason.trim();
  const t = ticket.trim();
  if (r.length < REASON_MIN) errors.reason = `Say why, in at least ${REASON_MIN} characters.`;
  else if (r.length > REASON_MAX) errors.reason = `At most ${REASON_MAX} characters.`;
  if (t.length < 2) errors.ticket = 'Give the customer ticket reference, like SUP-1234.';
  else if (t.length > 64) errors.ticket = 'At most 64 characters.';
  else if (!TICKET.test(t)) errors.ticket = 'Use a ticket reference like SUP-1234 (letters, digits and - _ # / . only).';
  return errors;
}
