import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  dueTone,
  dueWarning,
  formatCountdown,
  formatDay,
  localDay,
  remainingNow,
  slugConfirmed,
  stepOfPhase,
  formatClock,
  stepStates,
  transitionStates,
  transitionTitle,
} from './deletion-format';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('formatCountdown', () => {
  it.each([
    [0, 'now'],
    [-5, 'now'],
    [Number.NaN, 'now'],
    [1, 'less than a minute'],
    [59_999, 'less than a minute'],
    [MIN, '1 min'],
    [MIN + 1, '2 min'],
    [59 * MIN, '59 min'],
    [HOUR, '1 h'],
    [HOUR + 5 * MIN, '1 h 5 min'],
    [23 * HOUR + 59 * MIN, '23 h 59 min'],
    [DAY, '1 d'],
    [DAY + 3 * HOUR, '1 d 3 h'],
    // Days drop the minutes: "6 d 23 h" is what a person reads out.
    [6 * DAY + 23 * HOUR + 30 * MIN, '6 d 23 h'],
    [7 * DAY, '7 d'],
  ])('%s ms → %s', (ms, text) => expect(formatCountdown(ms)).toBe(text));
});

describe('remainingNow (the server clock decides; only local elapsed time is measured here)', () => {
  it.each([
    [DAY, 1000, 1000, DAY],
    [DAY, 1000, 1000 + HOUR, DAY - HOUR],
    [HOUR, 0, 2 * HOUR, 0],
    // A clock that went backwards does not add time.
    [HOUR, 5000, 1000, HOUR],
  ])('remaining %s read at %s, now %s → %s', (remaining, readAt, now, expected) => expect(remainingNow(remaining, readAt, now)).toBe(expected));
});

describe('due dates', () => {
  const due = (over: Partial<{ dueOn: string; daysAfterReceipt: number; late: boolean; overdue: boolean }>) => ({
    dueOn: '2026-04-30',
    expectedCompletion: '2026-04-20T10:00:00.000Z',
    daysAfterReceipt: 20,
    late: false,
    overdue: false,
    ...over,
  });

  it('reads a calendar day without a time-zone shift', () => {
    expect(formatDay('2026-03-01')).toBe('1 Mar 2026');
    expect(formatDay('2024-02-29')).toBe('29 Feb 2024');
    expect(formatDay('')).toBe('–');
  });

  it.each([
    ['2026-03-31', '2026-04-30', 30],
    ['2024-02-01', '2024-03-02', 30],
    ['2026-03-31', '2026-03-31', 0],
    ['nonsense', '2026-03-31', null],
  ])('days from %s to %s → %s', (a, b, n) => expect(daysBetween(a, b)).toBe(n));

  it.each([
    ['filed', { late: false, overdue: false }, 'ok'],
    ['scheduled', { late: true, overdue: false }, 'late'],
    ['filed', { late: true, overdue: true }, 'overdue'],
    ['completed', { late: true, overdue: false }, 'late'],
    ['cancelled', { late: false, overdue: false }, 'closed'],
  ] as const)('%s with %j → %s', (status, flags, tone) => expect(dueTone({ status, due: due(flags) })).toBe(tone));

  it('warns when completion will be later than the deadline, naming the deadline from the dates', () => {
    const w = dueWarning({ status: 'scheduled', receivedOn: '2026-03-31', due: due({ late: true, daysAfterReceipt: 34 }) });
    expect(w).toBe('At the earliest this completes 34 days after the request was received, later than the 30-day deadline (due 30 Apr 2026).');
  });

  it('says overdue when the due day has passed on an open request', () => {
    expect(dueWarning({ status: 'filed', receivedOn: '2026-03-31', due: due({ late: true, overdue: true, daysAfterReceipt: 40 }) })).toMatch(/^Overdue: the request was due on 30 Apr 2026/);
  });

  it('says nothing when the deadline is kept, or for a cancelled request', () => {
    expect(dueWarning({ status: 'filed', receivedOn: '2026-03-31', due: due({}) })).toBeNull();
    expect(dueWarning({ status: 'cancelled', receivedOn: '2026-03-31', due: due({ late: true, overdue: true }) })).toBeNull();
    expect(dueWarning({ status: 'completed', receivedOn: '2026-03-31', due: due({ daysAfterReceipt: 30 }) })).toBeNull();
  });

  it('records a completion after the deadline in the past tense', () => {
    expect(dueWarning({ status: 'completed', receivedOn: '2026-03-31', due: due({ late: true, daysAfterReceipt: 31 }) })).toBe(
      'Completed 31 days after the request was received, later than the 30-day deadline (due 30 Apr 2026).',
    );
  });
});

describe('the timeline in words', () => {
  it.each([
    [{ action: 'file', note: null, from: null, to: 'filed' }, 'Filed', ''],
    [{ action: 'approve', note: null, from: 'filed', to: 'approved' }, 'Approved', 'Filed → Approved'],
    [{ action: 'hold', note: 'litigation', from: 'scheduled', to: 'scheduled' }, 'Legal hold placed', 'Scheduled (unchanged)'],
    [{ action: 'execute', note: 'Resumed.', from: 'executing', to: 'executing' }, 'Execution resumed', 'Executing (unchanged)'],
    [{ action: 'something-new', note: null, from: 'filed', to: 'odd' }, 'something-new', 'Filed → odd'],
  ])('%j', (t, title, states) => {
    expect(transitionTitle(t)).toBe(title);
    expect(transitionStates(t)).toBe(states);
  });
});

describe('execution steps', () => {
  const steps = ['suspend', 'database', 'attachments', 'verify'].map((id) => ({ id, doneAt: null as string | null }));
  const done = (n: number) => steps.map((s, i) => ({ ...s, doneAt: i < n ? '2026-04-01T10:00:00Z' : null }));

  it.each([
    ['3/8 attachments', 'attachments'],
    ['6/8 control-plane', 'control-plane'],
    ['waiting', null],
    ['', null],
    [null, null],
  ])('phase %j → step %j', (phase, step) => expect(stepOfPhase(phase)).toBe(step));

  it('marks done steps, the one the job reports, and the rest pending', () => {
    expect(stepStates(done(2), { phase: '3/8 attachments', running: true }, false)).toEqual(['done', 'done', 'running', 'pending']);
  });
  it('moves on to the next open step when the job last reported a step the journal shows done', () => {
    expect(stepStates(done(2), { phase: '1/8 suspend', running: true }, false)).toEqual(['done', 'done', 'running', 'pending']);
  });
  it('falls back to the first unfinished step while the job reports no step yet', () => {
    expect(stepStates(done(1), { phase: 'waiting', running: true }, false)).toEqual(['done', 'running', 'pending', 'pending']);
  });
  it('marks where a stopped run failed', () => {
    expect(stepStates(done(3), { phase: null, running: false }, true)).toEqual(['done', 'done', 'done', 'failed']);
    expect(stepStates(done(3), { phase: null, running: false }, false)).toEqual(['done', 'done', 'done', 'pending']);
  });
});

describe('formatClock', () => {
  it('shows seconds, in the given zone', () => {
    expect(formatClock('2026-03-29T01:30:05.000Z', 'UTC')).toBe('01:30:05');
    expect(formatClock('2026-03-29T01:30:05.000Z', 'Europe/Berlin')).toBe('03:30:05');
    expect(formatClock('nonsense', 'UTC')).toBe('–');
  });
});

describe('the filing form and the confirmation', () => {
  it('defaults "received" to the local calendar day', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(localDay(new Date(2024, 1, 29, 0, 0))).toBe('2024-02-29');
  });
  it.each([
    ['acme-gmbh', 'acme-gmbh', true],
    ['  acme-gmbh ', 'acme-gmbh', true],
    ['ACME-GMBH', 'acme-gmbh', false],
    ['acme', 'acme-gmbh', false],
    ['', '', false],
    ['anything', null, false],
  ])('typed %j for slug %j → %s', (typed, slug, ok) => expect(slugConfirmed(typed, slug)).toBe(ok));
});
