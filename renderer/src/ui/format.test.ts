import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDate, formatDateTime, plural, utcTitle } from './format';

describe('formatCount / plural', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [1234, '1,234'],
    [100000, '100,000'],
    [1234567, '1,234,567'],
    [Number.NaN, '–'],
  ])('%s → %s', (n, text) => expect(formatCount(n)).toBe(text));

  it.each([
    [0, '0 tenants'],
    [1, '1 tenant'],
    [2, '2 tenants'],
    [1234, '1,234 tenants'],
  ])('%s tenants → %s', (n, text) => expect(plural(n, 'tenant')).toBe(text));

  it('takes an irregular plural', () => expect(plural(3, 'person', 'people')).toBe('3 people'));
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1,023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'], // rounds up to the next unit, never "1,024 KiB"
    [15 * 1024 * 1024, '15 MiB'],
    [1.25 * 1024 ** 3, '1.3 GiB'],
    [5 * 1024 ** 4, '5.0 TiB'],
    [2048 * 1024 ** 5, '2,048 PiB'], // the largest unit keeps growing
    [-1, '–'],
    [Number.POSITIVE_INFINITY, '–'],
  ])('%s → %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe('dates: local time for reading, UTC in the title', () => {
  // The last Sunday of March: Ireland moves from GMT to IST at 01:00 UTC.
  const beforeDst = '2025-03-30T00:30:00.000Z';
  const afterDst = '2025-03-30T01:30:00.000Z';

  it.each([
    [beforeDst, 'Europe/Dublin', '30 Mar 2025, 00:30'],
    [afterDst, 'Europe/Dublin', '30 Mar 2025, 02:30'],
    [afterDst, 'UTC', '30 Mar 2025, 01:30'],
    ['2024-02-29T23:30:00Z', 'Europe/Berlin', '1 Mar 2024, 00:30'], // leap day rolls into March locally
    ['2024-12-31T23:59:59Z', 'Europe/Helsinki', '1 Jan 2025, 01:59'],
  ])('%s in %s → %s', (iso, tz, text) => expect(formatDateTime(iso, tz)).toBe(text));

  it.each([
    ['2024-02-29T12:00:00Z', 'UTC', '29 Feb 2024'],
    ['2024-02-29T23:30:00Z', 'Europe/Berlin', '1 Mar 2024'],
  ])('formatDate %s in %s → %s', (iso, tz, text) => expect(formatDate(iso, tz)).toBe(text));

  it.each([
    [afterDst, '2025-03-30 01:30:00 UTC'],
    ['2024-02-29T23:30:00+02:00', '2024-02-29 21:30:00 UTC'],
  ])('utcTitle %s → %s', (iso, text) => expect(utcTitle(iso)).toBe(text));

  it.each([null, undefined, '', 'not a date'])('missing or invalid %j → dash, no title', (v) => {
    expect(formatDate(v)).toBe('–');
    expect(formatDateTime(v)).toBe('–');
    expect(utcTitle(v)).toBeUndefined();
  });
});
