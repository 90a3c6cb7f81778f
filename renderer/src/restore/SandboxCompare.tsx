/**
 * A sandbox next to the live database (issue 6), per entity: what exists only in the
 * snapshot (deleted since), only live (created since), and what changed. A count opens
 * those records; in "only in snapshot" the staff member ticks what the customer lost,
 * and "Restore selected…" shows what would come back before anything is requested.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, type ErrorInfo } from '../api/client';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatCount, plural } from '../ui/format';
import { useGrantGate } from './grant-gate';
import { PreviewDialog } from './PreviewDialog';
import { FILTER_TITLE } from './restore-format';
import { EMPTY_SELECTION, countFor, selectionSize, toRefs, type Selection } from './restore-selection';
import type { DiffFilter, EntityComparison, RestoreRequestView, SandboxView } from './restore-types';
import { SandboxRecords } from './SandboxRecords';

type Load = { state: 'loading' } | { state: 'ok'; rows: EntityComparison[] } | { state: 'error'; error: ErrorInfo };

export function SandboxCompare({ tenantId, sandbox, onRequested }: { tenantId: string; sandbox: SandboxView; onRequested: (r: RestoreRequestView) => void }) {
  const gate = useGrantGate();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [view, setView] = useState<{ entity: string; label: string; filter: DiffFilter } | null>(null);
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [previewing, setPreviewing] = useState(false);

  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    void gate(
      async () => {
        const rows = await call('restore.compare', { tenantId, sandboxId: sandbox.id });
        if (live) setLoad({ state: 'ok', rows });
      },
      (error) => live && setLoad({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [tenantId, sandbox.id, attempt, gate]);

  useEffect(() => {
    setView(null);
    setSelection(EMPTY_SELECTION);
  }, [sandbox.id]);

  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  const rows = load.state === 'ok' ? load.rows : [];
  const order = rows.map((r) => r.entity);
  const picked = selectionSize(selection);
  const differences = rows.reduce((n, r) => n + r.onlySnapshot + r.onlyLive + r.changed, 0);

  return (
    <section className="restore-section restore-compare" aria-label="Sandbox compared with live" data-testid="sandbox-compare-view" data-sandbox-id={sandbox.id}>
      <header className="restore-compare__head">
        <div>
          <h3 className="section-title">
            Snapshot of <DateText iso={sandbox.snapshotTakenAt} withTime /> compared with the live database
          </h3>
          <p className="muted restore-compare__lead">
            {load.state === 'ok' ? (differences === 0 ? 'The snapshot and the live database hold the same records.' : 'Click a count to see those records. Tick records only in the snapshot to bring them back.') : ' '}
          </p>
        </div>
        <div className="restore-compare__actions">
          <button type="button" className="button button--small button--ghost" onClick={reload} disabled={load.state === 'loading'}>
            Compare again
          </button>
          <button type="button" className="button button--small button--primary" data-testid="restore-selected" disabled={picked === 0} onClick={() => setPreviewing(true)}>
            {picked === 0 ? 'Restore selected…' : `Restore selected (${formatCount(picked)})…`}
          </button>
        </div>
      </header>

      {load.state === 'loading' ? <Spinner label="Comparing the sandbox with the live database…" /> : null}
      {load.state === 'error' ? (
        <ErrorMessage error={load.error} title="The sandbox could not be compared">
          <button type="button" className="button button--small" onClick={reload}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}
      {load.state === 'ok' ? (
        <div className="table-wrap">
          <table className="table restore-compare-table" data-testid="compare-table">
            <thead>
              <tr>
                <th scope="col">Entity</th>
                <th scope="col" className="numeric">
                  In snapshot
                </th>
                <th scope="col" className="numeric">
                  Live now
                </th>
                <th scope="col" className="numeric">
                  Only in snapshot <span className="restore-th-note">(deleted since)</span>
                </th>
                <th scope="col" className="numeric">
                  Only live <span className="restore-th-note">(created since)</span>
                </th>
                <th scope="col" className="numeric">
                  Changed
                </th>
                <th scope="col" className="numeric">
                  Ticked
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.entity} data-testid="compare-row" data-entity={r.entity} className={view?.entity === r.entity ? 'restore-compare-row--open' : undefined}>
                  <th scope="row" className="restore-compare-table__entity">
                    {r.label}
                  </th>
                  <td className="numeric">
                    <CountButton n={r.snapshot} filter="all" active={view?.entity === r.entity && view.filter === 'all'} onOpen={() => setView({ entity: r.entity, label: r.label, filter: 'all' })} />
                  </td>
                  <td className="numeric">{formatCount(r.live)}</td>
                  <td className="numeric">
                    <CountButton n={r.onlySnapshot} filter="onlySnapshot" active={view?.entity === r.entity && view.filter === 'onlySnapshot'} onOpen={() => setView({ entity: r.entity, label: r.label, filter: 'onlySnapshot' })} />
                  </td>
                  <td className="numeric">
                    <CountButton n={r.onlyLive} filter="onlyLive" active={view?.entity === r.entity && view.filter === 'onlyLive'} onOpen={() => setView({ entity: r.entity, label: r.label, filter: 'onlyLive' })} />
                  </td>
                  <td className="numeric">
                    <CountButton n={r.changed} filter="changed" active={view?.entity === r.entity && view.filter === 'changed'} onOpen={() => setView({ entity: r.entity, label: r.label, filter: 'changed' })} />
                  </td>
                  <td className="numeric">{countFor(selection, r.entity) > 0 ? <strong>{formatCount(countFor(selection, r.entity))}</strong> : <span className="muted">–</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {picked > 0 ? (
        <p className="restore-compare__picked" data-testid="restore-picked">
          {plural(picked, 'record')} ticked. What belongs to them (history, lines, tasks, files, custom field values deleted with them) comes along; the preview lists it.{' '}
          <button type="button" className="link-button" onClick={() => setSelection(EMPTY_SELECTION)}>
            Untick all
          </button>
        </p>
      ) : null}

      {view ? (
        <SandboxRecords
          key={`${view.entity}|${view.filter}`}
          tenantId={tenantId}
          sandboxId={sandbox.id}
          entity={view.entity}
          label={view.label}
          filter={view.filter}
          selection={selection}
          onSelection={setSelection}
          onClose={() => setView(null)}
        />
      ) : null}

      {previewing ? (
        <PreviewDialog
          tenantId={tenantId}
          sandbox={sandbox}
          selection={toRefs(selection, order)}
          onClose={() => setPreviewing(false)}
          onRequested={(r) => {
            setPreviewing(false);
            setSelection(EMPTY_SELECTION);
            setView(null);
            onRequested(r);
          }}
        />
      ) : null}
    </section>
  );
}

function CountButton({ n, filter, active, onOpen }: { n: number; filter: DiffFilter; active: boolean; onOpen: () => void }) {
  if (n === 0) return <span className="muted">0</span>;
  return (
    <button
      type="button"
      className={`restore-count restore-count--${filter}${active ? ' restore-count--active' : ''}`}
      data-testid="compare-count"
      data-filter={filter}
      aria-pressed={active}
      title={`Show: ${FILTER_TITLE[filter].toLowerCase()}`}
      onClick={onOpen}
    >
      {formatCount(n)}
    </button>
  );
}
