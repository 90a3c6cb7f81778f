/**
 * The last 24 months of one tenant's backups, a mini calendar per month (issue 5
 * "Screens"): each day shows whether a snapshot exists, coloured by the age band the
 * day falls in, days inside a gap that breaks the promise in red. Hovering (or
 * choosing with the arrow keys) a day shows its snapshots in local time and UTC.
 */
import { memo, useCallback, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { ComplianceReportView, SnapshotRowView } from '../../../app/api/contract';
import { formatDateTime, utcTitle } from '../ui/format';
import { BANDS, bandLabel, formatGapHours } from './backup-bands';
import { buildCalendar, calendarTotals, dayClassName, daysBetween, type CalendarDay, type CalendarMonth } from './backup-calendar';

type Gap = ComplianceReportView['violations'][number];
type Day = CalendarDay<SnapshotRowView, Gap>;
type Month = CalendarMonth<SnapshotRowView, Gap>;

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const LONG_DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const WEEKDAYS = ['M', 'T', 'W', 'T', 'F', 'S', 'S'];

/** A calendar date (no instant) in words; formatted in UTC so the date never shifts. */
function dateWords(date: string): string {
  return LONG_DAY.format(new Date(`${date}T12:00:00Z`));
}

function utcOffsetText(now: number): string {
  const minutes = -new Date(now).getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const sign = minutes > 0 ? '+' : '−';
  const a = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

function dayTitle(d: Day): string {
  const n = d.snapshots.length;
  const parts = [d.date, n === 0 ? 'no snapshot' : n === 1 ? '1 snapshot' : `${n} snapshots`];
  if (d.state === 'gap') parts.push('inside a gap over the promise');
  else if (d.violations.length > 0) parts.push('edge of a gap over the promise');
  if (d.uncovered > 0) parts.push(`${d.uncovered} not counted (quarantined or incomplete)`);
  if (d.beforeCreation) parts.push('before the tenant existed');
  return parts.join(' · ');
}

export function BackupCalendar({
  snapshots,
  violations,
  now,
  createdAt,
}: {
  snapshots: readonly SnapshotRowView[];
  violations: readonly Gap[];
  /** The compliance report's checkedAt: the calendar and the report agree on "today". */
  now: number;
  createdAt: string | null;
}) {
  const months = useMemo(() => buildCalendar<SnapshotRowView, Gap>({ snapshots, gaps: violations, now, createdAt }), [snapshots, violations, now, createdAt]);
  const byDate = useMemo(() => {
    const m = new Map<string, Day>();
    for (const month of months) for (const w of month.weeks) for (const d of w) if (d) m.set(d.date, d);
    return m;
  }, [months]);
  const totals = useMemo(() => calendarTotals(months), [months]);
  const [hovered, setHovered] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const dateAt = (target: EventTarget | null): string | null => {
    const el = target instanceof Element ? target.closest<HTMLElement>('[data-date]') : null;
    return el?.dataset.date ?? null;
  };
  const onOver = useCallback((e: MouseEvent) => setHovered(dateAt(e.target)), []);
  const onClick = useCallback((e: MouseEvent) => {
    const d = dateAt(e.target);
    if (d) setSelected((s) => (s === d ? null : d));
  }, []);

  const first = months[0]?.weeks.flat().find((d) => d !== null)?.date ?? null;
  const last = months[months.length - 1]?.weeks.flat().reduce<string | null>((acc, d) => d?.date ?? acc, null) ?? null;

  const onKey = (e: KeyboardEvent) => {
    const step = ({ ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 } as Record<string, number>)[e.key];
    if (e.key === 'Escape' && selected) {
      e.preventDefault();
      setSelected(null);
      return;
    }
    if (e.key === 'Home' && first) {
      e.preventDefault();
      setSelected(first);
      return;
    }
    if (e.key === 'End' && last) {
      e.preventDefault();
      setSelected(last);
      return;
    }
    if (step === undefined || !last) return;
    e.preventDefault();
    const from = selected ?? last;
    const t = Date.parse(`${from}T12:00:00Z`) + step * 86_400_000;
    const next = new Date(t).toISOString().slice(0, 10);
    if (byDate.has(next)) setSelected(next);
  };

  const shown = (hovered && byDate.get(hovered)) || (selected && byDate.get(selected)) || null;
  const selectedMonth = selected?.slice(0, 7) ?? null;

  return (
    <section className="backup-calendar" data-testid="backup-calendar" aria-label="Backup calendar, last 24 months">
      <header className="backup-calendar__head">
        <h3 className="section-title">Last 24 months</h3>
        <p className="backup-calendar__caption">
          {totals.snapshotDays} days with a snapshot
          {totals.gapDays > 0 ? (
            <>
              {' · '}
              <span className="text-danger">{totals.gapDays} days in gaps over the promise</span>
            </>
          ) : null}
          {' · '}days in your local time ({utcOffsetText(now)})
        </p>
      </header>
      <div
        className="calendar-months"
        tabIndex={0}
        role="group"
        aria-label="Days of the last 24 months. Arrow keys move between days; the day's snapshots are listed below."
        onMouseOver={onOver}
        onMouseLeave={() => setHovered(null)}
        onClick={onClick}
        onKeyDown={onKey}
      >
        {months.map((m) => (
          <MonthGrid key={m.key} month={m} selected={selectedMonth === m.key ? selected : null} />
        ))}
      </div>
      <CalendarLegend />
      <DayDetail day={shown} pinned={shown !== null && shown.date === selected} today={last} />
    </section>
  );
}

const MonthGrid = memo(function MonthGrid({ month, selected }: { month: Month; selected: string | null }) {
  return (
    <div className="calendar-month">
      <p className="calendar-month__label">{MONTH.format(new Date(Date.UTC(month.year, month.month - 1, 15)))}</p>
      <div className="calendar-month__grid" aria-hidden="false">
        {WEEKDAYS.map((w, i) => (
          <span key={`h${i}`} className="calendar-month__weekday" aria-hidden="true">
            {w}
          </span>
        ))}
        {month.weeks.flat().map((d, i) =>
          d ? (
            <span
              key={d.date}
              className={d.date === selected ? `${dayClassName(d)} calendar-day--selected` : dayClassName(d)}
              data-testid="calendar-day"
              data-date={d.date}
              data-state={d.state}
              data-band={d.band}
              title={dayTitle(d)}
            />
          ) : (
            <span key={`b${i}`} className="calendar-day calendar-day--blank" aria-hidden="true" />
          ),
        )}
      </div>
    </div>
  );
});

function CalendarLegend() {
  return (
    <div className="calendar-legend" aria-label="Legend">
      {BANDS.map((b) => (
        <span key={b.id} className="calendar-legend__item" title={b.promise}>
          <span className={`calendar-day calendar-day--snapshot band--${b.id}`} aria-hidden="true" />
          <span className={`calendar-day calendar-day--none band--${b.id}`} aria-hidden="true" />
          <span>
            {b.label} <span className="muted">({b.promise.split(': ')[0]})</span>
          </span>
        </span>
      ))}
      <span className="calendar-legend__item">
        <span className="calendar-day calendar-day--gap" aria-hidden="true" />
        <span>Gap over the promise</span>
      </span>
      <span className="calendar-legend__item">
        <span className="calendar-day calendar-day--snapshot calendar-day--gap-edge band--daily" aria-hidden="true" />
        <span>Snapshot at a gap's edge</span>
      </span>
      <span className="calendar-legend__item">
        <span className="calendar-day calendar-day--gap calendar-day--uncovered" aria-hidden="true" />
        <span>Quarantined or incomplete (not counted)</span>
      </span>
      <span className="calendar-legend__note muted">Solid: a snapshot exists · pale: none that day</span>
    </div>
  );
}

function DayDetail({ day, pinned, today }: { day: Day | null; pinned: boolean; today: string | null }) {
  if (!day) {
    return (
      <div className="calendar-detail calendar-detail--empty" aria-live="polite">
        <p className="muted">Hover over a day (or focus the calendar and use the arrow keys) to see its snapshots.</p>
      </div>
    );
  }
  const age = today ? daysBetween(day.date, today) : null;
  const band = BANDS.find((b) => b.id === day.band);
  return (
    <div className="calendar-detail" data-testid="calendar-detail" data-date={day.date} aria-live="polite">
      <p className="calendar-detail__title">
        <strong>{dateWords(day.date)}</strong>
        <span className="muted">
          {age === 0 ? 'today' : age === 1 ? 'yesterday' : age !== null ? `${age} days ago` : ''} · {band ? `${band.label}: one every ${band.intervalHours >= 48 ? `${band.intervalHours / 24} days` : `${band.intervalHours} h`}` : bandLabel(day.band)}
        </span>
        {pinned ? <span className="badge badge--later">Pinned · Esc to release</span> : null}
      </p>
      {day.beforeCreation ? <p className="muted">Before the tenant existed.</p> : null}
      {day.snapshots.length === 0 ? (
        !day.beforeCreation ? <p className="muted">No snapshot was taken this day.</p> : null
      ) : (
        <ul className="calendar-detail__list">
          {day.snapshots.map((s) => (
            <li key={s.snapshotId}>
              <time dateTime={s.takenAt} title={utcTitle(s.takenAt)}>
                {formatDateTime(s.takenAt).split(', ')[1] ?? formatDateTime(s.takenAt)}
              </time>{' '}
              <span className="muted">({utcTitle(s.takenAt)?.slice(11, 16)} UTC)</span> <span className="mono muted">{s.snapshotId}</span> · <VerificationWord v={s.verification} />
              {s.state !== 'complete' ? <> · {s.state}</> : null} · {s.plan === 'keep' ? 'kept by the plan' : 'prunable'}
              {s.held ? ' · held' : ''}
            </li>
          ))}
        </ul>
      )}
      {day.violations.map((g) => (
        <p key={`${g.from}|${g.to}`} className="text-danger">
          {day.state === 'gap' ? 'Inside' : 'At the edge of'} a gap of {formatGapHours(g.hours)}: {g.fromKind === 'tenant-created' ? 'tenant created' : 'snapshot'}{' '}
          <time dateTime={g.from} title={utcTitle(g.from)}>
            {formatDateTime(g.from)}
          </time>{' '}
          → {g.toKind === 'now' ? 'now' : ''}
          <time dateTime={g.to} title={utcTitle(g.to)}>
            {g.toKind === 'now' ? '' : formatDateTime(g.to)}
          </time>
          , over the {bandLabel(g.band)}'s {formatGapHours(g.allowedHours)}.
        </p>
      ))}
    </div>
  );
}

function VerificationWord({ v }: { v: SnapshotRowView['verification'] }) {
  if (v === 'verified') return <span className="text-success">verified</span>;
  if (v === 'failed') return <span className="text-danger">failed verification (quarantined)</span>;
  return <span>not verified yet</span>;
}
