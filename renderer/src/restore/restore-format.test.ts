import { describe, expect, it } from 'vitest';
import {
  defaultChoice,
  distanceWords,
  entityLabel,
  isDay,
  kindLabel,
  pickedLeftOut,
  planChoices,
  previewRows,
  comingAlongWords,
  resultRows,
  sortRequests,
  statusLabel,
  stepsDone,
  utcClock,
  formatDuration,
  utcDay,
  validateTicketReason,
} from './restore-format';
import type { RestorePlan, RestoreRequestView, SelectionPlanView } from './restore-types';

const cand = (snapshotId: string, takenAt: string, daysFromDay: number, verification: 'pending' | 'verified' = 'pending') => ({ snapshotId, takenAt, daysFromDay, verification });

describe('days', () => {
  it.each([
    ['2026-12-04', true],
    ['2024-02-29', true], // leap day
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['', false],
    ['2026-12-04T00:00', false],
  ])('%s is a day: %s', (s, ok) => expect(isDay(s)).toBe(ok));

  it('yesterday is a UTC day, whatever the local zone', () => {
    // 00:30 UTC on 1 March 2024: yesterday is the leap day.
    expect(utcDay(Date.UTC(2024, 2, 1, 0, 30))).toBe('2024-02-29');
    expect(utcDay(Date.UTC(2026, 0, 1, 23, 59), 0)).toBe('2026-01-01');
    expect(utcDay(Date.UTC(2026, 0, 1, 0, 0))).toBe('2025-12-31');
  });

  it('says the UTC clock of an instant', () => {
    expect(utcClock('2026-12-04T02:00:00.000Z')).toBe('02:00 UTC');
    expect(utcClock('not a date')).toBe('');
  });

  it.each([
    [0, 'the same day'],
    [-1, '1 day earlier'],
    [-56, '56 days earlier'],
    [4, '4 days later'],
  ])('distance %i → %s', (d, words) => expect(distanceWords(d)).toBe(words));
});

describe('the day plan', () => {
  it('an exact day: the last snapshot first, earlier ones of the same day after it', () => {
    const plan: RestorePlan = {
      kind: 'exact',
      day: '2026-12-04',
      snapshot: cand('20261204T020000Z-a58a64', '2026-12-04T02:00:00.000Z', 0, 'verified'),
      sameDay: [cand('20261204T010000Z-000001', '2026-12-04T01:00:00.000Z', 0)],
      band: 'daily',
      explanation: '…',
      unusable: [],
    };
    const choices = planChoices(plan);
    expect(choices.map((c) => [c.role, c.snapshotId, c.verified])).toEqual([
      ['exact', '20261204T020000Z-a58a64', true],
      ['sameDay', '20261204T010000Z-000001', false],
    ]);
    expect(choices[0]!.note).toContain('02:00 UTC');
    expect(defaultChoice(plan)).toBe('20261204T020000Z-a58a64');
  });

  it('a day without a snapshot: before (preselected) and after, with their distance', () => {
    const plan: RestorePlan = {
      kind: 'nearest',
      day: '2025-11-03',
      before: cand('20250908T020000Z-08a1ae', '2025-09-08T02:00:00.000Z', -56),
      after: cand('20251107T020000Z-b774af', '2025-11-07T02:00:00.000Z', 4),
      band: 'quarterly',
      explanation: '…',
      unusable: [],
    };
    const choices = planChoices(plan);
    expect(choices.map((c) => c.role)).toEqual(['before', 'after']);
    expect(choices[0]!.title).toBe('Nearest before · 56 days earlier');
    expect(choices[1]!.title).toBe('Nearest after · 4 days later');
    expect(choices[1]!.note).toContain('after 2025-11-03');
    expect(defaultChoice(plan)).toBe('20250908T020000Z-08a1ae');
  });

  it('only an after (nothing before the day), or nothing at all', () => {
    const onlyAfter: RestorePlan = { kind: 'nearest', day: '2023-03-13', before: null, after: cand('20230314T020000Z-aaaaaa', '2023-03-14T02:00:00.000Z', 1), band: 'quarterly', explanation: '', unusable: [] };
    expect(planChoices(onlyAfter).map((c) => c.role)).toEqual(['after']);
    expect(defaultChoice(onlyAfter)).toBe('20230314T020000Z-aaaaaa');
    const none: RestorePlan = { kind: 'nearest', day: '2023-03-13', before: null, after: null, band: 'daily', explanation: '', unusable: [] };
    expect(planChoices(none)).toEqual([]);
    expect(defaultChoice(none)).toBeNull();
  });
});

describe('requests in words', () => {
  it('names every status and kind, and shows unknown ones as they come', () => {
    expect(statusLabel('requested')).toBe('Waiting for approval');
    expect(statusLabel('rolled_back')).toBe('Rolled back');
    expect(statusLabel('paused')).toBe('paused');
    expect(kindLabel('records')).toBe('Selected records');
    expect(kindLabel('live')).toBe('Whole database');
    expect(kindLabel('other')).toBe('other');
  });

  it('labels entities, and tables it does not know by their name', () => {
    expect(entityLabel('opportunity_lines')).toBe('Opportunity income and expense lines');
    expect(entityLabel('schema_meta')).toBe('schema_meta');
  });

  it('sorts open requests first, then the newest', () => {
    const r = (id: string, status: RestoreRequestView['status'], requestedAt: string) => ({ id, status, requestedAt }) as RestoreRequestView;
    const sorted = sortRequests([r('a', 'completed', '2026-12-04T10:00:00Z'), r('b', 'requested', '2026-12-01T10:00:00Z'), r('c', 'failed', '2026-12-03T10:00:00Z'), r('d', 'cancelled', '2026-12-05T10:00:00Z')]);
    expect(sorted.map((x) => x.id)).toEqual(['c', 'b', 'd', 'a']);
  });

  it('counts the journal steps done', () => {
    expect(stepsDone([{ id: 'a', label: '', doneAt: 'x' }, { id: 'b', label: '', doneAt: null }])).toEqual({ done: 1, total: 2 });
  });
});

describe('a selective restore preview', () => {
  const plan: SelectionPlanView = {
    insert: { companies: 1, opportunities: 1, activities: 15, opportunity_lines: 5 },
    insertIds: { companies: [7], opportunities: [1], activities: Array.from({ length: 15 }, (_, i) => 100 + i), opportunity_lines: [1, 2, 3, 4, 5] },
    addedParents: [{ entity: 'companies', id: 7 }],
    addedChildren: [...Array.from({ length: 15 }, (_, i) => ({ entity: 'activities', id: 100 + i })), ...[1, 2, 3, 4, 5].map((id) => ({ entity: 'opportunity_lines', id }))],
    conflicts: [{ entity: 'opportunities', id: 2, reason: 'exists live' }],
    refusals: [],
    totalRows: 22,
    fingerprint: 'f',
  };

  it('splits each entity into ticked, coming along and parents', () => {
    expect(previewRows(plan)).toEqual([
      { entity: 'companies', label: 'Companies', picked: 0, children: 0, parents: 1, total: 1 },
      { entity: 'opportunities', label: 'Opportunities', picked: 1, children: 0, parents: 0, total: 1 },
      { entity: 'activities', label: 'History (activities)', picked: 0, children: 15, parents: 0, total: 15 },
      { entity: 'opportunity_lines', label: 'Opportunity income and expense lines', picked: 0, children: 5, parents: 0, total: 5 },
    ]);
  });

  it('says what comes along', () => {
    const rows = previewRows(plan);
    expect(comingAlongWords(rows, 'children')).toBe('15 × history (activities), 5 × opportunity income and expense lines');
    expect(comingAlongWords(rows, 'parents')).toBe('1 × companies');
  });

  it('finds the ticked records that stay out (already live)', () => {
    expect(pickedLeftOut([{ entity: 'opportunities', id: 1 }, { entity: 'opportunities', id: 2 }], plan)).toEqual([{ entity: 'opportunities', id: 2 }]);
  });

  it('leaves out entities with nothing to insert', () => {
    expect(previewRows({ ...plan, insert: { tasks: 0 }, addedChildren: [], addedParents: [] })).toEqual([]);
  });
});

describe('results', () => {
  it('a selective restore: the inserted rows', () => {
    const r = resultRows({ rowCounts: { opportunities: 85 }, inserted: { opportunities: 1, opportunity_lines: 5 }, missingFiles: [], missingFileCount: 0, runs: 1 });
    expect(r.kind).toBe('inserted');
    expect(r.rows.map((x) => [x.entity, x.count])).toEqual([
      ['opportunities', 1],
      ['opportunity_lines', 5],
    ]);
  });
  it('a whole database: its row counts, without bookkeeping tables', () => {
    const r = resultRows({ rowCounts: { companies: 65, schema_meta: 1 }, inserted: null, missingFiles: [], missingFileCount: 0, runs: 1 });
    expect(r.kind).toBe('rowCounts');
    expect(r.rows.map((x) => x.entity)).toEqual(['companies']);
  });
});

describe('ticket and reason', () => {
  it('needs both, trimmed, within the server limits', () => {
    expect(validateTicketReason('', '')).toEqual({ ticket: expect.any(String), reason: expect.any(String) });
    expect(validateTicketReason('  ', 'x')).toEqual({ ticket: expect.any(String) });
    expect(validateTicketReason('SUP-1', ' \n ')).toEqual({ reason: expect.any(String) });
    expect(validateTicketReason('SUP-1', 'deleted by mistake')).toEqual({});
    expect(validateTicketReason('x'.repeat(201), 'r').ticket).toBeDefined();
    expect(validateTicketReason('x'.repeat(200), 'r'.repeat(2000))).toEqual({});
    expect(validateTicketReason('t', 'r'.repeat(2001)).reason).toBeDefined();
  });
});

describe('how long a run took', () => {
  it.each([
    ['2026-12-04T12:00:00.000Z', '2026-12-04T12:00:00.400Z', 'in 0.4 s'],
    ['2026-12-04T12:00:00.000Z', '2026-12-04T12:00:12.000Z', 'in 12 s'],
    ['2026-12-04T12:00:00.000Z', '2026-12-04T12:03:10.000Z', 'in 3 min'],
    ['2026-12-04T12:00:00.000Z', '2026-12-04T13:05:00.000Z', 'in 1 h 5 min'],
    ['2026-12-04T12:00:00.000Z', '2026-12-04T14:00:00.000Z', 'in 2 h'],
    ['2026-12-04T12:00:00.000Z', '2026-12-04T11:00:00.000Z', ''],
    ['bad', '2026-12-04T11:00:00.000Z', ''],
  ])('%s → %s: %s', (a, b, words) => expect(formatDuration(a, b)).toBe(words));
});
