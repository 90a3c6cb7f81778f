import { describe, expect, it } from 'vitest';
import { bandClass, bandForAgeDays, bandLabel, bandShortLabel, formatAge, formatGapHours } from './backup-bands';

describe('bands', () => {
  it.each([
    [0, 'daily'],
    [14, 'daily'],
    [14.01, 'weekly'],
    [90, 'weekly'],
    [90.5, 'monthly'],
    [365, 'monthly'],
    [366, 'quarterly'],
    [5000, 'quarterly'],
  ])('%s days old → %s', (age, band) => expect(bandForAgeDays(age)).toBe(band));

  it.each([
    ['daily', 'band--daily', '24-hour band', 'Daily'],
    ['weekly', 'band--weekly', '7-day band', 'Weekly'],
    ['monthly', 'band--monthly', '30-day band', '30-day'],
    ['quarterly', 'band--quarterly', '90-day band', '90-day'],
    ['hourly', 'band--unknown', 'hourly', 'hourly'], // a band the renderer does not know yet
  ])('%s: colour %s, label %s, short %s', (band, cls, label, short) => {
    expect(bandClass(band)).toBe(cls);
    expect(bandLabel(band)).toBe(label);
    expect(bandShortLabel(band)).toBe(short);
  });
});

describe('formatGapHours / formatAge', () => {
  it.each([
    [25.5, '25.5 h'],
    [26, '26 h'],
    [47.96, '48 h'],
    [48, '48 h (2 d)'],
    [192, '192 h (8 d)'],
    [481, '481 h (20 d)'],
    [744, '744 h (31 d)'],
    [170.5, '171 h (7.1 d)'],
    [999, '999 h (42 d)'],
    [2162, '90 d'],
    [48325.1, '2,014 d'],
    [Number.NaN, '–'],
    [-1, '–'],
  ])('gap %s h → %s', (h, text) => expect(formatGapHours(h)).toBe(text));

  it.each([
    [null, '–'],
    [0, '<1 min'],
    [0.01, '<1 min'],
    [0.25, '15 min'],
    [1, '1 h'],
    [25.5, '26 h'],
    [48, '2 d'],
    [53, '2 d 5 h'],
    [121, '5 d 1 h'],
    [23.99 + 24 * 3, '4 d'],
    [24 * 20 + 7, '20 d'],
    [-1, '–'],
  ])('age %s h → %s', (h, text) => expect(formatAge(h)).toBe(text));
});
