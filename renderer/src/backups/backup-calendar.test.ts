import { describe, expect, it } from 'vitest';
import { bandForDay, buildCalendar, calendarTotals, classifyDay, dayClassName, dayKey, daysBetween, isCoverage, type CalendarDay, type CalendarGap, type CalendarSnapshot } from './backup-calendar';

const NOW = Date.parse('2025-06-30T03:00:00Z');

function snap(takenAt: string, extra: Partial<CalendarSnapshot> = {}): CalendarSnapshot {
  return { snapshotId: `${takenAt.replace(/[-:.]/g, '').slice(0, 15)}Z-abcdef`, takenAt, state: 'complete', verification: 'verified', ...extra };
}

function gap(from: string, to: string, ok = false): CalendarGap {
  const hours = (Date.parse(to) - Date.parse(from)) / 3_600_000;
  return { from, to, hours, band: 'weekly', allowedHours: 170, ok };
}

function days(months: ReturnType<typeof buildCalendar>): Map<string, CalendarDay> {
  const m = new Map<string, CalendarDay>();
  for (const month of months) for (const w of month.weeks) for (const d of w) if (d) m.set(d.date, d);
  return m;
}

/** Daily 02:00Z snapshots from `first` to `last` (inclusive), skipping `skip`. */
function dailies(first: string, last: string, skip: readonly string[] = []): CalendarSnapshot[] {
  const out: CalendarSnapshot[] = [];
  for (let t = Date.parse(`${first}T02:00:00Z`); t <= Date.parse(`${last}T02:00:00Z`); t += 86_400_000) {
    const iso = new Date(t).toISOString();
    if (!skip.includes(iso.slice(0, 10))) out.push(snap(iso));
  }
  return out;
}

describe('dayKey / daysBetween', () => {
  it.each([
    ['2025-03-29T23:30:00Z', 'UTC', '2025-03-29'],
    ['2025-03-29T23:30:00Z', 'Europe/Berlin', '2025-03-30'], // BACKUPS.md: two UTC days, one Berlin day
    ['2025-03-30T00:30:00Z', 'Europe/Berlin', '2025-03-30'],
    ['2024-02-29T23:30:00Z', 'Europe/Berlin', '2024-03-01'], // leap day rolls into March locally
    ['2024-12-31T23:59:59Z', 'America/New_York', '2024-12-31'],
    ['2025-01-01T04:00:00Z', 'America/New_York', '2024-12-31'],
  ])('%s in %s is %s', (iso, tz, key) => expect(dayKey(Date.parse(iso), tz)).toBe(key));

  it.each([
    ['2025-06-30', '2025-06-30', 0],
    ['2025-06-16', '2025-06-30', 14],
    ['2024-02-28', '2024-03-01', 2], // leap year
    ['2023-02-28', '2023-03-01', 1],
    ['2025-03-29', '2025-03-31', 2], // across the spring DST change: still whole days
    ['2025-06-30', '2025-06-01', -29],
  ])('%s → %s is %i days', (a, b, n) => expect(daysBetween(a, b)).toBe(n));
});

describe('bandForDay: by the day’s age in calendar days, edges inclusive', () => {
  it.each([
    ['2025-06-30', 'daily'],
    ['2025-06-16', 'daily'], // 14 days ago: still the 24-hour band
    ['2025-06-15', 'weekly'],
    ['2025-04-01', 'weekly'], // 90 days ago
    ['2025-03-31', 'monthly'],
    ['2024-06-30', 'monthly'], // 365 days ago
    ['2024-06-29', 'quarterly'],
    ['2023-07-01', 'quarterly'],
    ['2025-07-02', 'daily'], // a day "after today" (clock skew) is never older than today
  ])('%s (today 2025-06-30) → %s', (date, band) => expect(bandForDay(date, '2025-06-30')).toBe(band));
});

describe('classifyDay and coverage', () => {
  it.each([
    [true, true, 'snapshot'],
    [true, false, 'snapshot'],
    [false, true, 'gap'],
    [false, false, 'none'],
  ] as const)('coverage %s, violation %s → %s', (c, v, s) => expect(classifyDay(c, v)).toBe(s));

  it.each([
    [snap('2025-06-29T02:00:00Z'), true],
    [snap('2025-06-29T02:00:00Z', { verification: 'pending' }), true], // pending counts, as on the server
    [snap('2025-06-29T02:00:00Z', { verification: 'failed' }), false], // quarantined
    [snap('2025-06-29T02:00:00Z', { state: 'incomplete' }), false],
    [snap('2025-06-30T03:04:00Z'), true], // within the clock tolerance
    [snap('2025-06-30T04:00:00Z'), false], // in the future: clock skew, not trusted
  ])('%j counts: %s', (s, expected) => expect(isCoverage(s, NOW)).toBe(expected));
});

describe('buildCalendar', () => {
  it('lays out 24 Monday-first months ending with the current one', () => {
    const months = buildCalendar({ snapshots: [], gaps: [], now: NOW, timeZone: 'UTC' });
    expect(months).toHaveLength(24);
    expect(months[0]!.key).toBe('2023-07');
    expect(months[23]!.key).toBe('2025-06');
    // 1 June 2025 is a Sunday: six empty cells before it.
    const june = months[23]!;
    expect(june.weeks[0]!.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(june.weeks[0]![6]!.date).toBe('2025-06-01');
    for (const m of months) for (const w of m.weeks) expect(w).toHaveLength(7);
    // February 2024 has its leap day.
    const feb = days([months.find((m) => m.key === '2024-02')!]);
    expect(feb.has('2024-02-29')).toBe(true);
  });

  it('leaves days after today empty', () => {
    const months = buildCalendar({ snapshots: [], gaps: [], now: Date.parse('2025-06-15T12:00:00Z'), timeZone: 'UTC' });
    const d = days(months);
    expect(d.has('2025-06-15')).toBe(true);
    expect(d.has('2025-06-16')).toBe(false);
  });

  it('a missed week: the days inside the violation are gaps, its ends are snapshots marked as edges', () => {
    const snapshots = dailies('2025-06-01', '2025-06-30', ['2025-06-22', '2025-06-23', '2025-06-24', '2025-06-25']);
    const g = gap('2025-06-21T02:00:00Z', '2025-06-26T02:00:00Z');
    const d = days(buildCalendar({ snapshots, gaps: [g], now: NOW, timeZone: 'UTC' }));
    expect(d.get('2025-06-21')!.state).toBe('snapshot');
    expect(d.get('2025-06-21')!.violations).toEqual([g]);
    for (const k of ['2025-06-22', '2025-06-23', '2025-06-24', '2025-06-25']) expect(d.get(k)!.state).toBe('gap');
    expect(d.get('2025-06-26')!.state).toBe('snapshot');
    expect(d.get('2025-06-27')!.violations).toEqual([]);
    expect(d.get('2025-05-31')!.state).toBe('none');
    expect(dayClassName(d.get('2025-06-21')!)).toContain('calendar-day--gap-edge');
  });

  it('backups stopped: every day from the newest snapshot to today is in the gap, today included', () => {
    const snapshots = dailies('2025-06-01', '2025-06-25');
    const g = { ...gap('2025-06-25T02:00:00Z', '2025-06-30T03:00:00Z'), band: 'daily', allowedHours: 26 };
    const d = days(buildCalendar({ snapshots, gaps: [g], now: NOW, timeZone: 'UTC' }));
    expect(d.get('2025-06-25')!.state).toBe('snapshot');
    for (const k of ['2025-06-26', '2025-06-27', '2025-06-28', '2025-06-29', '2025-06-30']) expect(d.get(k)!.state).toBe('gap');
  });

  it('gaps within their allowance are not drawn', () => {
    const g = gap('2025-05-04T02:00:00Z', '2025-05-11T02:00:00Z', true);
    const d = days(buildCalendar({ snapshots: [], gaps: [g], now: NOW, timeZone: 'UTC' }));
    expect(d.get('2025-05-07')!.state).toBe('none');
  });

  it('a quarantined snapshot is no coverage: its day is a gap and carries the mark', () => {
    const failed = snap('2025-06-29T02:00:00Z', { verification: 'failed' });
    const snapshots = [snap('2025-06-28T02:00:00Z'), failed, snap('2025-06-30T02:00:00Z')];
    const g = { ...gap('2025-06-28T02:00:00Z', '2025-06-30T02:00:00Z'), band: 'daily', allowedHours: 26 };
    const d = days(buildCalendar({ snapshots, gaps: [g], now: NOW, timeZone: 'UTC' }));
    const day = d.get('2025-06-29')!;
    expect(day.state).toBe('gap');
    expect(day.snapshots).toEqual([failed]);
    expect(day.uncovered).toBe(1);
    expect(dayClassName(day)).toBe('calendar-day calendar-day--gap band--daily calendar-day--uncovered');
  });

  it('puts snapshots on local days: 23:30Z and 00:30Z are one Berlin day, two UTC days', () => {
    const a = snap('2025-03-29T23:30:00Z');
    const b = snap('2025-03-30T00:30:00Z');
    const utc = days(buildCalendar({ snapshots: [b, a], gaps: [], now: NOW, timeZone: 'UTC' }));
    expect(utc.get('2025-03-29')!.snapshots).toEqual([a]);
    expect(utc.get('2025-03-30')!.snapshots).toEqual([b]);
    const berlin = days(buildCalendar({ snapshots: [b, a], gaps: [], now: NOW, timeZone: 'Europe/Berlin' }));
    expect(berlin.get('2025-03-29')!.snapshots).toEqual([]);
    expect(berlin.get('2025-03-30')!.snapshots).toEqual([a, b]); // oldest first
  });

  it('maps a gap onto the local days it touches', () => {
    // 2025-06-10T22:30Z → 2025-06-12T22:30Z: in Berlin that is 11 Jun 00:30 → 13 Jun 00:30.
    const g = { ...gap('2025-06-10T22:30:00Z', '2025-06-12T22:30:00Z'), band: 'daily', allowedHours: 26 };
    const utc = days(buildCalendar({ snapshots: [], gaps: [g], now: NOW, timeZone: 'UTC' }));
    expect(['2025-06-10', '2025-06-11', '2025-06-12'].map((k) => utc.get(k)!.state)).toEqual(['gap', 'gap', 'gap']);
    expect(utc.get('2025-06-13')!.state).toBe('none');
    const berlin = days(buildCalendar({ snapshots: [], gaps: [g], now: NOW, timeZone: 'Europe/Berlin' }));
    expect(berlin.get('2025-06-10')!.state).toBe('none');
    expect(['2025-06-11', '2025-06-12', '2025-06-13'].map((k) => berlin.get(k)!.state)).toEqual(['gap', 'gap', 'gap']);
  });

  it('a gap older than the calendar is clipped to its first day', () => {
    const g = { ...gap('2020-01-01T00:00:00Z', '2023-07-03T02:00:00Z'), band: 'quarterly', allowedHours: 2162 };
    const d = days(buildCalendar({ snapshots: [], gaps: [g], now: NOW, timeZone: 'UTC' }));
    expect(d.get('2023-07-01')!.state).toBe('gap');
    expect(d.get('2023-07-03')!.state).toBe('gap');
    expect(d.get('2023-07-04')!.state).toBe('none');
  });

  it('ignores snapshots dated in the future and marks days before the tenant existed', () => {
    const d = days(buildCalendar({ snapshots: [snap('2025-07-04T02:00:00Z')], gaps: [], now: NOW, createdAt: '2025-06-20T09:00:00Z', timeZone: 'UTC' }));
    expect(d.has('2025-07-04')).toBe(false);
    expect(d.get('2025-06-19')!.beforeCreation).toBe(true);
    expect(d.get('2025-06-20')!.beforeCreation).toBe(false);
    expect(dayClassName(d.get('2025-06-19')!)).toContain('calendar-day--before');
  });

  it('colours every day by its band', () => {
    const d = days(buildCalendar({ snapshots: [], gaps: [], now: NOW, timeZone: 'UTC' }));
    expect(d.get('2025-06-16')!.band).toBe('daily');
    expect(d.get('2025-06-15')!.band).toBe('weekly');
    expect(d.get('2025-03-31')!.band).toBe('monthly');
    expect(d.get('2024-06-29')!.band).toBe('quarterly');
    expect(dayClassName(d.get('2025-06-15')!)).toBe('calendar-day calendar-day--none band--weekly');
  });

  it('counts snapshot days and gap days', () => {
    const snapshots = dailies('2025-06-20', '2025-06-25');
    const g = { ...gap('2025-06-25T02:00:00Z', '2025-06-30T03:00:00Z'), band: 'daily', allowedHours: 26 };
    expect(calendarTotals(buildCalendar({ snapshots, gaps: [g], now: NOW, timeZone: 'UTC' }))).toEqual({ snapshotDays: 6, gapDays: 5 });
  });
});
