/**
 * Restore in words (issue 6): the day plan's choices, request statuses and kinds, the
 * preview of a selective restore per entity, the result of a run. Pure, so the edges
 * (a plan with only an "after", a day that is not a day, an entity the renderer does
 * not know yet) are tested rather than eyeballed.
 *
 * A restore "day" is a UTC calendar day, like the snapshot IDs and the schedule
 * (app/restore/restore.plan.ts); the screen says so next to the date field.
 */
import { ENTITY_LABEL, isRecordEntity } from '../access/record-cells';
import { formatCount, plural } from '../ui/format';
import type { DiffFilter, PlanCandidate, RecordRef, RestoreKind, RestorePlan, RestoreRequestView, RestoreStatus, SelectionPlanView } from './restore-types';

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date as YYYY-MM-DD (what the server accepts), not "2026-02-30". */
export function isDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === s;
}

/** The UTC day `days` before `now` ("yesterday" by default: the usual "as of" for a customer's mistake today). */
export function utcDay(now: number, daysBack = 1): string {
  return new Date(now - daysBack * DAY_MS).toISOString().slice(0, 10);
}

/** "Friday 4 December 2026" for a YYYY-MM-DD day, formatted in UTC so the date never shifts. */
const LONG_DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
export function dayWords(day: string): string {
  return isDay(day) ? LONG_DAY.format(new Date(`${day}T12:00:00Z`)) : day;
}

/** The UTC clock time of an instant: "02:00 UTC". */
export function utcClock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(11, 16)} UTC`;
}

// ---- the day plan ---------------------------------------------------------------------

export type ChoiceRole = 'exact' | 'sameDay' | 'before' | 'after';

export interface PlanChoice {
  role: ChoiceRole;
  snapshotId: string;
  takenAt: string;
  verified: boolean;
  /** "The snapshot of that day", "Nearest before · 56 days earlier". */
  title: string;
  /** What choosing it means for the customer's data. */
  note: string;
}

/** "56 days earlier", "1 day later", "the same day". */
export function distanceWords(daysFromDay: number): string {
  if (daysFromDay === 0) return 'the same day';
  const n = Math.abs(daysFromDay);
  return `${plural(n, 'day')} ${daysFromDay < 0 ? 'earlier' : 'later'}`;
}

/** The snapshots the staff member may choose from, the recommended one first. */
export function planChoices(plan: RestorePlan): PlanChoice[] {
  const of = (c: PlanCandidate, role: ChoiceRole, title: string, note: string): PlanChoice => ({
    role,
    snapshotId: c.snapshotId,
    takenAt: c.takenAt,
    verified: c.verification === 'verified',
    title,
    note,
  });
  if (plan.kind === 'exact') {
    return [
      of(plan.snapshot, 'exact', 'The snapshot of that day', `The last one taken on ${plan.day}: it holds the data as it was at ${utcClock(plan.snapshot.takenAt)}.`),
      ...plan.sameDay.map((c) => of(c, 'sameDay', 'Earlier the same day', `Taken at ${utcClock(c.takenAt)}: misses what was entered after it that day.`)),
    ];
  }
  const out: PlanChoice[] = [];
  if (plan.before) out.push(of(plan.before, 'before', `Nearest before · ${distanceWords(plan.before.daysFromDay)}`, `Misses what was entered between ${plan.before.takenAt.slice(0, 10)} and the end of ${plan.day}.`));
  if (plan.after) out.push(of(plan.after, 'after', `Nearest after · ${distanceWords(plan.after.daysFromDay)}`, `Also holds what changed after ${plan.day}, up to ${plan.after.takenAt.slice(0, 10)}.`));
  return out;
}

/**
 * Which choice is pre-selected: the exact one; else the nearest *before* — it cannot
 * bring back what the customer deleted on the day itself, but neither does it undo
 * more than asked; staff switch to "after" deliberately.
 */
export function defaultChoice(plan: RestorePlan): string | null {
  return planChoices(plan)[0]?.snapshotId ?? null;
}

// ---- the comparison ------------------------------------------------------------------------

export const FILTER_TITLE: Record<DiffFilter, string> = {
  all: 'All records in the snapshot',
  onlySnapshot: 'Only in snapshot (deleted since)',
  onlyLive: 'Only live (created since)',
  changed: 'Changed',
};

// ---- requests ---------------------------------------------------------------------------

/** A Record over the contract's statuses: a new status fails the typecheck until named. */
export const STATUS_LABEL: Record<RestoreStatus, string> = {
  requested: 'Waiting for approval',
  approved: 'Approved',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  rolled_back: 'Rolled back',
};

export function statusLabel(s: string): string {
  return (STATUS_LABEL as Record<string, string | undefined>)[s] ?? s;
}

export const KIND_LABEL: Record<RestoreKind, string> = {
  live: 'Whole database',
  records: 'Selected records',
  rollback: 'Roll back',
};

export function kindLabel(k: string): string {
  return (KIND_LABEL as Record<string, string | undefined>)[k] ?? k;
}

/** Open requests first (they need someone), then the newest. */
export function sortRequests(list: readonly RestoreRequestView[]): RestoreRequestView[] {
  const open = (s: RestoreStatus) => (s === 'requested' || s === 'approved' || s === 'running' || s === 'failed' ? 0 : 1);
  return [...list].sort((a, b) => open(a.status) - open(b.status) || b.requestedAt.localeCompare(a.requestedAt));
}

/** Labels for entities, and for tables the renderer does not know (a newer server, `schema_meta`). */
export function entityLabel(entity: string): string {
  return isRecordEntity(entity) ? ENTITY_LABEL[entity] : entity;
}

// ---- a selective restore's preview --------------------------------------------------------

export interface PreviewRow {
  entity: string;
  label: string;
  /** Picked by the staff member (and not already live). */
  picked: number;
  /** Deleted together with what was picked: they come back with it. */
  children: number;
  /** Needed by what comes back and gone from live: brought back too. */
  parents: number;
  /** Rows inserted (picked + children + parents). */
  total: number;
}

/** Per entity, in the server's order (parents before children), what the insert is made of. */
export function previewRows(plan: SelectionPlanView): PreviewRow[] {
  const count = (refs: readonly { entity: string }[]) => {
    const m = new Map<string, number>();
    for (const r of refs) m.set(r.entity, (m.get(r.entity) ?? 0) + 1);
    return m;
  };
  const children = count(plan.addedChildren);
  const parents = count(plan.addedParents);
  return Object.entries(plan.insert)
    .filter(([, n]) => n > 0)
    .map(([entity, total]) => {
      const c = children.get(entity) ?? 0;
      const p = parents.get(entity) ?? 0;
      return { entity, label: entityLabel(entity), picked: Math.max(0, total - c - p), children: c, parents: p, total };
    });
}

/** "5 opportunity income and expense lines, 15 history entries…" style list of what comes along. */
export function comingAlongWords(rows: readonly PreviewRow[], which: 'children' | 'parents'): string {
  return rows
    .filter((r) => r[which] > 0)
    .map((r) => `${formatCount(r[which])} × ${r.label.toLowerCase()}`)
    .join(', ');
}

/** The picked records not in the insert because they already exist live (conflicts, left untouched). */
export function pickedLeftOut(selection: readonly RecordRef[], plan: SelectionPlanView): RecordRef[] {
  return selection.filter((r) => !(plan.insertIds[r.entity] ?? []).includes(r.id));
}

// ---- results ------------------------------------------------------------------------------

export interface CountRow {
  entity: string;
  label: string;
  count: number;
}

/** Inserted rows (a selective restore) or the new database's row counts (a whole one), per entity. */
export function resultRows(result: NonNullable<RestoreRequestView['result']>): { kind: 'inserted' | 'rowCounts'; rows: CountRow[] } {
  const source = result.inserted ?? result.rowCounts;
  const rows = Object.entries(source)
    // Bookkeeping tables (schema_meta) are not the customer's data.
    .filter(([entity]) => entity !== 'schema_meta')
    .map(([entity, count]) => ({ entity, label: entityLabel(entity), count }));
  return { kind: result.inserted ? 'inserted' : 'rowCounts', rows };
}

/** How long a run took, from its start and end instants: "in 0.4 s", "in 12 s", "in 3 min", "in 1 h 5 min". */
export function formatDuration(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 10_000) return `in ${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  if (ms < 90_000) return `in ${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `in ${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `in ${h} h ${m} min` : `in ${h} h`;
}

/** Steps done of all, for a "4 of 7 steps done" line. */
export function stepsDone(steps: RestoreRequestView['steps']): { done: number; total: number } {
  return { done: steps.filter((s) => s.doneAt !== null).length, total: steps.length };
}

// ---- the request form ---------------------------------------------------------------------

export const TICKET_MAX = 200;
export const REASON_MAX = 2000;

/** Same rules as the contract's restore ticket and reason, so the form says what the server would. */
export function validateTicketReason(ticket: string, reason: string): { ticket?: string; reason?: string } {
  const out: { ticket?: string; reason?: string } = {};
  const t = ticket.trim();
  const r = reason.trim();
  if (!t) out.ticket = 'The customer ticket reference is required.';
  else if (t.length > TICKET_MAX) out.ticket = `At most ${TICKET_MAX} characters.`;
  if (!r) out.reason = 'Say why the customer needs this restore.';
  else if (r.length > REASON_MAX) out.reason = `At most ${REASON_MAX} characters.`;
  return out;
}
