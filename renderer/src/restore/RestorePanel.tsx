/**
 * The tenant page's Restore panel (issue 6, PRODUCT.md: "a tenant's database can be
 * restored from the fixed backup copy of a specified day"):
 * - everyone who restores finds the snapshot of a day, with the explanation when the
 *   schedule kept none that day; support and technical staff request a whole-database
 *   restore from it;
 * - technical staff open it in a read-only sandbox (under a justification), compare it
 *   with the live database and bring back only the records the customer lost;
 * - every restore is a request that a second staff member approves and technical staff
 *   run as a job, with a safety snapshot to roll back to.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { useToasts } from '../shell/toasts';
import { useSession } from '../staff/session-context';
import { ErrorMessage, DismissibleError, type TitledError } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { plural } from '../ui/format';
import { GrantGate, useGrantGate } from './grant-gate';
import { DayPlanner } from './DayPlanner';
import { LiveRequestDialog } from './RequestDialogs';
import { RestoreRequests } from './RestoreRequests';
import { SandboxCompare } from './SandboxCompare';
import { SandboxList } from './SandboxList';
import { canListSandboxes, canPlan, canRequestLive, canUseSandbox, type Viewer } from './restore-actions';
import { sortRequests, type PlanChoice } from './restore-format';
import type { RestoreRequestView, SandboxView } from './restore-types';
import './restore.css';

type Loadable<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: ErrorInfo };

export function RestorePanel({ tenantId, tenant }: { tenantId: string; tenant: { name: string; status: string } | null }) {
  const session = useSession();
  const roles = session?.staff.roles ?? [];
  if (!canPlan(roles)) return null;
  return (
    <GrantGate tenantId={tenantId} tenantName={tenant?.name ?? null}>
      <RestoreCard tenantId={tenantId} tenant={tenant} viewer={{ roles, email: session?.staff.email ?? null }} />
    </GrantGate>
  );
}

function RestoreCard({ tenantId, tenant, viewer }: { tenantId: string; tenant: { name: string; status: string } | null; viewer: Viewer }) {
  const toasts = useToasts();
  const gate = useGrantGate();
  const sandboxRole = canUseSandbox(viewer.roles);
  const listsSandboxes = canListSandboxes(viewer.roles);
  const name = tenant?.name ?? tenantId;
  const deleted = tenant?.status === 'deleted';

  const [requests, setRequests] = useState<Loadable<RestoreRequestView[]>>({ state: 'loading' });
  const [sandboxes, setSandboxes] = useState<Loadable<SandboxView[]>>({ state: 'loading' });
  const [requestsAttempt, setRequestsAttempt] = useState(0);
  const [sandboxesAttempt, setSandboxesAttempt] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [awaiting, setAwaiting] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const [closingId, setClosingId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<TitledError | null>(null);
  const [live, setLive] = useState<{ choice: PlanChoice; day: string } | null>(null);

  const reloadRequests = useCallback(() => setRequestsAttempt((n) => n + 1), []);
  const reloadSandboxes = useCallback(() => setSandboxesAttempt((n) => n + 1), []);

  useEffect(() => {
    let alive = true;
    call('restore.list', { tenantId, limit: 50 }).then(
      (value) => alive && setRequests({ state: 'ok', value: sortRequests(value) }),
      (e: unknown) => alive && setRequests({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      alive = false;
    };
  }, [tenantId, requestsAttempt]);

  useEffect(() => {
    if (!listsSandboxes) return;
    let alive = true;
    call('restore.sandboxes', { tenantId }).then(
      (value) => alive && setSandboxes({ state: 'ok', value }),
      (e: unknown) => alive && setSandboxes({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      alive = false;
    };
  }, [tenantId, listsSandboxes, sandboxesAttempt]);

  const sandboxList = sandboxes.state === 'ok' ? sandboxes.value : [];
  // The sandbox just opened is shown as soon as it is ready; one that went away is no longer shown.
  useEffect(() => {
    if (awaiting && sandboxList.some((s) => s.id === awaiting && s.status === 'ready')) {
      setSelectedId(awaiting);
      setAwaiting(null);
    }
    if (selectedId && sandboxes.state === 'ok' && !sandboxList.some((s) => s.id === selectedId && s.status === 'ready')) setSelectedId(null);
  }, [sandboxList, sandboxes.state, awaiting, selectedId]);

  async function openSandbox(choice: PlanChoice) {
    setOpening(true);
    setActionError(null);
    await gate(
      async () => {
        const { sandboxId } = await call('restore.openSandbox', { tenantId, snapshotId: choice.snapshotId });
        setAwaiting(sandboxId);
        reloadSandboxes();
      },
      (error) => setActionError({ title: 'The sandbox could not be opened', error }),
    );
    setOpening(false);
  }

  async function closeSandbox(s: SandboxView) {
    setClosingId(s.id);
    setActionError(null);
    try {
      await call('restore.closeSandbox', { tenantId, sandboxId: s.id });
      toasts.show('success', 'Sandbox closed; its copy of the database was deleted.');
      if (selectedId === s.id) setSelectedId(null);
    } catch (e) {
      setActionError({ title: 'The sandbox could not be closed', error: toErrorInfo(e) });
    } finally {
      setClosingId(null);
      reloadSandboxes();
    }
  }

  const selected = sandboxList.find((s) => s.id === selectedId && s.status === 'ready') ?? null;
  const open = requests.state === 'ok' ? requests.value.filter((r) => r.status === 'requested' || r.status === 'approved' || r.status === 'running' || r.status === 'failed').length : 0;

  return (
    <section className="card card--full restore-panel" aria-label="Restore" data-testid="restore-panel">
      <header className="card__header restore-panel__header">
        <div>
          <h2 className="card__title">Restore</h2>
          <p className="card__subtitle">
            The customer's data as of a day, from its snapshot: the whole database, or only the records they lost.
            {open > 0 ? ` · ${plural(open, 'open request')}` : ''}
          </p>
        </div>
        <button
          type="button"
          className="button button--small button--ghost"
          onClick={() => {
            reloadRequests();
            reloadSandboxes();
          }}
        >
          Refresh
        </button>
      </header>

      <DismissibleError value={actionError} onDismiss={() => setActionError(null)} />

      {deleted ? (
        <p className="muted">This tenant was deleted: there is nothing to restore into.</p>
      ) : (
        <DayPlanner
          tenantId={tenantId}
          day={null}
          mayOpenSandbox={sandboxRole}
          mayRequestLive={canRequestLive(viewer.roles)}
          opening={opening}
          onOpenSandbox={(c) => void openSandbox(c)}
          onRequestLive={(choice, day) => setLive({ choice, day })}
        />
      )}

      {listsSandboxes && !deleted ? (
        <section className="restore-section" aria-label="Sandboxes" data-testid="restore-sandboxes">
          <h3 className="section-title">
            Sandboxes <span className="muted section-title__note">· read-only copies of a snapshot, deleted when they expire or are closed</span>
          </h3>
          {sandboxes.state === 'loading' ? <Spinner label="Loading sandboxes…" /> : null}
          {sandboxes.state === 'error' ? (
            <ErrorMessage error={sandboxes.error} title="The sandboxes could not be listed">
              <button type="button" className="button button--small" onClick={reloadSandboxes}>
                Try again
              </button>
            </ErrorMessage>
          ) : null}
          {sandboxes.state === 'ok' ? (
            <SandboxList
              sandboxes={sandboxList}
              selectedId={selected?.id ?? null}
              closingId={closingId}
              mayCompare={sandboxRole}
              onSelect={(s) => setSelectedId(s.id)}
              onClose={(s) => void closeSandbox(s)}
              onJobFinished={reloadSandboxes}
            />
          ) : null}
        </section>
      ) : null}

      {selected && sandboxRole ? (
        <SandboxCompare
          tenantId={tenantId}
          sandbox={selected}
          onRequested={(r) => {
            toasts.show('success', 'Restore requested.', 'A second staff member (technical or admin) approves it; then it can run.');
            setRequests((prev) => (prev.state === 'ok' ? { state: 'ok', value: sortRequests([r, ...prev.value.filter((x) => x.id !== r.id)]) } : prev));
            reloadRequests();
          }}
        />
      ) : null}

      <section className="restore-section" aria-label="Restore requests" data-testid="restore-requests">
        <h3 className="section-title">
          Requests <span className="muted section-title__note">· open ones first · approved by a second staff member, run by technical staff</span>
        </h3>
        {requests.state === 'loading' ? <Spinner label="Loading restore requests…" /> : null}
        {requests.state === 'error' ? (
          <ErrorMessage error={requests.error} title="The restore requests could not be loaded">
            <button type="button" className="button button--small" onClick={reloadRequests}>
              Try again
            </button>
          </ErrorMessage>
        ) : null}
        {requests.state === 'ok' ? <RestoreRequests requests={requests.value} viewer={viewer} tenantName={name} onChanged={reloadRequests} /> : null}
      </section>

      {live ? (
        <LiveRequestDialog
          tenantId={tenantId}
          tenantName={name}
          choice={live.choice}
          day={live.day}
          onClose={() => setLive(null)}
          onRequested={(r) => {
            setLive(null);
            toasts.show('success', 'Restore requested.', 'A second staff member (technical or admin) approves it; technical staff then run it.');
            setRequests((prev) => (prev.state === 'ok' ? { state: 'ok', value: sortRequests([r, ...prev.value.filter((x) => x.id !== r.id)]) } : prev));
          }}
        />
      ) : null}
    </section>
  );
}
