/**
 * The deletion request queue (issue 7 "Screens": filter by status and due date,
 * overdue highlighted). The server filters and sorts (deletion.list); the filter
 * lives in the address so "back" from a request returns to the same view.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { useToasts } from '../shell/toasts';
import { buildHash, navigate, parseHash, replaceHash } from '../shell/router';
import { useSession } from '../staff/session-context';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatCount, plural } from '../ui/format';
import { canFile } from './deletion-actions';
import { formatDay, STATUS_LABEL, VIEW_STATUSES } from './deletion-format';
import type { DeletionRequestView, DeletionViewStatus } from './deletion-types';
import { CountdownText, DeletionStatusBadge, DueText, remainingOf, useNow } from './DeletionBits';
import { FileRequestDialog } from './FileRequestDialog';
import { rememberQueueHash } from './queue-memory';
import { listInput, parseQueueQuery, queueParams, type QueueQuery, type QueueSort } from './queue-query';
import './deletion.css';

const PAGE = 100;

type Load =
  | { state: 'loading' }
  | { state: 'ok'; rows: DeletionRequestView[]; total: number; readAt: number; reloading: boolean; more: boolean }
  | { state: 'error'; error: ErrorInfo };

export function DeletionQueuePage() {
  const session = useSession();
  const roles = session?.staff.roles ?? [];
  const toasts = useToasts();
  const [q, setQ] = useState<QueueQuery>(() => parseQueueQuery(parseHash(window.location.hash).params));
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [filing, setFiling] = useState(false);
  const [moreError, setMoreError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    document.title = 'Deletion requests · Custos';
    return () => {
      document.title = 'Custos';
    };
  }, []);

  useEffect(() => {
    const hash = buildHash(['deletions'], queueParams(q));
    replaceHash(hash);
    rememberQueueHash(hash);
  }, [q]);

  useEffect(() => {
    let live = true;
    setLoad((prev) => (prev.state === 'ok' ? { ...prev, reloading: true } : { state: 'loading' }));
    setMoreError(null);
    call('deletion.list', listInput(q, 0, PAGE)).then(
      (r) => live && setLoad({ state: 'ok', rows: r.rows, total: r.total, readAt: Date.now(), reloading: false, more: false }),
      (e: unknown) => live && setLoad({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [q, attempt]);

  const reload = useCallback(() => setAttempt((a) => a + 1), []);

  async function showMore() {
    if (load.state !== 'ok') return;
    setLoad({ ...load, more: true });
    setMoreError(null);
    try {
      const r = await call('deletion.list', listInput(q, load.rows.length, PAGE));
      setLoad((prev) => (prev.state === 'ok' ? { ...prev, rows: [...prev.rows, ...r.rows], total: r.total, more: false } : prev));
    } catch (e) {
      setMoreError(toErrorInfo(e));
      setLoad((prev) => (prev.state === 'ok' ? { ...prev, more: false } : prev));
    }
  }

  const hasScheduled = load.state === 'ok' && load.rows.some((r) => r.status === 'scheduled');
  const now = useNow(30_000, hasScheduled);
  const filtered = q.status !== null || q.overdue;

  return (
    <section className="deletion-queue" data-testid="deletion-queue" aria-labelledby="deletion-queue-title" aria-busy={load.state === 'loading'}>
      <header className="page-header">
        <div>
          <h1 className="page-title" id="deletion-queue-title">
            Deletion requests
          </h1>
          <p className="page-subtitle">
            {load.state === 'ok' ? `${plural(load.total, 'request')}${filtered ? (load.total === 1 ? ' matches' : ' match') : ''} · ` : ''}A leaving customer's data is deleted within 30 days of its request, ending with a certificate of deletion.
          </p>
        </div>
        {canFile(roles) ? (
          <button type="button" className="button button--primary" data-testid="deletion-file" onClick={() => setFiling(true)}>
            File a request
          </button>
        ) : null}
      </header>

      <div className="toolbar deletion-toolbar" role="group" aria-label="Filter and sort">
        <label className="toolbar__filter">
          <span className="toolbar__label">Status</span>
          <select className="select" data-testid="deletion-filter-status" value={q.status ?? ''} onChange={(e) => setQ((p) => ({ ...p, status: (e.target.value || null) as DeletionViewStatus | null }))}>
            <option value="">All</option>
            {VIEW_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar__filter deletion-toolbar__check">
          <input type="checkbox" data-testid="deletion-filter-overdue" checked={q.overdue} onChange={(e) => setQ((p) => ({ ...p, overdue: e.target.checked }))} />
          <span>Overdue only</span>
        </label>
        <label className="toolbar__filter">
          <span className="toolbar__label">Sort by</span>
          <select className="select" data-testid="deletion-sort" value={q.sort} onChange={(e) => setQ((p) => ({ ...p, sort: e.target.value as QueueSort }))}>
            <option value="dueOn">Due date (soonest first)</option>
            <option value="filedAt">Filed (newest first)</option>
          </select>
        </label>
        <span className="shell__top-spacer" />
        {load.state === 'ok' && load.reloading ? <Spinner label="Refreshing…" /> : null}
        <button type="button" className="button button--small button--ghost" onClick={reload} disabled={load.state === 'loading'}>
          Refresh
        </button>
      </div>

      {load.state === 'loading' ? <Spinner label="Loading the deletion requests…" /> : null}
      {load.state === 'error' ? (
        <ErrorMessage error={load.error} title="The deletion requests could not be loaded">
          <button type="button" className="button button--small" onClick={reload}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}

      {load.state === 'ok' ? (
        load.rows.length === 0 ? (
          <div className="empty-state">
            <p className="empty-state__title">{filtered ? 'No deletion request matches' : 'No deletion requests yet'}</p>
            <p className="empty-state__text">
              {filtered ? (
                <button type="button" className="link-button" onClick={() => setQ((p) => ({ ...p, status: null, overdue: false }))}>
                  Show all requests
                </button>
              ) : canFile(roles) ? (
                'When a customer asks for the deletion of its data, file the request here.'
              ) : (
                'Account managers file a request when a customer asks for the deletion of its data.'
              )}
            </p>
          </div>
        ) : (
          <div className="table-wrap deletion-table-wrap">
            <table className="table deletion-table" aria-label="Deletion requests">
              <thead>
                <tr>
                  <th scope="col">Tenant</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Received</th>
                  <th scope="col">Status</th>
                  <th scope="col" aria-sort={q.sort === 'dueOn' ? 'ascending' : 'none'}>
                    Due
                  </th>
                  <th scope="col" aria-sort={q.sort === 'filedAt' ? 'descending' : 'none'}>
                    Filed
                  </th>
                  <th scope="col">Grace period</th>
                </tr>
              </thead>
              <tbody>
                {load.rows.map((r) => (
                  <QueueRow key={r.id} r={r} remainingMs={remainingOf(r, load.readAt, now)} />
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}

      {load.state === 'ok' && load.rows.length < load.total ? (
        <div className="deletion-more">
          <span className="muted">
            Showing {formatCount(load.rows.length)} of {formatCount(load.total)}
          </span>
          <button type="button" className="button button--small" onClick={() => void showMore()} disabled={load.more}>
            {load.more ? 'Loading…' : 'Show more'}
          </button>
        </div>
      ) : null}
      {moreError ? <ErrorMessage error={moreError} title="More requests could not be loaded" /> : null}

      {filing ? (
        <FileRequestDialog
          onClose={() => setFiling(false)}
          onFiled={(r) => {
            setFiling(false);
            toasts.show('success', `Deletion request ${r.requestReference} filed for ${r.tenantSlug ?? r.tenantId}.`, 'An admin who did not file it must approve it.');
            navigate(buildHash(['deletions', r.id]));
          }}
        />
      ) : null}
    </section>
  );
}

function QueueRow({ r, remainingMs }: { r: DeletionRequestView; remainingMs: number | null }) {
  const href = buildHash(['deletions', r.id]);
  const tone = r.status === 'cancelled' ? 'closed' : r.due.overdue ? 'overdue' : r.due.late ? 'late' : 'ok';
  return (
    <tr
      className={`deletion-row deletion-row--${tone}`}
      data-testid="deletion-row"
      data-request-id={r.id}
      data-status={r.viewStatus}
      data-overdue={r.due.overdue ? 'true' : 'false'}
      onClick={(e) => {
        if ((e.target as Element).closest('a, button')) return;
        navigate(href);
      }}
    >
      <td>
        <span className="cell-stack">
          {r.tenantSlug ? (
            <a className="mono deletion-row__tenant" href={buildHash(['tenants', r.tenantId])} title="Open the tenant">
              {r.tenantSlug}
            </a>
          ) : (
            <span className="muted">deleted tenant</span>
          )}
          <span className="cell-stack__sub mono">{r.tenantId}</span>
        </span>
      </td>
      <td>
        <a href={href} className="deletion-row__ref" data-testid="deletion-row-link">
          {r.requestReference}
        </a>
      </td>
      <td className="deletion-nowrap">{formatDay(r.receivedOn)}</td>
      <td>
        <DeletionStatusBadge status={r.viewStatus} />
      </td>
      <td className="deletion-nowrap">
        <DueText r={r} />
      </td>
      <td>
        <span className="cell-stack">
          <span>{r.filedBy}</span>
          <span className="cell-stack__sub">
            <DateText iso={r.filedAt} withTime />
          </span>
        </span>
      </td>
      <td className="deletion-nowrap">
        {remainingMs !== null ? <CountdownText remainingMs={remainingMs} /> : <span className="muted">–</span>}
      </td>
    </tr>
  );
}
