/**
 * Fleet backup health (issue 5 "Screens"; BACKUPS.md: "No alarm for stale backups.
 * The fleet health screen is that alarm"): how many tenants keep the promise, which
 * have never been backed up or have gone stale, verification coverage, and every
 * tenant sortable by its worst gap. 10,000 tenants scroll: only visible rows exist.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { buildHash, navigate, parseHash, replaceHash } from '../shell/router';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatCount, plural } from '../ui/format';
import { formatAge, formatGapHours } from './backup-bands';
import { fleetParams, matchesFilter, nextSort, parseFleetParams, sortFleet, statusOf, type FleetFilter, type FleetRow, type FleetSortColumn } from './fleet-sort';
import './backups.css';

type Health = OpOutput<'backups.fleetHealth'>;
type Load = { state: 'loading' } | { state: 'ok'; value: Health; reloading: boolean } | { state: 'error'; error: ErrorInfo };

const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 36;

interface Column {
  id: FleetSortColumn;
  label: string;
  track: string;
  min: number;
  numeric?: boolean;
  title?: string;
}

const COLUMNS: Column[] = [
  { id: 'name', label: 'Tenant', track: 'minmax(200px, 2.4fr)', min: 200 },
  { id: 'status', label: 'Status', track: 'minmax(156px, 1fr)', min: 156 },
  { id: 'newest', label: 'Newest snapshot', track: 'minmax(148px, 1fr)', min: 148, numeric: true, title: 'Age of the newest snapshot that counts as a restore point' },
  { id: 'violations', label: 'Gaps over', track: 'minmax(90px, 0.7fr)', min: 90, numeric: true, title: 'Gaps longer than the promise allows' },
  { id: 'worstGapHours', label: 'Worst gap', track: 'minmax(128px, 1fr)', min: 128, numeric: true },
  { id: 'worst', label: '× allowed', track: 'minmax(112px, 0.8fr)', min: 112, numeric: true, title: 'How many times its allowance the worst gap is (the default sort)' },
  { id: 'snapshots', label: 'Snapshots', track: 'minmax(92px, 0.7fr)', min: 92, numeric: true },
  { id: 'verified', label: 'Verified', track: 'minmax(84px, 0.7fr)', min: 84, numeric: true },
  { id: 'failed', label: 'Quarantined', track: 'minmax(118px, 0.8fr)', min: 118, numeric: true },
];
const TEMPLATE = COLUMNS.map((c) => c.track).join(' ');
const MIN_WIDTH = COLUMNS.reduce((n, c) => n + c.min, 0);

const STATUS_TEXT = { compliant: 'Compliant', 'non-compliant': 'Not compliant', never: 'Never backed up' } as const;

export function FleetHealthPage() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [q, setQ] = useState(() => parseFleetParams(parseHash(window.location.hash).params));
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = 'Backup health · Custos';
    return () => {
      document.title = 'Custos';
    };
  }, []);

  useEffect(() => {
    let live = true;
    setLoad((prev) => (prev.state === 'ok' ? { ...prev, reloading: true } : { state: 'loading' }));
    call('backups.fleetHealth', {}).then(
      (value) => live && setLoad({ state: 'ok', value, reloading: false }),
      (e: unknown) => live && setLoad({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  // The sort and filter live in the address, so "back" from a tenant returns to the same view.
  useEffect(() => {
    replaceHash(buildHash(['backups'], fleetParams(q)));
  }, [q]);

  const health = load.state === 'ok' ? load.value : null;
  const rows = useMemo(() => (health ? sortFleet(health.rows.filter((r) => matchesFilter(r, q.filter)), q.column, q.direction) : []), [health, q]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });

  const setFilter = (filter: FleetFilter) => {
    setQ((prev) => ({ ...prev, filter: prev.filter === filter ? 'all' : filter }));
    virtualizer.scrollToOffset(0);
  };

  return (
    <section className="fleet-health" data-testid="fleet-health" aria-labelledby="fleet-title" aria-busy={load.state === 'loading'}>
      <header className="page-header">
        <div>
          <h1 className="page-title" id="fleet-title">
            Backup health
          </h1>
          <p className="page-subtitle">
            {health ? (
              <>
                {plural(health.tenants, 'tenant')} · checked <DateText iso={health.checkedAt} withTime /> · the promise: every 24 h for the last 14 days, 7 days to 90 days, 30 days to a year, 90 days beyond
              </>
            ) : (
              'Is every tenant backed up as promised?'
            )}
          </p>
        </div>
        <div className="fleet-health__actions">
          {load.state === 'ok' && load.reloading ? <Spinner label="Refreshing…" /> : null}
          <button type="button" className="button button--small" onClick={() => setAttempt((a) => a + 1)} disabled={load.state === 'loading'}>
            Refresh
          </button>
        </div>
      </header>

      {load.state === 'loading' ? <Spinner label="Checking every tenant's snapshots…" /> : null}
      {load.state === 'error' ? (
        <ErrorMessage error={load.error} title="Fleet backup health could not be loaded">
          <button type="button" className="button button--small" onClick={() => setAttempt((a) => a + 1)}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}

      {health ? (
        <>
          <div className="fleet-counters" role="group" aria-label="Show tenants">
            <Counter kind="all" label="Tenants" value={health.tenants} active={q.filter === 'all'} onClick={() => setFilter('all')} />
            <Counter kind="compliant" label="Compliant" value={health.compliant} tone="ok" active={q.filter === 'compliant'} onClick={() => setFilter('compliant')} />
            <Counter kind="non-compliant" label="Not compliant" value={health.nonCompliant} tone={health.nonCompliant > 0 ? 'bad' : 'ok'} active={q.filter === 'non-compliant'} onClick={() => setFilter('non-compliant')} />
            <Counter kind="never" label="Never backed up" value={health.neverBackedUp} tone={health.neverBackedUp > 0 ? 'bad' : undefined} active={q.filter === 'never'} onClick={() => setFilter('never')} />
            <Counter kind="stale" label="Stale (none in 26 h)" value={health.stale} tone={health.stale > 0 ? 'bad' : undefined} active={q.filter === 'stale'} onClick={() => setFilter('stale')} />
            <Counter kind="quarantined" label="Quarantined snapshots" value={health.quarantinedSnapshots} tone={health.quarantinedSnapshots > 0 ? 'warn' : undefined} active={q.filter === 'quarantined'} onClick={() => setFilter('quarantined')} />
          </div>

          <VerificationCoverage health={health} />

          <p className="fleet-health__showing muted" aria-live="polite">
            {q.filter === 'all' ? `All ${plural(rows.length, 'tenant')}` : `${plural(rows.length, 'tenant')} ${FILTER_WORDS[q.filter]}`}
            {q.filter !== 'all' ? (
              <>
                {' · '}
                <button type="button" className="link-button" onClick={() => setFilter('all')}>
                  show all
                </button>
              </>
            ) : null}
          </p>

          {rows.length === 0 ? (
            <div className="empty-state">
              <p className="empty-state__title">{q.filter === 'all' ? 'The catalogue has no tenants yet' : `No tenant ${FILTER_WORDS[q.filter]}`}</p>
            </div>
          ) : (
            <div ref={scrollRef} className="grid fleet-grid" role="grid" aria-label="Tenants by backup health" aria-rowcount={rows.length + 1} aria-colcount={COLUMNS.length} tabIndex={0}>
              <div className="grid__header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: TEMPLATE, minWidth: MIN_WIDTH }}>
                {COLUMNS.map((c) => {
                  const sorted = q.column === c.id ? q.direction : null;
                  return (
                    <div key={c.id} role="columnheader" aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'} className={c.numeric ? 'grid__th grid__th--numeric' : 'grid__th'}>
                      <button type="button" className="sort-button" title={c.title} data-testid="fleet-sort" data-column={c.id} onClick={() => setQ((prev) => ({ ...prev, ...nextSort(prev, c.id) }))}>
                        <span>{c.label}</span>
                        {sorted ? (
                          <span className="sort-indicator" aria-hidden="true">
                            {sorted === 'desc' ? '▼' : '▲'}
                          </span>
                        ) : null}
                      </button>
                    </div>
                  );
                })}
              </div>
              <div className="grid__body grid__body--virtual" style={{ height: virtualizer.getTotalSize(), minWidth: MIN_WIDTH }}>
                {virtualizer.getVirtualItems().map((v) => {
                  const r = rows[v.index];
                  return r ? <FleetRowView key={r.tenantId} r={r} index={v.index} top={v.start - HEADER_HEIGHT} /> : null;
                })}
              </div>
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}

const FILTER_WORDS: Record<FleetFilter, string> = {
  all: '',
  compliant: 'keep the promise',
  'non-compliant': 'break the promise',
  never: 'never backed up',
  stale: 'without a snapshot in the last 26 h',
  quarantined: 'with quarantined snapshots',
};

function Counter({ kind, label, value, tone, active, onClick }: { kind: string; label: string; value: number; tone?: 'ok' | 'bad' | 'warn' | undefined; active: boolean; onClick: () => void }) {
  return (
    <button type="button" className={`fleet-counter${tone ? ` fleet-counter--${tone}` : ''}${active ? ' fleet-counter--active' : ''}`} data-testid="fleet-counter" data-kind={kind} data-value={value} aria-pressed={active} onClick={onClick}>
      <span className="fleet-counter__value">{formatCount(value)}</span>
      <span className="fleet-counter__label">{label}</span>
    </button>
  );
}

function VerificationCoverage({ health }: { health: Health }) {
  const n = health.tenants;
  const pct = (x: number) => (n === 0 ? 0 : Math.round((x / n) * 100));
  const items = [
    { key: 'any', label: 'have a verified snapshot', value: health.verification.withVerifiedSnapshot },
    { key: '7d', label: 'had one verified in the last 7 days', value: health.verification.verifiedWithin7Days },
  ];
  return (
    <section className="coverage" aria-label="Verification coverage" data-testid="verification-coverage">
      <h2 className="section-title">Verification coverage</h2>
      <p className="muted coverage__lead">A snapshot counts as verified once a test-restore in a sandbox passed: checksums, SQLite integrity, schema version, row counts.</p>
      <div className="coverage__bars">
        {items.map((i) => (
          <div key={i.key} className="coverage__item" data-kind={i.key}>
            <p>
              <strong>{pct(i.value)}%</strong> of tenants {i.label} <span className="muted">({formatCount(i.value)} of {formatCount(n)})</span>
            </p>
            <div className="coverage__bar" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct(i.value)} aria-label={`Tenants that ${i.label}`}>
              <span className="coverage__fill" style={{ width: `${pct(i.value)}%` }} />
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}

function FleetRowView({ r, index, top }: { r: FleetRow; index: number; top: number }) {
  const status = statusOf(r);
  const href = buildHash(['tenants', r.tenantId]);
  return (
    <div
      className={`grid__row fleet-row fleet-row--${status}`}
      role="row"
      aria-rowindex={index + 2}
      data-testid="fleet-row"
      data-tenant-id={r.tenantId}
      data-status={status}
      style={{ transform: `translateY(${top}px)`, gridTemplateColumns: TEMPLATE }}
      onClick={(e) => {
        if ((e.target as Element).closest('a')) return;
        navigate(href);
      }}
    >
      <div role="gridcell" className="grid__td">
        <span className="cell-stack">
          <a className="cell-name" href={href} title={r.name}>
            {r.name}
          </a>
          <span className="cell-stack__sub mono">{r.slug}</span>
        </span>
      </div>
      <div role="gridcell" className="grid__td">
        <span className={`verdict verdict--small ${status === 'compliant' ? 'verdict--ok' : 'verdict--bad'}`}>{STATUS_TEXT[status]}</span>
      </div>
      <div role="gridcell" className={r.newestAgeHours !== null && r.newestAgeHours > 26 ? 'grid__td grid__td--numeric text-danger' : 'grid__td grid__td--numeric'}>
        {r.newestAt ? (
          <span title={`Newest snapshot: ${r.newestAt}`}>{formatAge(r.newestAgeHours)} ago</span>
        ) : (
          <span className="muted">none</span>
        )}
      </div>
      <div role="gridcell" className="grid__td grid__td--numeric">
        {r.violations > 0 ? <span className="text-danger">{formatCount(r.violations)}</span> : <span className="muted">0</span>}
      </div>
      <div role="gridcell" className="grid__td grid__td--numeric">
        {r.worstGapHours > 0 ? formatGapHours(r.worstGapHours) : <span className="muted">–</span>}
      </div>
      <div role="gridcell" className="grid__td grid__td--numeric">
        {r.worstGapRatio > 0 ? <span className={r.worstGapRatio > 1 ? 'text-danger' : undefined}>{r.worstGapRatio.toFixed(r.worstGapRatio >= 10 ? 0 : 2)}×</span> : <span className="muted">–</span>}
      </div>
      <div role="gridcell" className="grid__td grid__td--numeric">
        {formatCount(r.snapshots)}
      </div>
      <div role="gridcell" className="grid__td grid__td--numeric">
        {formatCount(r.verified)}
      </div>
      <div role="gridcell" className="grid__td grid__td--numeric">
        {r.failed > 0 ? <span className="text-danger">{formatCount(r.failed)}</span> : <span className="muted">0</span>}
      </div>
    </div>
  );
}
