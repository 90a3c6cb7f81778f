/**
 * Small pieces the queue, the request page and the tenant panel share: the status
 * badge, the due date with its "late"/"overdue" marks, and the grace-period countdown.
 */
import { useEffect, useState } from 'react';
import { dueTone, formatCountdown, formatDay, remainingNow, STATUS_LABEL } from './deletion-format';
import type { DeletionRequestView, DeletionViewStatus } from './deletion-types';

export function DeletionStatusBadge({ status, testId }: { status: DeletionViewStatus; testId?: string }) {
  return (
    <span className={`badge deletion-badge deletion-badge--${status}`} data-testid={testId} data-status={status}>
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}

/** This machine's clock, re-read every `intervalMs` while `active` (for countdowns). */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

/** What is left of the grace period, from the server's reading (`readAt`: when it was read here). */
export function remainingOf(r: Pick<DeletionRequestView, 'status' | 'countdown'>, readAt: number, now: number): number | null {
  if (r.status !== 'scheduled' || !r.countdown) return null;
  return remainingNow(r.countdown.remainingMs, readAt, now);
}

/** "30 Apr 2026" with a "late" or "overdue" mark (words, never a colour alone). */
export function DueText({ r }: { r: Pick<DeletionRequestView, 'status' | 'due'> }) {
  const tone = dueTone(r);
  return (
    <span className={`deletion-due deletion-due--${tone}`} data-due-tone={tone} title={`Due ${r.due.dueOn}; ${r.due.daysAfterReceipt} days from receipt to ${r.status === 'completed' ? 'completion' : 'expected completion'}`}>
      <span>{formatDay(r.due.dueOn)}</span>
      {tone === 'overdue' ? <span className="deletion-flag deletion-flag--overdue">Overdue</span> : tone === 'late' ? <span className="deletion-flag deletion-flag--late">Late</span> : null}
    </span>
  );
}

export function CountdownText({ remainingMs }: { remainingMs: number }) {
  if (remainingMs <= 0) return <span className="deletion-countdown deletion-countdown--ready">Ready to execute</span>;
  return <span className="deletion-countdown">in {formatCountdown(remainingMs)}</span>;
}
