import { describe, expect, it } from 'vitest';
import { formatRemaining, grantState, ownLiveGrant, remainingMs, validateJustification, type GrantView } from './grant-time';
import { CELL_SHOWN_MAX, cell, cellText, isRecordEntity } from './record-cells';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const grant = (patch: Partial<GrantView>): GrantView => ({
  id: 'g-1',
  staffId: 's-me',
  staffEmail: 'me@vendor.example',
  tenantId: 'tn_1',
  reason: 'customer asked why deals vanished',
  ticket: 'SUP-1234',
  createdAt: '2025-03-01T11:30:00Z',
  expiresAt: '2025-03-01T12:30:00Z',
  revokedAt: null,
  live: true,
  ...patch,
});

describe('grantState', () => {
  it.each<[Partial<GrantView>, string]>([
    [{}, 'live'],
    [{ expiresAt: '2025-03-01T12:00:00Z' }, 'expired'], // exactly at the end: over
    [{ expiresAt: '2025-03-01T12:00:00.001Z' }, 'live'],
    [{ expiresAt: '2025-03-01T11:00:00Z' }, 'expired'],
    [{ revokedAt: '2025-03-01T11:45:00Z' }, 'revoked'],
    [{ revokedAt: '2025-03-01T11:45:00Z', expiresAt: '2025-03-01T11:00:00Z' }, 'revoked'],
    [{ expiresAt: 'nonsense' }, 'expired'],
  ])('%j → %s', (patch, state) => expect(grantState(grant(patch), NOW)).toBe(state));
});

describe('ownLiveGrant', () => {
  it('finds only the caller’s live grant on this tenant, the longest one', () => {
    const grants = [
      grant({ id: 'other-staff', staffId: 's-other', expiresAt: '2025-03-01T14:00:00Z' }),
      grant({ id: 'other-tenant', tenantId: 'tn_2', expiresAt: '2025-03-01T14:00:00Z' }),
      grant({ id: 'revoked', revokedAt: '2025-03-01T11:59:00Z', expiresAt: '2025-03-01T14:00:00Z' }),
      grant({ id: 'expired', expiresAt: '2025-03-01T11:59:59Z' }),
      grant({ id: 'short', expiresAt: '2025-03-01T12:10:00Z' }),
      grant({ id: 'long', expiresAt: '2025-03-01T12:40:00Z' }),
    ];
    expect(ownLiveGrant(grants, 's-me', 'tn_1', NOW)?.id).toBe('long');
    expect(ownLiveGrant(grants, 's-me', 'tn_3', NOW)).toBeNull();
    expect(ownLiveGrant([], 's-me', 'tn_1', NOW)).toBeNull();
  });
});

describe('formatRemaining', () => {
  it.each<[number, string]>([
    [0, 'expired'],
    [-5000, 'expired'],
    [Number.NaN, 'expired'],
    [1, '0:01'],
    [45_000, '0:45'],
    [4 * 60_000 + 5_000, '4:05'],
    [5 * 60_000 - 1_000, '4:59'],
    [5 * 60_000 - 1, '5 min'], // rounds up to the second
    [5 * 60_000, '5 min'],
    [42 * 60_000 + 30_000, '42 min'],
    [59 * 60_000 + 59_000, '59 min'],
    [60 * 60_000, '1 h'],
    [65 * 60_000, '1 h 5 min'],
    [120 * 60_000, '2 h'],
  ])('%s ms → %s', (ms, text) => expect(formatRemaining(ms)).toBe(text));

  it('counts from the expiry', () => {
    expect(remainingMs('2025-03-01T12:30:00Z', NOW)).toBe(30 * 60_000);
    expect(remainingMs('2025-03-01T11:30:00Z', NOW)).toBe(0);
    expect(formatRemaining(remainingMs('2025-03-01T12:30:00Z', NOW))).toBe('30 min');
  });
});

describe('validateJustification', () => {
  it.each<[string, string, string[]]>([
    ['Customer reports deals missing since Monday', 'SUP-1234', []],
    ['  exactly10c  ', '#4711', []],
    ['too short', 'SUP-1', ['reason']],
    ['          ', 'SUP-1', ['reason']],
    ['x'.repeat(501), 'SUP-1', ['reason']],
    ['Customer reports deals missing', '', ['ticket']],
    ['Customer reports deals missing', 'S', ['ticket']],
    ['Customer reports deals missing', 'SUP 1234', ['ticket']],
    ['Customer reports deals missing', '-SUP', ['ticket']],
    ['Customer reports deals missing', '<script>', ['ticket']],
    ['Customer reports deals missing', 'JIRA/OPS-12.3_a', []],
    ['short', '', ['reason', 'ticket']],
  ])('%j / %j → %j', (reason, ticket, fields) => expect(Object.keys(validateJustification(reason, ticket)).sort()).toEqual(fields));
});

describe('record cells', () => {
  it('renders every kind of value as text', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(undefined)).toBe('');
    expect(cellText(42)).toBe('42');
    expect(cellText(false)).toBe('false');
    expect(cellText({ a: [1] })).toBe('{"a":[1]}');
    expect(cellText('<img src=x onerror=custos.call()>')).toBe('<img src=x onerror=custos.call()>');
  });

  it('neutralises bidi overrides and control characters', () => {
    expect(cellText('invoice\u202Efdp.exe')).toBe('invoice\uFFFDfdp.exe');
    expect(cellText('a\u0000b\u001bc')).toBe('a\uFFFDb\uFFFDc');
    expect(cellText('tab\there')).toBe('tab\there');
  });

  it('cuts long text, keeping all of it for the title', () => {
    const long = 'é'.repeat(CELL_SHOWN_MAX + 50);
    const c = cell(long);
    expect([...c.shown]).toHaveLength(CELL_SHOWN_MAX + 1);
    expect(c.shown.endsWith('…')).toBe(true);
    expect(c.full).toBe(long);
  });

  it('flattens line breaks in the cell but not in the title', () => {
    expect(cell('line one\nline two')).toEqual({ shown: 'line one line two', full: 'line one\nline two', empty: false });
    expect(cell('short')).toEqual({ shown: 'short', full: undefined, empty: false });
    expect(cell(null).empty).toBe(true);
  });

  it('knows the entities', () => {
    expect(isRecordEntity('companies')).toBe(true);
    expect(isRecordEntity('__proto__')).toBe(false);
    expect(isRecordEntity('staff')).toBe(false);
    expect(isRecordEntity(null)).toBe(false);
  });
});
