/**
 * The request page's confirmations. Each names the tenant (issue 7 "approve/cancel/hold
 * actions with confirmations that name the tenant"), sends exactly what it showed, and
 * shows the server's refusal (message and hint) as it comes: the filer approving, a
 * changed request, a legal hold, an unfinished grace period are all decided there.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { CopyButton } from '../ui/CopyButton';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { ModalDialog } from '../ui/ModalDialog';
import { formatDay, slugConfirmed } from './deletion-format';
import type { DeletionRequestView } from './deletion-types';
import { DeletionScope, type TenantDetail } from './DeletionScope';

interface DialogProps {
  request: DeletionRequestView;
  tenant: TenantDetail | null;
  onClose: () => void;
  onDone: (r: DeletionRequestView | null) => void;
}

/** "Acme GmbH (acme-gmbh)", or the slug or ID when the name is not known. */
export function tenantWords(request: DeletionRequestView, tenant: TenantDetail | null): string {
  // A deleted tenant's catalogue entry is anonymised: its name and slug say nothing.
  const live = tenant && tenant.status !== 'deleted' ? tenant : null;
  const slug = request.tenantSlug ?? live?.slug ?? null;
  if (live) return slug && slug !== live.name ? `${live.name} (${slug})` : live.name;
  return slug ?? request.tenantId;
}

function useAction<T>(run: () => Promise<T>, onDone: (v: T) => void): { busy: boolean; error: ErrorInfo | null; go: () => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  return {
    busy,
    error,
    go: async () => {
      setBusy(true);
      setError(null);
      try {
        const v = await run();
        onDone(v);
      } catch (e) {
        setError(toErrorInfo(e));
        setBusy(false);
      }
    },
  };
}

// ---- approve ---------------------------------------------------------------------------

export function ApproveDialog({ request, tenant, onClose, onDone, onReload }: DialogProps & { onReload: () => void }) {
  const who = tenantWords(request, tenant);
  // The hash the page showed is the one approved: if the request changed since, the server refuses.
  const hash = request.parametersHash;
  const act = useAction(() => call('deletion.approve', { requestId: request.id, parametersHash: hash }), onDone);
  return (
    <ModalDialog title={`Approve the deletion of ${who}`} onClose={onClose} testId="deletion-approve-dialog" wide>
      <div className="dialog-form">
        <p className="dialog-form__lead">
          {request.filedBy} filed this request. As the second person, check it against what the customer asked; once approved, it is scheduled after the grace period, and anyone with the role can still cancel it until then.
        </p>
        <dl className="deletion-dialog-facts">
          <Fact label="Customer's reference">{request.requestReference}</Fact>
          <Fact label="Received">{formatDay(request.receivedOn)}</Fact>
          <Fact label="Requester">{request.requesterContact ?? <span className="muted">–</span>}</Fact>
          <Fact label="Final export first">{request.wantsFinalExport ? (request.finalExport ? 'Yes, recorded' : 'Yes, not recorded yet') : 'No'}</Fact>
          <Fact label="Reason" wide>
            {request.reason}
          </Fact>
        </dl>
        <h3 className="deletion-dialog__heading">What will be deleted</h3>
        <DeletionScope tenantId={request.tenantId} tenant={tenant} />
        <div className="deletion-hash">
          <p className="deletion-hash__label">Your approval is bound to these parameters (SHA-256):</p>
          <p className="deletion-hash__row">
            <code className="deletion-hash__value" data-testid="deletion-approve-hash">
              {hash}
            </code>
            <CopyButton text={hash} what="parameters hash" />
          </p>
          <p className="field__help">If the request changes after you approve, the approval no longer applies and it must be approved again.</p>
        </div>
        {act.error ? (
          <ErrorMessage error={act.error} title="The request was not approved">
            {act.error.details?.reason === 'APPROVAL_MISMATCH' ? (
              // The request changed since this page read it: approve only what is shown after a reload.
              <button type="button" className="button button--small" onClick={onReload}>
                Reload the request
              </button>
            ) : null}
          </ErrorMessage>
        ) : null}
        <div className="dialog-form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button--danger" data-testid="deletion-approve-confirm" disabled={act.busy} onClick={() => void act.go()}>
            {act.busy ? 'Approving…' : `Approve deletion of ${who}`}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}

// ---- execute ---------------------------------------------------------------------------

export function ExecuteDialog({ request, tenant, onClose, onStarted }: Omit<DialogProps, 'onDone'> & { onStarted: (jobId: string) => void }) {
  const [typed, setTyped] = useState('');
  const slug = request.tenantSlug;
  const resume = request.status === 'executing';
  const who = tenantWords(request, tenant);
  const act = useAction(() => call('deletion.execute', { requestId: request.id, confirmSlug: typed.trim() }), (r) => onStarted(r.jobId));
  const ok = slugConfirmed(typed, slug);

  return (
    <ModalDialog title={resume ? `Run the deletion of ${who} again` : `Delete ${who} permanently`} onClose={onClose} testId="deletion-execute-dialog" wide>
      <form
        className="dialog-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (ok && !act.busy) void act.go();
        }}
      >
        {resume ? (
          <p className="dialog-form__lead">
            The deletion started <DateText iso={request.executingStartedAt} withTime /> and did not finish. Running it again skips the steps already done, finishes the rest, and lists every location again to verify it is empty.
          </p>
        ) : (
          <p className="deletion-danger-lead">
            This deletes all data of <strong>{who}</strong> for good. Nothing can bring it back: not a backup, not a restore.
          </p>
        )}
        <DeletionScope tenantId={request.tenantId} tenant={tenant} />
        <Field
          label={slug ? `Type the tenant's slug, ${slug}, to confirm` : "Type the tenant's slug to confirm"}
          testId="deletion-confirm-slug"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
          className="deletion-confirm-field"
          placeholder={slug ?? ''}
        />
        {act.error ? <ErrorMessage error={act.error} title="The deletion did not start" /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" data-testid="deletion-execute-confirm" disabled={!ok || act.busy}>
            {act.busy ? 'Starting…' : resume ? `Run again for ${slug ?? request.tenantId}` : `Delete ${slug ?? request.tenantId} permanently`}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

// ---- cancel, hold, release ----------------------------------------------------------------

const REASON_MIN = 3;
const REASON_MAX = 2000;

function ReasonDialog({
  title,
  lead,
  label,
  placeholder,
  testId,
  confirm,
  busyWord,
  failed,
  danger,
  onClose,
  run,
}: {
  title: string;
  lead: ReactNode;
  label: string;
  placeholder: string;
  testId: string;
  confirm: string;
  busyWord: string;
  failed: string;
  danger?: boolean;
  onClose: () => void;
  run: (reason: string) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const id = useId();
  const act = useAction(() => run(reason.trim()), () => {});
  const ok = reason.trim().length >= REASON_MIN;
  return (
    <ModalDialog title={title} onClose={onClose} testId={`${testId}-dialog`}>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ok && !act.busy) void act.go();
        }}
      >
        <p className="dialog-form__lead">{lead}</p>
        <div className="field">
          <label className="field__label" htmlFor={id}>
            {label}
          </label>
          <textarea id={id} className="textarea" data-testid={`${testId}-reason`} value={reason} maxLength={REASON_MAX} placeholder={placeholder} onChange={(e) => setReason(e.target.value)} />
          <p className="field__help">Kept on the request and shown to staff; not written to the audit log.</p>
        </div>
        {act.error ? <ErrorMessage error={act.error} title={failed} /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button" onClick={onClose}>
            Back
          </button>
          <button type="submit" className={danger ? 'button button--danger' : 'button button--primary'} data-testid={`${testId}-confirm`} disabled={!ok || act.busy}>
            {act.busy ? busyWord : confirm}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

export function CancelDialog({ request, tenant, onClose, onDone }: DialogProps) {
  const who = tenantWords(request, tenant);
  return (
    <ReasonDialog
      title={`Cancel the deletion request for ${who}`}
      lead={
        <>
          Request <strong>{request.requestReference}</strong> ends here and nothing of {who} is deleted. To delete later, a new request must be filed and approved.
        </>
      }
      label="Why is it cancelled?"
      placeholder="e.g. The customer withdrew its request on 3 April (letter of the same date)."
      testId="deletion-cancel"
      confirm="Cancel the request"
      busyWord="Cancelling…"
      failed="The request was not cancelled"
      danger
      onClose={onClose}
      run={async (reason) => onDone(await call('deletion.cancel', { requestId: request.id, reason }))}
    />
  );
}

export function HoldDialog({ request, tenant, onClose, onDone }: DialogProps) {
  const who = tenantWords(request, tenant);
  return (
    <ReasonDialog
      title={`Place ${who} on legal hold`}
      lead="While the hold lasts, the request cannot be approved, scheduled or executed, and a running deletion stops between steps. Only an admin can lift it."
      label="Legal reason"
      placeholder="e.g. Litigation hold requested by Legal, case 2026-041."
      testId="deletion-hold"
      confirm="Place the hold"
      busyWord="Placing…"
      failed="The hold was not placed"
      onClose={onClose}
      run={async (reason) => onDone((await call('deletion.hold', { tenantId: request.tenantId, reason })).request)}
    />
  );
}

export function ReleaseDialog({ request, tenant, onClose, onDone }: DialogProps) {
  const who = tenantWords(request, tenant);
  const act = useAction(() => call('deletion.release', { tenantId: request.tenantId }), (r) => onDone(r.request));
  return (
    <ModalDialog title={`Lift the legal hold on ${who}`} onClose={onClose} testId="deletion-release-dialog">
      <div className="dialog-form">
        <p className="dialog-form__lead">Lift it only once the legal reason has ended: the request can then be approved and executed again.</p>
        <p className="deletion-hold-quote">{request.legalHold}</p>
        {act.error ? <ErrorMessage error={act.error} title="The hold was not lifted" /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button" onClick={onClose}>
            Back
          </button>
          <button type="button" className="button button--primary" data-testid="deletion-release-confirm" disabled={act.busy} onClick={() => void act.go()}>
            {act.busy ? 'Lifting…' : 'Lift the hold'}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}

// ---- the final export ---------------------------------------------------------------------

interface ExportSuggestion {
  jobId: string;
  location: string | null;
  finishedAt: string | null;
}

/** A finished export job's package location, when its result names one (the result's shape is the export feature's). */
function locationOf(result: unknown): string | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as Record<string, unknown>;
  for (const k of ['location', 'packageKey', 'key', 'path', 'destination']) {
    const v = r[k];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

export function FinalExportDialog({ request, tenant, onClose, onDone }: DialogProps) {
  const who = tenantWords(request, tenant);
  const [jobId, setJobId] = useState('');
  const [location, setLocation] = useState('');
  const [suggestions, setSuggestions] = useState<ExportSuggestion[]>([]);
  const act = useAction(() => call('deletion.recordFinalExport', { requestId: request.id, jobId: jobId.trim(), location: location.trim() }), onDone);

  useEffect(() => {
    let live = true;
    call('jobs.list', { tenantId: request.tenantId, kind: 'export', limit: 10 })
      .then((jobs) => {
        if (!live) return;
        setSuggestions(jobs.filter((j) => j.state === 'succeeded').map((j) => ({ jobId: j.id, location: locationOf(j.result), finishedAt: j.finishedAt })));
      })
      .catch(() => {
        /* suggestions are a convenience: the fields work without them */
      });
    return () => {
      live = false;
    };
  }, [request.tenantId]);

  const ok = jobId.trim() !== '' && location.trim() !== '';
  return (
    <ModalDialog title={`Record the final export of ${who}`} onClose={onClose} testId="deletion-export-dialog" wide>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ok && !act.busy) void act.go();
        }}
      >
        <p className="dialog-form__lead">The customer asked for a final advanced export before the deletion. Record the export job and where its package was delivered; the deletion can be scheduled once this is recorded.</p>
        {suggestions.length > 0 ? (
          <div className="deletion-suggestions">
            <p className="field__label">Finished exports of this tenant</p>
            <ul>
              {suggestions.map((s) => (
                <li key={s.jobId}>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      setJobId(s.jobId);
                      if (s.location) setLocation(s.location);
                    }}
                  >
                    <span className="mono">{s.jobId}</span>
                  </button>{' '}
                  <span className="muted">
                    finished <DateText iso={s.finishedAt} withTime />
                    {s.location ? ` · ${s.location}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <Field label="Export job" testId="deletion-export-job" value={jobId} maxLength={100} onChange={(e) => setJobId(e.target.value)} placeholder="j-…" autoComplete="off" />
        <Field label="Package location" testId="deletion-export-location" value={location} maxLength={1024} onChange={(e) => setLocation(e.target.value)} placeholder="The link or path the customer received" autoComplete="off" />
        {act.error ? <ErrorMessage error={act.error} title="The final export was not recorded" /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button" onClick={onClose}>
            Back
          </button>
          <button type="submit" className="button button--primary" data-testid="deletion-export-confirm" disabled={!ok || act.busy}>
            {act.busy ? 'Recording…' : 'Record the final export'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function Fact({ label, wide, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? 'deletion-dialog-facts__item deletion-dialog-facts__item--wide' : 'deletion-dialog-facts__item'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
