/**
 * Deletion requests in words: status labels, the grace-period countdown, the legal
 * due date and its warnings, the timeline, the execution journal's steps. Pure, so
 * "late" and "overdue" are tested rather than eyeballed.
 *
 * The server's clock decides (issue 7's e2e moves it with `clockOffsetDays`), so
 * nothing here compares a server timestamp with this machine's clock: the countdown
 * starts from the server's `remainingMs` and only the time elapsed since it was read
 * is measured locally.
 */
import { formatDate } from '../ui/format';
import type { DeletionRequestView, DeletionStatus, DeletionTransitionView, DeletionViewStatus } from './deletion-types';

/** Every view status, in lifecycle order (a Record, so a new status fails the typecheck until named). */
export const STATUS_LABEL: Record<DeletionViewStatus, string> = {
  filed: 'Filed',
  approved: 'Approved',
  scheduled: 'Scheduled',
  executing: 'Executing',
  completed: 'Completed',
  cancelled: 'Cancelled',
  on_hold: 'On legal hold',
};

export const VIEW_STATUSES = Object.keys(STATUS_LABEL) as DeletionViewStatus[];

export function isViewStatus(s: string | null | undefined): s is DeletionViewStatus {
  return s != null && Object.prototype.hasOwnProperty.call(STATUS_LABEL, s);
}

export function statusLabel(s: string): string {
  return isViewStatus(s) ? STATUS_LABEL[s] : s;
}

/** Issue 7: filed → approved → scheduled → executing → completed; these can still move. */
export const OPEN_STATUSES: readonly DeletionStatus[] = ['filed', 'approved', 'scheduled', 'executing'];

export function isOpen(status: DeletionStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

// ---- the grace period ---------------------------------------------------------------

/**
 * What is left of the grace period now: the server's `remainingMs` at the moment it
 * was read (`readAt`, this machine's clock) minus the time elapsed here since.
 */
export function remainingNow(remainingMs: number, readAt: number, now: number): number {
  const elapsed = Math.max(0, now - readAt);
  return Math.max(0, remainingMs - elapsed);
}

/**
 * "6 d 23 h", "4 h 5 min", "12 min", "less than a minute", "now". Rounded up to the
 * minute, so it never says "0 min" while the grace period still runs.
 */
export function formatCountdown(ms: number): string {
  if (!(ms > 0)) return 'now';
  if (ms < 60_000) return 'less than a minute';
  const totalMinutes = Math.ceil(ms / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

// ---- the legal due date -----------------------------------------------------------------

const DAY = 86_400_000;

/** "2026-03-12" → "12 Mar 2026", read as a calendar day (never shifted by a time zone). */
export function formatDay(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return day || '–';
  return formatDate(`${day}T00:00:00Z`, 'UTC');
}

/** Calendar days from one YYYY-MM-DD to another (the legal deadline: due − received). */
export function daysBetween(fromDay: string, toDay: string): number | null {
  const a = Date.parse(`${fromDay}T00:00:00Z`);
  const b = Date.parse(`${toDay}T00:00:00Z`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  return Math.round((b - a) / DAY);
}

export type DueTone = 'overdue' | 'late' | 'ok' | 'closed';

/** How the queue marks the due date: overdue (open past its day) beats late (will complete after it). */
export function dueTone(r: Pick<DeletionRequestView, 'status' | 'due'>): DueTone {
  if (r.status === 'cancelled') return 'closed';
  if (r.due.overdue) return 'overdue';
  if (r.due.late) return 'late';
  return 'ok';
}

/**
 * The request page's warning (issue 7: "the screen warns when a request will complete
 * more than 30 days after it was received"), or null when the deadline is kept.
 */
export function dueWarning(r: Pick<DeletionRequestView, 'status' | 'receivedOn' | 'due'>): string | null {
  if (r.status === 'cancelled') return null;
  const deadline = daysBetween(r.receivedOn, r.due.dueOn);
  const limit = deadline === null ? 'legal' : `${deadline}-day`;
  const n = r.due.daysAfterReceipt;
  const days = `${n} ${n === 1 ? 'day' : 'days'}`;
  if (r.status === 'completed') {
    return r.due.late ? `Completed ${days} after the request was received, later than the ${limit} deadline (due ${formatDay(r.due.dueOn)}).` : null;
  }
  if (r.due.overdue) return `Overdue: the request was due on ${formatDay(r.due.dueOn)} and is still not completed (at the earliest ${days} after it was received).`;
  if (r.due.late) return `At the earliest this completes ${days} after the request was received, later than the ${limit} deadline (due ${formatDay(r.due.dueOn)}).`;
  return null;
}

// ---- the timeline ---------------------------------------------------------------------

const ACTION_LABEL: Record<string, string> = {
  file: 'Filed',
  amend: 'Corrected',
  recordFinalExport: 'Final export recorded',
  approve: 'Approved',
  schedule: 'Scheduled',
  cancel: 'Cancelled',
  hold: 'Legal hold placed',
  release: 'Legal hold lifted',
  execute: 'Execution started',
  complete: 'Completed: certificate issued',
};

export function transitionTitle(t: Pick<DeletionTransitionView, 'action' | 'note'>): string {
  if (t.action === 'execute' && t.note === 'Resumed.') return 'Execution resumed';
  return ACTION_LABEL[t.action] ?? t.action;
}

/** "Filed → Approved"; nothing for the first entry (its title says it); a hold or a recorded export keeps the status. */
export function transitionStates(t: Pick<DeletionTransitionView, 'from' | 'to'>): string {
  if (t.from === null) return '';
  if (t.from === t.to) return `${statusLabel(t.to)} (unchanged)`;
  return `${statusLabel(t.from)} → ${statusLabel(t.to)}`;
}

// ---- approval ----------------------------------------------------------------------------

export function approvalText(a: NonNullable<DeletionRequestView['approval']>): string {
  switch (a.state) {
    case 'valid':
      return 'Valid';
    case 'consumed':
      return 'Used: the request was scheduled';
    case 'expired':
      return 'Expired before the request was scheduled: approve again';
    case 'mismatch':
      return 'No longer matches the request (it changed): approve again';
    case 'none':
      return 'None';
  }
}

// ---- the execution journal -------------------------------------------------------------

/** The executor reports its phase as "3/8 attachments": the step's ID, or null for other phases. */
export function stepOfPhase(phase: string | null | undefined): string | null {
  const m = /^\d+\/\d+ (\S+)$/.exec(phase ?? '');
  return m ? (m[1] ?? null) : null;
}

export type StepState = 'done' | 'running' | 'pending' | 'failed';

/**
 * Each journal step's state: done once the journal has its time; the step the live
 * job reports is running; the first unfinished step of a run that stopped with an
 * error failed.
 */
export function stepStates(
  steps: readonly { id: string; doneAt: string | null }[],
  live: { phase: string | null; running: boolean },
  failed: boolean,
): StepState[] {
  const firstOpen = steps.findIndex((s) => s.doneAt === null);
  // The job's last event may name a step the journal already shows done: the next open one runs then.
  const current = live.running ? stepOfPhase(live.phase) : null;
  const reported = current === null ? -1 : steps.findIndex((s) => s.id === current && s.doneAt === null);
  const running = live.running ? (reported >= 0 ? reported : firstOpen) : -1;
  return steps.map((s, i) => {
    if (s.doneAt !== null) return 'done';
    if (i === running) return 'running';
    if (!live.running && failed && i === firstOpen) return 'failed';
    return 'pending';
  });
}

const CLOCK = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** "06:31:12" in local time: the journal's steps are seconds apart, so minutes would all read the same. */
export function formatClock(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  return timeZone ? new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone }).format(d) : CLOCK.format(d);
}

// ---- the filing form -----------------------------------------------------------------------

/** Today on this machine's calendar, as the form's default "date received". */
export function localDay(now: Date): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** The tenant slug typed to confirm execution: exact, but stray spaces around it are forgiven (the server trims too). */
export function slugConfirmed(typed: string, slug: string | null): boolean {
  return slug !== null && slug !== '' && typed.trim() === slug;
}
