import { describe, expect, it } from 'vitest';
import { canonicalDateTime, canonicalMillis, neutraliseFormula, normaliserFor, sanitiseText, significantDigits, type CellIssueKind } from './export.cells';
import { csvField } from './csv.list-writer';

describe('sanitiseText (EXPORT.md: C0 stripped except TAB/LF/CR; U+FFFD for the rest)', () => {
  it.each([
    ['plain', 'plain'],
    ['tab\tlf\ncr\r', 'tab\tlf\ncr\r'],
    ['nul\u0000bell\u0007esc\u001b', 'nulbellesc'],
    ['lone high \uD800 x', 'lone high \uFFFD x'],
    ['lone low \uDC00 x', 'lone low \uFFFD x'],
    ['pair 😀 kept', 'pair 😀 kept'],
    ['high at end \uD83D', 'high at end \uFFFD'],
    ['swapped \uDE00\uD83D', 'swapped \uFFFD\uFFFD'],
    ['non-characters \uFFFE \uFFFF', 'non-characters \uFFFD \uFFFD'],
    ['DEL \u007f and C1 \u0085 stay', 'DEL \u007f and C1 \u0085 stay'],
  ])('%j', (input, expected) => {
    expect(sanitiseText(input)).toBe(expected);
  });
  it('returns the same string when nothing changes (no copy on the fast path)', () => {
    const s = 'x'.repeat(1000);
    expect(sanitiseText(s)).toBe(s);
  });
});

describe('neutraliseFormula (OWASP CSV injection)', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-cmd', "'-cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=x', "'\t=x"],
    ['\r=x', "'\r=x"],
    ['＝1+1', "'＝1+1"],
    ['＋1', "'＋1"],
    ['－1', "'－1"],
    ['＠x', "'＠x"],
    ['+44 20 7946 0958', "'+44 20 7946 0958"],
    ['-12.50', '-12.50'],
    ['+3', '+3'],
    ['-1e5', '-1e5'],
    ['-', "'-"],
    ['a=1', 'a=1'],
    [' =1', ' =1'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(neutraliseFormula(input)).toBe(expected);
  });
});

describe('csvField (RFC 4180)', () => {
  it.each([
    [null, ''],
    ['', '""'],
    [42, '42'],
    [true, 'true'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\r\nbreak', '"line\r\nbreak"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
  ])('%j', (input, expected) => {
    expect(csvField(input, true)).toBe(expected);
  });
  it('leaves formulas alone when neutralising is off', () => {
    expect(csvField('=1+1', false)).toBe('=1+1');
  });
});

describe('normalisers', () => {
  const issues: [CellIssueKind, number][] = [];
  const sink = { cellIssue: (k: CellIssueKind, c: number) => void issues.push([k, c]) };
  const norm = (kind: Parameters<typeof normaliserFor>[0], v: unknown): unknown => normaliserFor(kind)(v, sink, 0);

  it('keeps integers exact: safe ones as numbers, big or zero-padded ones as text', () => {
    expect(norm('id', 42)).toBe(42);
    expect(norm('id', '42')).toBe(42);
    expect(norm('id', 123456789012345678n)).toBe('123456789012345678');
    expect(norm('id', '0042')).toBe('0042');
    expect(norm('ref', null)).toBeNull();
    issues.length = 0;
    expect(norm('integer', '=1')).toBe('=1');
    expect(norm('integer', 1.5)).toBe('1.5');
    expect(issues).toEqual([
      ['type_mismatch', 0],
      ['type_mismatch', 0],
    ]);
  });

  it('keeps decimals as their exact text', () => {
    expect(norm('decimal', '1234.50')).toBe('1234.50');
    expect(norm('decimal', '-0.01')).toBe('-0.01');
    expect(norm('number', '1e3')).toBe('1e3');
    expect(norm('number', '')).toBeNull();
    issues.length = 0;
    expect(norm('decimal', '12,50')).toBe('12,50');
    expect(issues).toEqual([['type_mismatch', 0]]);
  });

  it('reads booleans from the CRM’s 0/1 and from custom field text', () => {
    expect(norm('boolean', 1)).toBe(true);
    expect(norm('boolean', 0)).toBe(false);
    expect(norm('boolean', 'true')).toBe(true);
    expect(norm('boolean', 'no')).toBe(false);
    issues.length = 0;
    expect(norm('boolean', 'maybe')).toBe('maybe');
    expect(issues).toEqual([['type_mismatch', 0]]);
  });

  it('writes date-times as ISO 8601 UTC, reading zone-less values as UTC', () => {
    expect(norm('datetime', '2025-06-30T02:00:00.000Z')).toBe('2025-06-30T02:00:00.000Z');
    expect(norm('datetime', '2025-06-30 14:05:00+02:00')).toBe('2025-06-30T12:05:00.000Z');
    expect(norm('datetime', '2025-06-30T02:00:00')).toBe('2025-06-30T02:00:00.000Z');
    expect(norm('datetime', '2025-06-30T02:00:00-0130')).toBe('2025-06-30T03:30:00.000Z');
    expect(norm('datetime', '0099-01-01 10:00')).toBe('0099-01-01T10:00:00.000Z');
    issues.length = 0;
    expect(norm('datetime', '2025-02-29T00:00:00.000Z')).toBe('2025-02-29T00:00:00.000Z');
    expect(norm('datetime', 'yesterday')).toBe('yesterday');
    expect(issues).toHaveLength(2);
    expect(norm('date', '2024-02-29')).toBe('2024-02-29');
    expect(norm('date', '2025-02-29')).toBe('2025-02-29'); // kept, reported
  });

  it('computes epoch milliseconds of canonical date-times without Date.parse', () => {
    for (const s of ['1970-01-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '1899-12-31T00:00:00.000Z', '2038-01-19T03:14:08.123Z']) {
      expect(canonicalDateTime(s)).toBe(s);
      expect(canonicalMillis(s)).toBe(Date.parse(s));
    }
  });

  it('sanitises text and reports it', () => {
    issues.length = 0;
    expect(norm('text', 'a\u0000b')).toBe('ab');
    expect(norm('text', 12)).toBe('12');
    expect(norm('text', Buffer.from('hi'))).toBe('base64:aGk=');
    expect(issues.map((x) => x[0])).toEqual(['replaced_characters', 'type_mismatch']);
  });

  it('counts significant digits the way Excel’s 15-digit limit needs', () => {
    expect(significantDigits('1234.50')).toBe(5);
    expect(significantDigits('-0.000123')).toBe(3);
    expect(significantDigits('12345678901234567890.12')).toBe(22);
    expect(significantDigits('100')).toBe(3);
  });
});
