import { describe, expect, it } from 'vitest';
import { chainStatusText, formatAuditTime, paramsText } from './audit-format';
import { EMPTY_AUDIT_FILTER, auditFilterParams, hasAuditFilters, localDayStart, parseAuditFilter, toAuditFilter, type AuditFilterForm } from './audit-query';

const form = (patch: Partial<AuditFilterForm>): AuditFilterForm => ({ ...EMPTY_AUDIT_FILTER, ...patch });

describe('toAuditFilter', () => {
  it('sends nothing for an empty form', () => {
    expect(toAuditFilter(EMPTY_AUDIT_FILTER)).toEqual({ ok: true, filter: {} });
  });

  it('trims text and keeps only what is set', () => {
    expect(toAuditFilter(form({ actor: '  rita@vendor.example ', action: ' grants.open', outcome: 'refused' }))).toEqual({
      ok: true,
      filter: { actor: 'rita@vendor.example', action: 'grants.open', outcome: 'refused' },
    });
  });

  it('turns inclusive local days into a half-open UTC range', () => {
    const r = toAuditFilter(form({ from: '2025-03-03', to: '2025-03-04' }));
    expect(r).toEqual({ ok: true, filter: { from: new Date(2025, 2, 3).toISOString(), to: new Date(2025, 2, 5).toISOString() } });
  });

  it('a single day is that whole day', () => {
    const r = toAuditFilter(form({ from: '2025-03-30', to: '2025-03-30' }));
    expect(r).toEqual({ ok: true, filter: { from: new Date(2025, 2, 30).toISOString(), to: new Date(2025, 2, 31).toISOString() } });
  });

  it('the end of a month and of a leap February roll over correctly', () => {
    expect(toAuditFilter(form({ to: '2024-02-29' }))).toEqual({ ok: true, filter: { to: new Date(2024, 2, 1).toISOString() } });
    expect(toAuditFilter(form({ to: '2025-12-31' }))).toEqual({ ok: true, filter: { to: new Date(2026, 0, 1).toISOString() } });
  });

  it.each<[Partial<AuditFilterForm>, keyof AuditFilterForm]>([
    [{ tenantId: 'tn 1' }, 'tenantId'],
    [{ tenantId: '../etc' }, 'tenantId'],
    [{ tenantId: 'x'.repeat(65) }, 'tenantId'],
    [{ from: '2025-02-30' }, 'from'],
    [{ to: 'yesterday' }, 'to'],
    [{ from: '2025-03-05', to: '2025-03-04' }, 'to'],
    [{ actor: 'a'.repeat(255) }, 'actor'],
    [{ action: 'a'.repeat(101) }, 'action'],
  ])('refuses %j (%s)', (patch, field) => {
    const r = toAuditFilter(form(patch));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([field]);
  });
});

describe('localDayStart', () => {
  it.each<[string, Date | null]>([
    ['2025-03-30', new Date(2025, 2, 30)],
    ['2025-10-26', new Date(2025, 9, 26)],
    ['2024-02-29', new Date(2024, 1, 29)],
    ['2025-02-29', null],
    ['2025-13-01', null],
    ['2025-3-1', null],
    ['', null],
  ])('%s', (day, expected) => expect(localDayStart(day)).toEqual(expected));

  it('adds calendar days, not 24-hour steps', () => {
    expect(localDayStart('2025-03-30', 1)).toEqual(new Date(2025, 2, 31));
    expect(localDayStart('2025-03-30', 1)!.getHours()).toBe(0);
  });
});

describe('address round trip', () => {
  it('writes only set filters, in a fixed order, and reads them back', () => {
    const f = form({ outcome: 'failed', tenantId: 'tn_1', actor: 'rita@vendor.example', from: '2025-03-01' });
    const p = auditFilterParams(f);
    expect(p.toString()).toBe('actor=rita%40vendor.example&tenant=tn_1&outcome=failed&from=2025-03-01');
    expect(parseAuditFilter(p)).toEqual(f);
    expect(hasAuditFilters(f)).toBe(true);
    expect(hasAuditFilters(EMPTY_AUDIT_FILTER)).toBe(false);
  });

  it('drops unknown outcomes and malformed dates from a hand-edited address', () => {
    expect(parseAuditFilter(new URLSearchParams('outcome=maybe&from=2025-02-31&to=soon&op=x'))).toEqual(form({ action: 'x' }));
  });
});

describe('chainStatusText', () => {
  const base = { ok: true, checked: 1234, head: { seq: 1234, hash: 'ab' }, problem: null, problemSeq: null, anchors: 3 };
  it.each<[typeof base | Record<string, unknown>, 'ok' | 'bad', string]>([
    [base, 'ok', 'Chain intact: 1,234 records, head #1,234, 3 anchors agree'],
    [{ ...base, anchors: 1 }, 'ok', 'Chain intact: 1,234 records, head #1,234, 1 anchor agrees'],
    [{ ...base, anchors: 0 }, 'ok', 'Chain intact: 1,234 records, head #1,234, no anchors written yet'],
    [{ ...base, checked: 0, head: null, anchors: 0 }, 'ok', 'Chain intact: no records yet'],
    [{ ...base, ok: false, problem: 'record #57 was edited', problemSeq: 57 }, 'bad', 'Chain broken at record #57: record #57 was edited'],
    [{ ...base, ok: false, problem: 'anchor for #900 does not match', problemSeq: null }, 'bad', 'Chain check failed: anchor for #900 does not match'],
  ])('%j', (s, tone, text) => expect(chainStatusText(s as never)).toEqual({ tone, text }));
});

describe('formatAuditTime / paramsText', () => {
  it('shows seconds in the given zone', () => {
    expect(formatAuditTime('2025-03-30T01:30:05Z', 'Europe/Dublin')).toBe('30 Mar 2025, 02:30:05');
    expect(formatAuditTime('2025-01-15T23:59:59Z', 'UTC')).toBe('15 Jan 2025, 23:59:59');
  });
  it('passes an unreadable time through', () => expect(formatAuditTime('garbage')).toBe('garbage'));
  it('indents JSON and never throws', () => {
    expect(paramsText({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(paramsText(undefined)).toBe('(none)');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(paramsText(loop)).toBe('(parameters could not be shown)');
  });
});
