/**
 * A look at one entity's records in a tenant's live database, under the caller's
 * justification grant. Every page is one audited tenants.records call; the server
 * refuses without a live grant (GRANT_REQUIRED), and the tenant page then asks for a
 * justification again. Cells are untrusted tenant data: text only, cut with a title.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatCount, formatDateTime, plural, utcTitle } from '../ui/format';
import { ENTITIES, ENTITY_LABEL, cell, type RecordEntity } from './record-cells';
import { formatRemaining, remainingMs, type GrantView } from './grant-time';
import { RecordsFooter } from './RecordsFooter';

const PAGE = 50;

interface Rows {
  columns: string[];
  rows: Record<string, unknown>[];
  next: number | null;
}

export function RecordsBrowser({
  tenantId,
  entity,
  grant,
  grantsKnown,
  epoch,
  now,
  onEntity,
  onClose,
  onNeedGrant,
  onEndAccess,
}: {
  tenantId: string;
  entity: RecordEntity;
  /** The caller's own live grant, as last listed; null when there is none (or it ran out). */
  grant: GrantView | null;
  /** Whether the grants list has loaded, so "no grant" is a fact, not a wait. */
  grantsKnown: boolean;
  /** Changes when a new grant was opened: load again. */
  epoch: number;
  now: number;
  onEntity: (e: RecordEntity) => void;
  onClose: () => void;
  onNeedGrant: (why: ErrorInfo) => void;
  onEndAccess: (g: GrantView) => void;
}) {
  const [data, setData] = useState<Rows | null>(null);
  const [loading, setLoading] = useState<'first' | 'more' | null>('first');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const request = useRef(0);
  const root = useRef<HTMLElement>(null);
  const needGrant = useRef(onNeedGrant);
  useEffect(() => {
    needGrant.current = onNeedGrant;
  }, [onNeedGrant]);

  const load = useCallback(
    async (afterId: number) => {
      const n = ++request.current;
      setLoading(afterId ? 'more' : 'first');
      setError(null);
      if (!afterId) setData(null);
      try {
        const page = await call('tenants.records', { tenantId, entity, afterId, limit: PAGE });
        if (n !== request.current) return;
        setData((d) => ({ columns: page.columns, rows: afterId && d ? [...d.rows, ...page.rows] : page.rows, next: page.nextAfterId }));
      } catch (e) {
        if (n !== request.current) return;
        const info = toErrorInfo(e);
        setError(info);
        if (info.code === 'GRANT_REQUIRED') {
          // What was shown under a grant that is gone goes too.
          setData(null);
          needGrant.current(info);
        }
      } finally {
        if (n === request.current) setLoading(null);
      }
    },
    [tenantId, entity],
  );

  useEffect(() => {
    void load(0);
  }, [load, epoch]);

  // The card sits below the tenant's counts: bring it into view when it opens. Only the
  // page's own scroller moves (scrollIntoView would also shift the window and the shell).
  useEffect(() => {
    const el = root.current;
    const scroller = el?.closest<HTMLElement>('.shell__main');
    if (!el || !scroller) return;
    const top = scroller.scrollTop + el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 12;
    scroller.scrollTo({ top, behavior: 'smooth' });
  }, []);

  // The grant ran out (or was ended) while the rows were on screen: take them away.
  const ended = grantsKnown && !grant && data !== null;
  useEffect(() => {
    if (ended) {
      request.current++;
      setData(null);
      setLoading(null);
      setError({ code: 'GRANT_REQUIRED', message: 'Your access to these records has ended.', hint: 'Give a new justification to look again.' });
    }
  }, [ended]);

  const left = grant ? remainingMs(grant.expiresAt, now) : 0;

  // The countdown re-renders this card every second: the rows only change with the data.
  const body = useMemo(
    () =>
      data?.rows.map((row, i) => (
        <tr key={String(row.id ?? `#${i}`)} data-testid="records-row">
          {data.columns.map((c) => {
            const v = cell(row[c]);
            return (
              <td key={c} title={v.full}>
                {v.empty ? <span className="muted">–</span> : <span className="records__cell">{v.shown}</span>}
              </td>
            );
          })}
        </tr>
      )),
    [data],
  );

  return (
    <section ref={root} className="card card--full records" aria-label="Tenant records" data-testid="records-browser">
      <header className="records__header">
        <div className="records__title-row">
          <h2 className="card__title">Records</h2>
          <label className="toolbar__filter">
            <span className="visually-hidden">Entity</span>
            <select className="select" data-testid="records-entity" value={entity} onChange={(e) => onEntity(e.target.value as RecordEntity)}>
              {ENTITIES.map((en) => (
                <option key={en} value={en}>
                  {ENTITY_LABEL[en]}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="records__grant">
          {grant ? (
            <>
              <span className={left < 5 * 60_000 ? 'badge badge--state-warn' : 'badge badge--state-info'} data-testid="grant-remaining" title={`Until ${utcTitle(grant.expiresAt) ?? grant.expiresAt}`}>
                Access ends in {formatRemaining(left)}
              </span>
              <span className="muted records__ticket">
                <span className="mono">{grant.ticket}</span>
              </span>
              <button type="button" className="button button--small button--ghost" data-testid="grant-end-own" onClick={() => onEndAccess(grant)}>
                End access now
              </button>
            </>
          ) : null}
          <button type="button" className="button button--small" data-testid="records-close" onClick={onClose}>
            Close
          </button>
        </div>
      </header>

      {error?.code === 'GRANT_REQUIRED' ? (
        // Not a failure: the next step. The server's words, then the way forward.
        <div className="notice records__notice" role="status" data-testid="records-grant-required">
          <p>{error.message}</p>
          {error.hint ? <p className="notice__hint">{error.hint}</p> : null}
          <button type="button" className="button button--small button--primary" data-testid="records-justify" onClick={() => needGrant.current(error)}>
            Give a justification…
          </button>
        </div>
      ) : error ? (
        <ErrorMessage error={error} title={error.code === 'FORBIDDEN' ? 'Not allowed for your roles' : 'The records could not be read'}>
          {error.code !== 'FORBIDDEN' ? (
            <button type="button" className="button button--small" onClick={() => void load(data?.rows.length ? (data.next ?? 0) : 0)}>
              Try again
            </button>
          ) : null}
        </ErrorMessage>
      ) : null}

      {loading === 'first' ? (
        <Spinner label={`Reading ${ENTITY_LABEL[entity].toLowerCase()}…`} />
      ) : data ? (
        data.rows.length === 0 ? (
          <p className="muted">This tenant has no {ENTITY_LABEL[entity].toLowerCase()}.</p>
        ) : (
          <>
            <div className="records__scroll">
              <table className="table records-table" data-testid="records-table" data-entity={entity}>
                <thead>
                  <tr>
                    {data.columns.map((c) => (
                      <th key={c} scope="col" className="mono">
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>{body}</tbody>
              </table>
            </div>
            <RecordsFooter shown={data.rows.length} noun="row" next={data.next} pageSize={PAGE} loading={loading} onMore={(after) => void load(after)} moreTestId="records-more" />
          </>
        )
      ) : null}
      {grant ? <p className="records__audit-note muted">Each page you load is recorded in the audit log under your grant ({grant.ticket}, opened {formatDateTime(grant.createdAt)}).</p> : null}
    </section>
  );
}
