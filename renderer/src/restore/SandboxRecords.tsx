/**
 * One entity's records in a sandbox: all of them, or only those deleted since, created
 * since, or changed (the changed columns highlighted). Paged by ID; every page is an
 * audited call under the caller's grant. In "only in snapshot", rows can be ticked for
 * a selective restore. Cells are untrusted tenant data: text only, cut with a title.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type ErrorInfo } from '../api/client';
import { cell } from '../access/record-cells';
import { RecordsFooter } from '../access/RecordsFooter';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatCount, plural } from '../ui/format';
import { useGrantGate } from './grant-gate';
import { MAX_SELECTION, isSelected, pageState, selectionSize, setMany, toggle, type Selection } from './restore-selection';
import type { DiffFilter, RecordsPage } from './restore-types';
import { FILTER_TITLE } from './restore-format';

const PAGE = 50;

interface Rows {
  columns: string[];
  rows: Record<string, unknown>[];
  changed: Record<string, string[]>;
  next: number | null;
}

function idOf(row: Record<string, unknown>): number | null {
  return typeof row.id === 'number' && Number.isInteger(row.id) ? row.id : null;
}

export function SandboxRecords({
  tenantId,
  sandboxId,
  entity,
  label,
  filter,
  selection,
  onSelection,
  onClose,
}: {
  tenantId: string;
  sandboxId: string;
  entity: string;
  label: string;
  filter: DiffFilter;
  selection: Selection;
  onSelection: (s: Selection) => void;
  onClose: () => void;
}) {
  const gate = useGrantGate();
  const [data, setData] = useState<Rows | null>(null);
  const [loading, setLoading] = useState<'first' | 'more' | null>('first');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const request = useRef(0);
  const root = useRef<HTMLDivElement>(null);
  const pickable = filter === 'onlySnapshot';

  const load = useCallback(
    async (afterId: number) => {
      const n = ++request.current;
      setLoading(afterId ? 'more' : 'first');
      setError(null);
      await gate(
        async () => {
          const page: RecordsPage = await call('restore.sandboxRecords', { tenantId, sandboxId, entity, filter, afterId, limit: PAGE });
          if (n !== request.current) return;
          setData((d) => ({
            columns: page.columns,
            rows: afterId && d ? [...d.rows, ...page.rows] : page.rows,
            changed: afterId && d ? { ...d.changed, ...page.changedColumns } : page.changedColumns,
            next: page.nextAfterId,
          }));
        },
        (e) => n === request.current && setError(e),
      );
      if (n === request.current) setLoading(null);
    },
    [gate, tenantId, sandboxId, entity, filter],
  );

  useEffect(() => {
    void load(0);
  }, [load]);

  // Bring the records into view under the comparison table (the page's own scroller only).
  useEffect(() => {
    const el = root.current;
    const scroller = el?.closest<HTMLElement>('.shell__main');
    if (!el || !scroller) return;
    const top = scroller.scrollTop + el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 12;
    scroller.scrollTo({ top, behavior: 'smooth' });
  }, []);

  const ids = (data?.rows ?? []).map(idOf).filter((x): x is number => x !== null);
  const headState = pageState(selection, entity, ids);
  const full = selectionSize(selection) >= MAX_SELECTION;

  return (
    <div ref={root} className="restore-records" data-testid="sandbox-records" data-entity={entity} data-filter={filter}>
      <header className="restore-records__head">
        <h4 className="restore-records__title">
          {label} · {FILTER_TITLE[filter].toLowerCase()}
        </h4>
        <button type="button" className="button button--small" data-testid="sandbox-records-close" onClick={onClose}>
          Close
        </button>
      </header>
      {filter === 'changed' ? <p className="muted restore-records__note">Values as they are in the snapshot; highlighted cells differ in the live database now.</p> : null}
      {filter === 'onlyLive' ? <p className="muted restore-records__note">Records created since the snapshot, as they are live. A restore never removes them.</p> : null}
      {pickable ? <p className="muted restore-records__note">Deleted from the live database since the snapshot. Tick the ones the customer wants back.</p> : null}

      {error ? (
        <ErrorMessage error={error} title="The records could not be read">
          <button type="button" className="button button--small" onClick={() => void load(data?.rows.length ? (data.next ?? 0) : 0)}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}

      {loading === 'first' ? (
        <Spinner label={`Reading ${label.toLowerCase()}…`} />
      ) : data ? (
        data.rows.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <>
            <div className="records__scroll">
              <table className="table records-table restore-records-table" data-testid="sandbox-records-table">
                <thead>
                  <tr>
                    {pickable ? (
                      <th scope="col" className="restore-records-table__pick">
                        <input
                          type="checkbox"
                          aria-label="Tick all shown"
                          data-testid="sandbox-pick-all"
                          checked={headState === 'all'}
                          ref={(el) => {
                            if (el) el.indeterminate = headState === 'some';
                          }}
                          onChange={() => onSelection(setMany(selection, entity, ids, headState !== 'all'))}
                        />
                      </th>
                    ) : null}
                    {data.columns.map((c) => (
                      <th key={c} scope="col" className="mono">
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((row, i) => {
                    const id = idOf(row);
                    const changed = new Set(id !== null ? (data.changed[String(id)] ?? []) : []);
                    const ticked = id !== null && isSelected(selection, entity, id);
                    return (
                      <tr key={id ?? `#${i}`} data-testid="sandbox-record" data-id={id ?? ''} className={ticked ? 'restore-record--ticked' : undefined}>
                        {pickable ? (
                          <td className="restore-records-table__pick">
                            {id !== null ? (
                              <input
                                type="checkbox"
                                aria-label={`Tick record ${id}`}
                                data-testid="sandbox-pick"
                                checked={ticked}
                                disabled={!ticked && full}
                                onChange={() => onSelection(toggle(selection, entity, id))}
                              />
                            ) : null}
                          </td>
                        ) : null}
                        {data.columns.map((c) => {
                          const v = cell(row[c]);
                          const diff = changed.has(c);
                          return (
                            <td key={c} title={diff ? `Differs in the live database${v.full ? `: snapshot value ${v.full}` : ''}` : v.full} className={diff ? 'restore-cell--changed' : undefined} data-changed={diff || undefined}>
                              {v.empty ? <span className="muted">–</span> : <span className="records__cell">{v.shown}</span>}
                            </td>
                          );
                        })}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <RecordsFooter
              shown={data.rows.length}
              noun="record"
              next={data.next}
              pageSize={PAGE}
              loading={loading}
              onMore={(after) => void load(after)}
              moreTestId="sandbox-records-more"
              extra={full ? ` · at most ${formatCount(MAX_SELECTION)} records can be ticked: restore the whole database instead` : ''}
            />
          </>
        )
      ) : null}
    </div>
  );
}
