/**
 * One deletion request (issue 7 "Screens"): its status and legal hold, the facts the
 * customer gave, the due date warning, the grace-period countdown, the actions this
 * viewer may take, the timeline of transitions, the live execution with its journal,
 * and the certificate. The server decides every action; its refusal is shown as it comes.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { call, onEvent, toErrorInfo, type ErrorInfo } from '../api/client';
import type { JobView } from '../jobs';
import { buildHash, parseHash } from '../shell/router';
import { useToasts } from '../shell/toasts';
import { useSession } from '../staff/session-context';
import { CopyButton } from '../ui/CopyButton';
import { DateText } from '../ui/DateText';
import { ErrorMessage, DismissibleError, type TitledError } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { factsOf, offeredActions, type ActionOffer, type OfferedAction } from './deletion-actions';
import { approvalText, dueWarning, formatCountdown, formatDay } from './deletion-format';
import type { DeletionRequestView, DeletionTransitionView } from './deletion-types';
import { CertificateCard } from './CertificateCard';
import { DeletionStatusBadge, DueText, remainingOf, useNow } from './DeletionBits';
import { DeletionTimeline } from './DeletionTimeline';
import type { TenantDetail } from './DeletionScope';
import { ExecutionCard } from './ExecutionCard';
import { lastQueueHash } from './queue-memory';
import { ApproveDialog, CancelDialog, ExecuteDialog, FinalExportDialog, HoldDialog, ReleaseDialog, tenantWords } from './RequestDialogs';
import './deletion.css';

/** Same rule as the contract's request ID: anything else never reaches the server. */
const REQUEST_ID = /^[A-Za-z0-9_-]{1,80}$/;

type Load = { state: 'loading' } | { state: 'ok'; request: DeletionRequestView; timeline: DeletionTransitionView[]; readAt: number } | { state: 'error'; error: ErrorInfo };
type Dialog = Exclude<OfferedAction, 'schedule'> | null;
interface LiveJob {
  jobId: string;
  phase: string | null;
  running: boolean;
}

const BUTTON_TESTID: Record<OfferedAction, string> = {
  approve: 'deletion-approve',
  recordFinalExport: 'deletion-record-export',
  schedule: 'deletion-schedule',
  execute: 'deletion-execute',
  cancel: 'deletion-cancel',
  hold: 'deletion-hold',
  release: 'deletion-release',
};

const DONE_TOAST: Record<Exclude<OfferedAction, 'execute'>, string> = {
  approve: 'Approved.',
  recordFinalExport: 'Final export recorded.',
  schedule: 'Scheduled: the grace period has started.',
  cancel: 'The request was cancelled.',
  hold: 'The tenant is on legal hold.',
  release: 'The legal hold was lifted.',
};

export function DeletionRequestPage({ requestId }: { requestId: string }) {
  const valid = REQUEST_ID.test(requestId);
  const session = useSession();
  const roles = session?.staff.roles ?? [];
  const toasts = useToasts();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [tenant, setTenant] = useState<TenantDetail | null>(null);
  const [job, setJob] = useState<LiveJob | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [actionError, setActionError] = useState<TitledError | null>(null);
  const [scheduling, setScheduling] = useState(false);
  const [focus] = useState(() => parseHash(window.location.hash).params.get('focus'));
  // After completion the catalogue is anonymised; the certificate keeps the tenant's name.
  const [certifiedName, setCertifiedName] = useState<string | null>(null);

  const liveRef = useRef(true);
  useEffect(() => {
    liveRef.current = true;
    return () => {
      liveRef.current = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    if (!valid) return;
    try {
      const r = await call('deletion.get', { requestId });
      if (liveRef.current) setLoad({ state: 'ok', request: r.request, timeline: r.timeline, readAt: Date.now() });
    } catch (e) {
      // A failed refresh keeps what is shown; only a first load turns into an error.
      if (liveRef.current) setLoad((prev) => (prev.state === 'ok' ? prev : { state: 'error', error: toErrorInfo(e) }));
    }
  }, [requestId, valid]);

  useEffect(() => {
    setLoad({ state: 'loading' });
    void refresh();
  }, [refresh]);

  const request = load.state === 'ok' ? load.request : null;
  const tenantId = request?.tenantId ?? null;
  const status = request?.status ?? null;

  useEffect(() => {
    const title = request ? `Deletion ${request.requestReference}` : 'Deletion request';
    document.title = `${title} · Custos`;
    return () => {
      document.title = 'Custos';
    };
  }, [request]);

  // The tenant's name and storage, for the header and for "what will be deleted".
  useEffect(() => {
    if (!tenantId) return;
    let live = true;
    call('tenants.get', { tenantId }).then(
      (t) => live && setTenant(t),
      () => live && setTenant(null),
    );
    return () => {
      live = false;
    };
  }, [tenantId, status === 'completed']);

  // A deletion already running (started here before, by a colleague, or by the CLI) is followed too.
  useEffect(() => {
    if (!tenantId || status !== 'executing') return;
    let live = true;
    call('jobs.list', { tenantId, kind: 'deletion', limit: 5 })
      .then((jobs) => {
        const running = jobs.find((j) => j.state === 'running');
        if (live && running) setJob((prev) => prev ?? { jobId: running.id, phase: running.phase, running: true });
      })
      .catch(() => {
        /* the event stream still brings it */
      });
    return () => {
      live = false;
    };
  }, [tenantId, status]);

  // Each step the job reports is a journal entry written: read the request again for its time.
  const jobRef = useRef(job);
  useEffect(() => {
    jobRef.current = job;
  }, [job]);
  useEffect(() => {
    if (!tenantId) return;
    return onEvent((e) => {
      if (e.type !== 'job' || e.kind !== 'deletion' || e.tenantId !== tenantId) return;
      const current = jobRef.current;
      if (current && current.jobId !== e.jobId && current.running) return;
      if (e.state !== 'running') {
        if (current?.jobId === e.jobId) setJob({ ...current, phase: e.phase, running: false });
        return;
      }
      const changed = !current || current.jobId !== e.jobId || current.phase !== e.phase;
      setJob({ jobId: e.jobId, phase: e.phase, running: true });
      if (changed) void refresh();
    });
  }, [tenantId, refresh]);

  const scheduled = request?.status === 'scheduled';
  const now = useNow(1000, scheduled);
  const remaining = request && load.state === 'ok' ? remainingOf(request, load.readAt, now) : null;

  // JobProgress reports the end once per mount; a job is announced once.
  const announced = useRef(new Set<string>());
  const jobFinished = useCallback(
    (v: JobView) => {
      setJob((prev) => (prev && prev.jobId === v.id ? { ...prev, running: false } : prev));
      if (announced.current.has(v.id)) return;
      announced.current.add(v.id);
      if (v.state === 'succeeded') toasts.show('success', 'The deletion completed and was verified.', 'The certificate of deletion is ready to download.');
      void refresh();
    },
    [refresh, toasts],
  );

  async function schedule(r: DeletionRequestView) {
    setScheduling(true);
    setActionError(null);
    try {
      await call('deletion.schedule', { requestId: r.id });
      toasts.show('success', DONE_TOAST.schedule);
      await refresh();
    } catch (e) {
      setActionError({ title: 'The request was not scheduled', error: toErrorInfo(e) });
    } finally {
      setScheduling(false);
    }
  }

  function done(action: Exclude<OfferedAction, 'execute' | 'schedule'>) {
    return (next: DeletionRequestView | null) => {
      setDialog(null);
      // Approving (or recording the export) schedules at once when nothing else is missing.
      const scheduledNow = (action === 'approve' || action === 'recordFinalExport') && next?.status === 'scheduled';
      toasts.show('success', scheduledNow ? `${DONE_TOAST[action].replace(/\.$/, '')} and scheduled: the grace period has started.` : DONE_TOAST[action]);
      void refresh();
    };
  }

  const backLink = (
    <a className="back-link" href={lastQueueHash()}>
      ← Deletion requests
    </a>
  );

  if (!valid) {
    return (
      <section className="deletion-page" data-testid="deletion-page">
        {backLink}
        <ErrorMessage error={{ code: 'INVALID_INPUT', message: 'That address does not name a deletion request.', hint: 'Open the request from the deletion queue.' }} />
      </section>
    );
  }
  if (load.state === 'loading') {
    return (
      <section className="deletion-page" data-testid="deletion-page" aria-busy="true">
        {backLink}
        <Spinner label="Loading the deletion request…" />
      </section>
    );
  }
  if (load.state === 'error') {
    return (
      <section className="deletion-page" data-testid="deletion-page">
        {backLink}
        <ErrorMessage error={load.error} title="This deletion request could not be loaded">
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              setLoad({ state: 'loading' });
              void refresh();
            }}
          >
            Try again
          </button>
        </ErrorMessage>
      </section>
    );
  }

  const r = load.request;
  const offers = offeredActions(roles, factsOf(r, remaining, !!job?.running));
  const warning = dueWarning(r);
  const who = r.status === 'completed' && certifiedName ? certifiedName : tenantWords(r, tenant);
  const showExecution = r.status === 'executing' || r.status === 'completed' || job !== null;

  return (
    <section className="deletion-page" data-testid="deletion-page" data-request-id={r.id} data-status={r.viewStatus}>
      {backLink}
      <header className="deletion-header">
        <div className="deletion-header__title-row">
          <h1 className="page-title deletion-header__title">Deletion of {who}</h1>
          <DeletionStatusBadge status={r.viewStatus} testId="deletion-status" />
        </div>
        <p className="deletion-header__ids">
          <span>
            Customer's reference <strong>{r.requestReference}</strong>
          </span>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span>
            Tenant{' '}
            <a className="mono" href={buildHash(['tenants', r.tenantId])} data-testid="deletion-tenant-link">
              {r.tenantSlug ?? r.tenantId}
            </a>
          </span>
          <span className="sep" aria-hidden="true">
            ·
          </span>
          <span>
            Request <span className="mono">{r.id}</span>
          </span>
          <CopyButton text={r.id} what="request ID" label="Copy ID" />
        </p>

        {r.legalHold !== null ? (
          <div className="deletion-banner deletion-banner--hold" role="status" data-testid="deletion-hold-banner">
            <p className="deletion-banner__title">Legal hold on this tenant</p>
            <p className="deletion-banner__text">{r.legalHold}</p>
            <p className="deletion-banner__hint">{r.status === 'completed' || r.status === 'cancelled' ? 'The hold is on the tenant; this request is closed.' : 'Approval, scheduling and execution are blocked until an admin lifts the hold.'}</p>
          </div>
        ) : null}

        {warning ? (
          <div className={`deletion-banner ${r.due.overdue ? 'deletion-banner--overdue' : 'deletion-banner--late'}`} role="status" data-testid="deletion-due-warning" data-overdue={r.due.overdue ? 'true' : 'false'}>
            <p className="deletion-banner__title">{r.due.overdue ? 'Past the legal due date' : 'Later than the legal deadline'}</p>
            <p className="deletion-banner__text">{warning}</p>
          </div>
        ) : null}

        <StatusLine r={r} remaining={remaining} />

        {offers.length > 0 ? (
          <div className="deletion-actions" role="group" aria-label="Actions">
            {offers.map((o) => (
              <ActionButton key={o.action} offer={o} busy={o.action === 'schedule' && scheduling} onClick={() => (o.action === 'schedule' ? void schedule(r) : setDialog(o.action))} />
            ))}
          </div>
        ) : null}
        {offers.some((o) => o.note) ? (
          <ul className="deletion-action-notes">
            {offers
              .filter((o) => o.note)
              .map((o) => (
                <li key={o.action}>
                  <strong>{o.label.replace(/…$/, '')}:</strong> {o.note}
                </li>
              ))}
          </ul>
        ) : null}
        <DismissibleError value={actionError} onDismiss={() => setActionError(null)} />
      </header>

      <div className="cards deletion-cards">
        {/* What matters now comes first: the certificate once completed, the running deletion while executing. */}
        <RequestFacts r={r} />
        <DeletionTimeline items={load.timeline} />
        {showExecution ? <ExecutionCard first={r.status !== 'completed'} request={r} job={job} onJobFinished={jobFinished} onDismissJob={() => setJob(null)} /> : null}
        {r.status === 'completed' && r.certificateId ? <CertificateCard certificateId={r.certificateId} focus={focus === 'certificate'} onFacts={(f) => setCertifiedName(f.tenant.name)} /> : null}
      </div>

      {dialog === 'approve' ? (
        <ApproveDialog
          request={r}
          tenant={tenant}
          onClose={() => setDialog(null)}
          onDone={done('approve')}
          onReload={() => {
            setDialog(null);
            void refresh();
          }}
        />
      ) : null}
      {dialog === 'cancel' ? <CancelDialog request={r} tenant={tenant} onClose={() => setDialog(null)} onDone={done('cancel')} /> : null}
      {dialog === 'hold' ? <HoldDialog request={r} tenant={tenant} onClose={() => setDialog(null)} onDone={done('hold')} /> : null}
      {dialog === 'release' ? <ReleaseDialog request={r} tenant={tenant} onClose={() => setDialog(null)} onDone={done('release')} /> : null}
      {dialog === 'recordFinalExport' ? <FinalExportDialog request={r} tenant={tenant} onClose={() => setDialog(null)} onDone={done('recordFinalExport')} /> : null}
      {dialog === 'execute' ? (
        <ExecuteDialog
          request={r}
          tenant={tenant}
          onClose={() => setDialog(null)}
          onStarted={(jobId) => {
            setDialog(null);
            setJob({ jobId, phase: null, running: true });
            void refresh();
          }}
        />
      ) : null}
    </section>
  );
}

function ActionButton({ offer, busy, onClick }: { offer: ActionOffer; busy: boolean; onClick: () => void }) {
  const primary = offer.action === 'approve' || offer.action === 'schedule' || offer.action === 'recordFinalExport';
  const danger = offer.action === 'execute';
  const cls = danger ? 'button button--danger' : primary ? 'button button--primary' : 'button';
  return (
    <button type="button" className={cls} data-testid={BUTTON_TESTID[offer.action]} disabled={!offer.enabled || busy} title={offer.note ?? undefined} onClick={onClick}>
      {busy ? 'Working…' : offer.label}
    </button>
  );
}

/** Where the request stands, in one sentence: the countdown while scheduled. */
function StatusLine({ r, remaining }: { r: DeletionRequestView; remaining: number | null }) {
  switch (r.status) {
    case 'filed':
      return <p className="deletion-status-line">{r.legalHold ? 'Filed. Approval waits until the legal hold is lifted.' : 'Waiting for an admin who did not file it to approve it.'}</p>;
    case 'approved':
      return (
        <p className="deletion-status-line">
          {r.approval?.state === 'valid'
            ? r.wantsFinalExport && !r.finalExport
              ? 'Approved. The customer asked for a final export first: record it, and the deletion is scheduled.'
              : 'Approved, not scheduled yet.'
            : 'The approval no longer applies: an admin must approve again.'}
        </p>
      );
    case 'scheduled':
      return (
        <div className={`deletion-countdown-panel${remaining === 0 ? ' deletion-countdown-panel--ready' : ''}`} data-testid="deletion-countdown" data-remaining-ms={remaining ?? undefined}>
          {remaining !== null && remaining > 0 ? (
            <>
              <span className="deletion-countdown-panel__big">{formatCountdown(remaining)}</span>
              <span>
                until the deletion may start (<DateText iso={r.scheduledFor} withTime />
                ). Until then anyone with the role can cancel it.
              </span>
            </>
          ) : (
            <>
              <span className="deletion-countdown-panel__big">Ready</span>
              <span>
                The grace period ended <DateText iso={r.scheduledFor} withTime />: the deletion can be executed.
              </span>
            </>
          )}
        </div>
      );
    case 'executing':
      return <p className="deletion-status-line">Deleting. Until every location is verified empty, the request stays executing.</p>;
    case 'completed':
      return (
        <p className="deletion-status-line deletion-status-line--done">
          Completed <DateText iso={r.completedAt} withTime />. The certificate of deletion is below.
        </p>
      );
    case 'cancelled':
      return (
        <p className="deletion-status-line">
          Cancelled <DateText iso={r.cancellation?.at} withTime />
          {r.cancellation ? ` by ${r.cancellation.by}: ${r.cancellation.reason}` : '.'}
        </p>
      );
  }
}

function RequestFacts({ r }: { r: DeletionRequestView }) {
  return (
    <section className="card card--wide" aria-label="The request">
      <header className="card__header">
        <h2 className="card__title">The request</h2>
        <p className="card__subtitle">As filed; every value here is covered by the approval</p>
      </header>
      <dl className="facts deletion-facts">
        <Fact label="Received">{formatDay(r.receivedOn)}</Fact>
        <Fact label="Due">
          <DueText r={r} />
          <span className="muted deletion-facts__sub">
            {r.status === 'completed' ? 'completed' : 'earliest completion'} {r.due.daysAfterReceipt} days after receipt
          </span>
        </Fact>
        <Fact label="Requester">{r.requesterContact ?? <span className="muted">Removed at completion (kept on the certificate)</span>}</Fact>
        <Fact label="Final export first" wide={r.finalExport !== null}>
          {!r.wantsFinalExport ? (
            'Not asked for'
          ) : r.finalExport ? (
            <>
              <span>
                Recorded <DateText iso={r.finalExport.recordedAt} withTime /> by {r.finalExport.recordedBy}
              </span>
              <span className="deletion-facts__sub" data-testid="deletion-final-export">
                Job <span className="mono">{r.finalExport.jobId}</span> · delivered to <span className="mono">{r.finalExport.location}</span>
              </span>
            </>
          ) : (
            <span className="deletion-warn-text">Asked for, not recorded yet</span>
          )}
        </Fact>
        <Fact label="Reason" wide>
          {r.reason}
        </Fact>
        <Fact label="Filed">
          <DateText iso={r.filedAt} withTime />
          <span className="deletion-facts__sub">by {r.filedBy}</span>
        </Fact>
        <Fact label="Approval">
          {r.approval ? (
            <>
              <DateText iso={r.approval.at} withTime />
              <span className="deletion-facts__sub">by {r.approval.by}</span>
              <span className={`deletion-facts__sub deletion-approval deletion-approval--${r.approval.state}`} data-testid="deletion-approval-state" data-state={r.approval.state}>
                {approvalText(r.approval)}
                {r.approval.state === 'valid' && r.approval.expiresAt ? (
                  <>
                    {' '}
                    until <DateText iso={r.approval.expiresAt} withTime />
                  </>
                ) : null}
              </span>
            </>
          ) : (
            <span className="muted">Not approved yet</span>
          )}
        </Fact>
        <Fact label="Scheduled for">{r.scheduledFor ? <DateText iso={r.scheduledFor} withTime /> : <span className="muted">–</span>}</Fact>
        {r.status !== 'completed' ? (
          // A completed request no longer holds the requester contact, so its hash would differ from the one approved.
          <Fact label="Parameters hash" wide>
            <span className="deletion-hash__row">
              <code className="deletion-hash__value deletion-hash__value--small" data-testid="deletion-parameters-hash">
                {r.parametersHash}
              </code>
              <CopyButton text={r.parametersHash} what="parameters hash" />
            </span>
          </Fact>
        ) : null}
      </dl>
    </section>
  );
}

function Fact({ label, wide, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? 'facts__item deletion-facts__item--wide' : 'facts__item'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
