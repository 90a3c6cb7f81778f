/**
 * Justified access on the tenant page (issue 3): who opened this tenant's records, why
 * and until when; and, for technical staff, the way in — a justification first, then
 * a records browser under the resulting grant. The grant itself is enforced by the
 * dispatcher for every tenants.records call; this component only offers the steps.
 *
 * The browser's entity lives in the address (#/tenants/<id>?records=companies), so Back
 * closes it, and a reload asks the server again — which answers with the rows, a request
 * for a justification, or a refusal for a role that may not browse, shown as written.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { buildHash, navigate, parseHash, useHash } from '../shell/router';
import { useToasts } from '../shell/toasts';
import { useSession } from '../staff/session-context';
import { canBrowseRecords, isAdmin } from '../staff/staff-roles';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { utcTitle } from '../ui/format';
import { JustificationDialog } from './JustificationDialog';
import { RecordsBrowser } from './RecordsBrowser';
import { onGrantOpened } from './grant-events';
import { formatRemaining, grantState, ownLiveGrant, remainingMs, type GrantView } from './grant-time';
import { isRecordEntity, type RecordEntity } from './record-cells';
import '../staff/staff.css';
import './access.css';

type Loadable<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: ErrorInfo };

/** The end of a grant: its time alone when it ends the day it was opened (they last minutes). */
function UntilText({ from, iso }: { from: string; iso: string }) {
  const end = new Date(iso);
  if (Number.isNaN(end.getTime())) return <span className="muted">–</span>;
  if (new Date(from).toDateString() !== end.toDateString()) return <DateText iso={iso} withTime />;
  return (
    <time dateTime={iso} title={utcTitle(iso)}>
      {end.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })}
    </time>
  );
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function TenantAccess({ tenantId, tenantName = null }: { tenantId: string; tenantName?: string | null }) {
  const session = useSession();
  const me = session?.staff ?? null;
  const roles = me?.roles ?? [];
  const technical = canBrowseRecords(roles);
  const admin = isAdmin(roles);
  const toasts = useToasts();
  const now = useNow(1000);

  const route = parseHash(useHash());
  const requested = route.params.get('records');
  const entity: RecordEntity | null = isRecordEntity(requested) ? requested : null;

  const [grants, setGrants] = useState<Loadable<GrantView[]>>({ state: 'loading' });
  const [dialog, setDialog] = useState<{ notice: ErrorInfo | null } | null>(null);
  const [epoch, setEpoch] = useState(0);
  const [ending, setEnding] = useState<string | null>(null);

  const loadGrants = useCallback(async () => {
    try {
      setGrants({ state: 'ok', value: await call('grants.list', { tenantId }) });
    } catch (e) {
      setGrants({ state: 'error', error: toErrorInfo(e) });
    }
  }, [tenantId]);

  useEffect(() => {
    void loadGrants();
  }, [loadGrants]);
  // A grant opened elsewhere on the page (e.g. for a restore sandbox) shows here at once.
  useEffect(
    () =>
      onGrantOpened((g) => {
        if (g.tenantId !== tenantId) return;
        setGrants((l) => (l.state === 'ok' ? { state: 'ok', value: [g, ...l.value.filter((x) => x.id !== g.id)] } : l));
      }),
    [tenantId],
  );

  const list = grants.state === 'ok' ? grants.value : [];
  const own = me ? ownLiveGrant(list, me.id, tenantId, now) : null;

  const showRecords = useCallback(
    (e: RecordEntity | null) => {
      const params = new URLSearchParams(parseHash(window.location.hash).params);
      if (e) params.set('records', e);
      else params.delete('records');
      navigate(buildHash(['tenants', tenantId], params));
    },
    [tenantId],
  );

  function browse() {
    if (own) showRecords(entity ?? 'companies');
    else setDialog({ notice: null });
  }

  function granted(g: GrantView) {
    setGrants((l) => (l.state === 'ok' ? { state: 'ok', value: [g, ...l.value.filter((x) => x.id !== g.id)] } : { state: 'ok', value: [g] }));
    setDialog(null);
    setEpoch((n) => n + 1);
    if (!entity) showRecords('companies');
    toasts.show('success', `Access open until ${new Date(g.expiresAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}.`, `Recorded in the audit log under ${g.ticket}.`);
    void loadGrants();
  }

  async function end(g: GrantView) {
    setEnding(g.id);
    try {
      await call('grants.revoke', { tenantId, grantId: g.id });
      toasts.show('success', g.staffId === me?.id ? 'Your access to this tenant’s records has ended.' : `Access of ${g.staffEmail ?? g.staffId} has ended.`);
    } catch (e) {
      const info = toErrorInfo(e);
      toasts.show('error', info.message, info.hint);
    } finally {
      setEnding(null);
      void loadGrants();
    }
  }

  return (
    <>
      <section className="card card--full" aria-label="Access to records" data-testid="grants-card">
        <header className="card__header">
          <div>
            <h2 className="card__title">Access to records</h2>
            <p className="card__subtitle">Justified, time-boxed access to this tenant’s records. Each grant and each view is in the audit log.</p>
          </div>
          <div className="grants-card__actions">
            {admin ? (
              <a className="button button--small button--ghost" href={buildHash(['audit'], new URLSearchParams({ tenant: tenantId }))}>
                Audit log for this tenant
              </a>
            ) : null}
            {technical ? (
              <button type="button" className="button button--primary" data-testid="browse-records" onClick={browse}>
                {own ? `Browse records (${formatRemaining(remainingMs(own.expiresAt, now))} left)` : 'Browse records…'}
              </button>
            ) : null}
          </div>
        </header>
        <div className="card__body">
          {!technical ? <p className="muted grants-card__note">Browsing a tenant’s records is limited to technical staff, each time with a justification.</p> : null}
          {grants.state === 'loading' ? (
            <Spinner label="Loading grants…" />
          ) : grants.state === 'error' ? (
            <ErrorMessage error={grants.error}>
              <button type="button" className="button button--small" onClick={() => void loadGrants()}>
                Try again
              </button>
            </ErrorMessage>
          ) : list.length === 0 ? (
            <p className="muted" data-testid="grants-empty">
              Nobody has opened this tenant’s records.
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table grants-table">
                <thead>
                  <tr>
                    <th scope="col">Staff member</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Ticket</th>
                    <th scope="col">Opened</th>
                    <th scope="col">Until</th>
                    <th scope="col">State</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((g) => {
                    const state = grantState(g, now);
                    const mine = g.staffId === me?.id;
                    return (
                      <tr key={g.id} data-testid="grant-row" data-state={state} data-mine={mine}>
                        <td>
                          <span className="staff-name">
                            {g.staffEmail ?? g.staffId}
                            {mine ? <span className="you-chip">you</span> : null}
                          </span>
                        </td>
                        <td className="grants-table__reason">
                          <span className="truncate" title={g.reason}>
                            {g.reason}
                          </span>
                        </td>
                        <td className="mono">{g.ticket}</td>
                        <td className="nowrap">
                          <DateText iso={g.createdAt} withTime />
                        </td>
                        <td className="nowrap">
                          {state === 'revoked' ? 'ended ' : null}
                          <UntilText from={g.createdAt} iso={state === 'revoked' ? (g.revokedAt ?? g.expiresAt) : g.expiresAt} />
                        </td>
                        <td>
                          {state === 'live' ? (
                            <span className="badge badge--state-ok">Live · {formatRemaining(remainingMs(g.expiresAt, now))} left</span>
                          ) : state === 'revoked' ? (
                            <span className="badge badge--state-off">Revoked</span>
                          ) : (
                            <span className="badge badge--state-off">Expired</span>
                          )}
                        </td>
                        <td>
                          {state === 'live' && (mine || admin) ? (
                            <button type="button" className="button button--small button--ghost button--ghost-danger" data-testid="grant-revoke" disabled={ending === g.id} onClick={() => void end(g)}>
                              {ending === g.id ? 'Ending…' : 'End now'}
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </section>

      {entity ? (
        <RecordsBrowser
          tenantId={tenantId}
          entity={entity}
          grant={own}
          grantsKnown={grants.state === 'ok'}
          epoch={epoch}
          now={now}
          onEntity={(e) => showRecords(e)}
          onClose={() => showRecords(null)}
          onNeedGrant={(why) => setDialog({ notice: why })}
          onEndAccess={(g) => void end(g)}
        />
      ) : null}

      {dialog ? <JustificationDialog tenantId={tenantId} tenantName={tenantName} notice={dialog.notice} onClose={() => setDialog(null)} onGranted={granted} /> : null}
    </>
  );
}
