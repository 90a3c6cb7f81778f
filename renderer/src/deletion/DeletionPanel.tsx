/**
 * The tenant page's Deletion panel: the tenant's open deletion request (status, due
 * date, countdown, a link to it), or "No deletion request" with "File a deletion
 * request" for account managers; for a deleted tenant, its tombstone (issue 7: "so the
 * tenant can never be silently re-created") with the way to its certificate.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { buildHash, navigate } from '../shell/router';
import { useToasts } from '../shell/toasts';
import { useSession } from '../staff/session-context';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { canFile, canUseDeletions } from './deletion-actions';
import { formatDay, isOpen } from './deletion-format';
import type { DeletionRequestView, DeletionTombstoneView } from './deletion-types';
import { CountdownText, DeletionStatusBadge, DueText, remainingOf, useNow } from './DeletionBits';
import { FileRequestDialog } from './FileRequestDialog';
import './deletion.css';

type TenantInfo = Pick<OpOutput<'tenants.get'>, 'id' | 'slug' | 'name' | 'status'>;

type Load =
  | { state: 'loading' }
  | { state: 'ok'; open: DeletionRequestView | null; last: DeletionRequestView | null; tombstone: DeletionTombstoneView | null; readAt: number }
  | { state: 'error'; error: ErrorInfo };

export function DeletionPanel({ tenantId, tenant }: { tenantId: string; tenant: TenantInfo | null }) {
  const session = useSession();
  const roles = session?.staff.roles ?? [];
  const mayList = canUseDeletions(roles);
  const toasts = useToasts();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [filing, setFiling] = useState(false);
  const deleted = tenant?.status === 'deleted';

  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    const requests = mayList ? call('deletion.list', { tenantId, sort: 'filedAt', limit: 20 }) : Promise.resolve({ total: 0, rows: [] as DeletionRequestView[] });
    // The tombstone is readable by every directory role; it is asked for only when it can exist.
    const tombstone = deleted ? call('deletion.tombstone', { tenantId }) : Promise.resolve(null);
    Promise.all([requests, tombstone]).then(
      ([list, stone]) => {
        if (!live) return;
        const open = list.rows.find((r) => isOpen(r.status)) ?? null;
        setLoad({ state: 'ok', open, last: open ? null : (list.rows[0] ?? null), tombstone: stone, readAt: Date.now() });
      },
      (e: unknown) => live && setLoad({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [tenantId, mayList, deleted, attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const open = load.state === 'ok' ? load.open : null;
  const now = useNow(30_000, open?.status === 'scheduled');

  return (
    <section className="card deletion-panel" aria-label="Deletion" data-testid="deletion-panel" data-state={load.state === 'ok' ? (load.tombstone ? 'deleted' : open ? 'open' : 'none') : load.state}>
      <header className="card__header">
        <h2 className="card__title">Deletion</h2>
        {open ? <DeletionStatusBadge status={open.viewStatus} /> : null}
      </header>
      <div className="card__body deletion-panel__body">
        {load.state === 'loading' ? <Spinner label="Looking for deletion requests…" /> : null}
        {load.state === 'error' ? (
          <ErrorMessage error={load.error} title="Deletion requests could not be loaded">
            <button type="button" className="button button--small" onClick={retry}>
              Try again
            </button>
          </ErrorMessage>
        ) : null}
        {load.state === 'ok' && load.tombstone ? <Tombstone t={load.tombstone} /> : null}
        {load.state === 'ok' && !load.tombstone && open ? <OpenRequest r={open} remainingMs={remainingOf(open, load.readAt, now)} /> : null}
        {load.state === 'ok' && !load.tombstone && !open ? (
          <>
            <p className="deletion-panel__none" data-testid="deletion-panel-none">
              No deletion request
            </p>
            {load.last ? (
              <p className="muted">
                Last: <a href={buildHash(['deletions', load.last.id])}>{load.last.requestReference}</a>, {load.last.viewStatus === 'cancelled' ? 'cancelled' : load.last.viewStatus}{' '}
                <DateText iso={load.last.cancellation?.at ?? load.last.updatedAt} />.
              </p>
            ) : !mayList ? (
              <p className="muted">Account managers file a deletion request when the customer asks for its data to be deleted.</p>
            ) : (
              <p className="muted">When the customer asks for the permanent deletion of its data, file the request here.</p>
            )}
            {canFile(roles) && !deleted ? (
              <div>
                <button type="button" className="button button--small button--primary" data-testid="deletion-panel-file" disabled={!tenant} onClick={() => setFiling(true)}>
                  File a deletion request
                </button>
              </div>
            ) : null}
          </>
        ) : null}
      </div>
      {filing && tenant ? (
        <FileRequestDialog
          initialTenant={tenant}
          onClose={() => setFiling(false)}
          onFiled={(r) => {
            setFiling(false);
            toasts.show('success', `Deletion request ${r.requestReference} filed.`, 'An admin who did not file it must approve it.');
            navigate(buildHash(['deletions', r.id]));
          }}
        />
      ) : null}
    </section>
  );
}

function OpenRequest({ r, remainingMs }: { r: DeletionRequestView; remainingMs: number | null }) {
  return (
    <div className="deletion-panel__open" data-testid="deletion-panel-request" data-request-id={r.id} data-status={r.viewStatus}>
      <dl className="facts facts--compact deletion-panel__facts">
        <div className="facts__item">
          <dt>Customer's reference</dt>
          <dd>{r.requestReference}</dd>
        </div>
        <div className="facts__item">
          <dt>Received</dt>
          <dd>{formatDay(r.receivedOn)}</dd>
        </div>
        <div className="facts__item">
          <dt>Due</dt>
          <dd>
            <DueText r={r} />
          </dd>
        </div>
        {remainingMs !== null ? (
          <div className="facts__item">
            <dt>Grace period</dt>
            <dd>
              <CountdownText remainingMs={remainingMs} />
            </dd>
          </div>
        ) : null}
        {r.legalHold ? (
          <div className="facts__item">
            <dt>Legal hold</dt>
            <dd className="deletion-bad">{r.legalHold}</dd>
          </div>
        ) : null}
      </dl>
      <a className="button button--small deletion-panel__link" href={buildHash(['deletions', r.id])} data-testid="deletion-panel-open">
        Open the request →
      </a>
    </div>
  );
}

function Tombstone({ t }: { t: DeletionTombstoneView }) {
  return (
    <div className="deletion-tombstone" data-testid="deletion-tombstone">
      <p className="deletion-tombstone__title">Deleted</p>
      <p>
        All of this tenant's data was deleted <DateText iso={t.deletedAt} withTime />. A tombstone keeps its ID, so it can never be restored or re-created.
      </p>
      <dl className="facts facts--compact">
        <div className="facts__item">
          <dt>Deletion request</dt>
          <dd>
            <a href={buildHash(['deletions', t.requestId])} className="mono">
              {t.requestId}
            </a>
          </dd>
        </div>
        <div className="facts__item">
          <dt>Certificate of deletion</dt>
          <dd>
            <a href={buildHash(['deletions', t.requestId], new URLSearchParams({ focus: 'certificate' }))} className="mono" data-testid="deletion-tombstone-certificate">
              {t.certificateId}
            </a>
          </dd>
        </div>
      </dl>
    </div>
  );
}
