/**
 * The restore panel's confirmations. Each says what will happen in the customer's
 * words, sends exactly what it showed, and shows the server's refusal (message and
 * hint) as it comes: the requester approving, a request that moved on, an expired
 * rollback period, a missing grant (which opens the justification dialog instead).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, type ErrorInfo } from '../api/client';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { ModalDialog } from '../ui/ModalDialog';
import { formatCount, plural } from '../ui/format';
import { useGrantGate } from './grant-gate';
import { dayWords, kindLabel, previewRows, utcClock, validateTicketReason, type PlanChoice } from './restore-format';
import type { RestoreRequestView } from './restore-types';
import { TicketReasonFields } from './TicketReasonFields';

function useSubmit(): { busy: boolean; error: ErrorInfo | null; run: (work: () => Promise<void>) => Promise<void> } {
  const gate = useGrantGate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  return {
    busy,
    error,
    run: async (work) => {
      setBusy(true);
      setError(null);
      await gate(work, setError);
      setBusy(false);
    },
  };
}

function Actions({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  return (
    <div className="dialog-form__actions">
      <button type="button" className="button button--ghost" onClick={onClose}>
        Cancel
      </button>
      {children}
    </div>
  );
}

/** What a request is about, in one block: the snapshot, the ticket, who asked and why. */
export function RequestFacts({ r }: { r: RestoreRequestView }) {
  const rows = r.plan ? previewRows(r.plan) : [];
  return (
    <dl className="restore-dialog-facts">
      <div>
        <dt>What</dt>
        <dd>
          {kindLabel(r.kind)}
          {r.plan ? ` · ${plural(r.plan.totalRows, 'row')} to insert` : ''}
        </dd>
      </div>
      <div>
        <dt>Snapshot</dt>
        <dd>
          <DateText iso={r.snapshotTakenAt} withTime /> <span className="mono muted">{r.snapshotId}</span>
        </dd>
      </div>
      <div>
        <dt>Customer ticket</dt>
        <dd className="mono">{r.ticket}</dd>
      </div>
      <div>
        <dt>Requested by</dt>
        <dd>
          {r.requestedBy}, <DateText iso={r.requestedAt} withTime />
        </dd>
      </div>
      <div className="restore-dialog-facts__wide">
        <dt>Reason</dt>
        <dd className="restore-reason">{r.reason}</dd>
      </div>
      {rows.length > 0 ? (
        <div className="restore-dialog-facts__wide">
          <dt>Rows to insert</dt>
          <dd>{rows.map((x) => `${formatCount(x.total)} × ${x.label.toLowerCase()}`).join(', ')}</dd>
        </div>
      ) : null}
    </dl>
  );
}

// ---- request a whole-database restore ------------------------------------------------------

export function LiveRequestDialog({
  tenantId,
  tenantName,
  choice,
  day,
  onClose,
  onRequested,
}: {
  tenantId: string;
  tenantName: string;
  choice: PlanChoice;
  day: string;
  onClose: () => void;
  onRequested: (r: RestoreRequestView) => void;
}) {
  const [ticket, setTicket] = useState('');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const act = useSubmit();
  const errors = validateTicketReason(ticket, reason);

  function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (act.busy || errors.ticket || errors.reason) return;
    void act.run(async () => onRequested(await call('restore.request', { kind: 'live', tenantId, snapshotId: choice.snapshotId, day, ticket: ticket.trim(), reason: reason.trim() })));
  }

  return (
    <ModalDialog title={`Restore the whole database of ${tenantName}`} onClose={onClose} testId="restore-live-dialog" wide>
      <form className="dialog-form" onSubmit={submit} noValidate>
        <p className="dialog-form__lead">
          The customer's data as of <strong>{dayWords(day)}</strong>, from the snapshot taken <DateText iso={choice.takenAt} withTime /> ({utcClock(choice.takenAt)}).
        </p>
        <div className="restore-warning">
          <p>
            <strong>Everything entered after that snapshot leaves the live database.</strong> A safety snapshot of the database as it is now is taken first, so the restore can be rolled back for a while after it ran.
          </p>
          <p className="muted">If the customer lost only some records, ask technical staff to bring back just those from a sandbox instead.</p>
        </div>
        <TicketReasonFields ticket={ticket} reason={reason} errors={tried ? errors : {}} onTicket={setTicket} onReason={setReason} reasonPlaceholder="e.g. An import on Tuesday overwrote all contacts; the customer wants the database as of Monday" />
        <p className="field__help">A second staff member (technical or admin) approves it; technical staff then run it.</p>
        {act.error ? <ErrorMessage error={act.error} title="The restore was not requested" /> : null}
        <Actions onClose={onClose}>
          <button type="submit" className="button button--primary" data-testid="restore-live-submit" disabled={act.busy}>
            {act.busy ? 'Requesting…' : 'Request the restore'}
          </button>
        </Actions>
      </form>
    </ModalDialog>
  );
}

// ---- approve ----------------------------------------------------------------------------

export function ApproveDialog({ r, tenantName, onClose, onDone }: { r: RestoreRequestView; tenantName: string; onClose: () => void; onDone: (r: RestoreRequestView) => void }) {
  const act = useSubmit();
  return (
    <ModalDialog title={`Approve the restore of ${tenantName}`} onClose={onClose} testId="restore-approve-dialog" wide>
      <div className="dialog-form">
        <p className="dialog-form__lead">
          As the second person, check the request against the customer's ticket. Your approval covers exactly this snapshot{r.plan ? ' and these rows' : ''}; technical staff can run it once approved.
        </p>
        <RequestFacts r={r} />
        {act.error ? <ErrorMessage error={act.error} title="The request was not approved" /> : null}
        <Actions onClose={onClose}>
          <button type="button" className="button button--primary" data-testid="restore-approve-confirm" disabled={act.busy} onClick={() => void act.run(async () => onDone(await call('restore.approve', { requestId: r.id })))}>
            {act.busy ? 'Approving…' : 'Approve'}
          </button>
        </Actions>
      </div>
    </ModalDialog>
  );
}

// ---- run ----------------------------------------------------------------------------------

export function RunDialog({ r, tenantName, onClose, onStarted }: { r: RestoreRequestView; tenantName: string; onClose: () => void; onStarted: (jobId: string) => void }) {
  const act = useSubmit();
  const resume = r.status === 'failed';
  const live = r.kind !== 'records';
  return (
    <ModalDialog title={`${resume ? 'Resume' : 'Run'} the restore of ${tenantName}`} onClose={onClose} testId="restore-run-dialog" wide>
      <div className="dialog-form">
        {live ? (
          <div className="restore-warning" data-testid="restore-run-live-warning">
            <p>
              <strong>The live database of {tenantName} is replaced</strong> by the snapshot taken <DateText iso={r.snapshotTakenAt} withTime />. While it runs, the tenant shows <span className="badge restore-badge restore-badge--running">restoring</span> and its other jobs wait.
            </p>
            <p>A safety snapshot of the database as it is now is taken first: the restore can be rolled back to it for a while after it ran.</p>
          </div>
        ) : (
          <div className="restore-warning restore-warning--mild">
            <p>
              <strong>{r.plan ? plural(r.plan.totalRows, 'row') : 'The selected rows'}</strong> from the snapshot are inserted into the live database of {tenantName}; nothing that exists live is changed. A safety snapshot is taken first, so it can be rolled back.
            </p>
          </div>
        )}
        {resume ? (
          <p className="dialog-form__lead">
            It failed{r.error ? `: ${r.error.message}` : '.'} Running it again skips the steps already done{r.steps.some((s) => s.id === 'swap' && s.doneAt) ? ' and verifies the swapped database again' : ''}.
          </p>
        ) : null}
        <h3 className="restore-dialog__heading">The steps</h3>
        <ol className="restore-steps restore-steps--plain">
          {r.steps.map((s) => (
            <li key={s.id} className={s.doneAt ? 'restore-step restore-step--done' : 'restore-step'}>
              <span className="restore-step__mark" aria-hidden="true">
                {s.doneAt ? '✓' : '·'}
              </span>
              <span>{s.label}</span>
              {s.doneAt ? <span className="muted">done</span> : null}
            </li>
          ))}
        </ol>
        <RequestFacts r={r} />
        <p className="field__help">Approved by {r.approvedBy ?? '—'}. Running it is recorded in the audit log under your justification.</p>
        {act.error ? <ErrorMessage error={act.error} title="The restore did not start" /> : null}
        <Actions onClose={onClose}>
          <button
            type="button"
            className={live ? 'button button--danger' : 'button button--primary'}
            data-testid="restore-run-confirm"
            disabled={act.busy}
            onClick={() => void act.run(async () => onStarted((await call('restore.run', { tenantId: r.tenantId, requestId: r.id })).jobId))}
          >
            {act.busy ? 'Starting…' : resume ? 'Resume the restore' : live ? 'Replace the live database' : 'Insert the rows'}
          </button>
        </Actions>
      </div>
    </ModalDialog>
  );
}

// ---- cancel and roll back (both with a reason) ------------------------------------------------

function ReasonDialog({
  title,
  testId,
  lead,
  placeholder,
  confirm,
  danger,
  onClose,
  send,
}: {
  title: string;
  testId: string;
  lead: ReactNode;
  placeholder: string;
  confirm: string;
  danger?: boolean;
  onClose: () => void;
  send: (reason: string) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const act = useSubmit();
  const missing = reason.trim() === '';
  return (
    <ModalDialog title={title} onClose={onClose} testId={testId} wide>
      <form
        className="dialog-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!missing && !act.busy) void act.run(() => send(reason.trim()));
        }}
      >
        {lead}
        <div className="field">
          <label className="field__label" htmlFor={`${testId}-reason`}>
            Reason
          </label>
          <textarea id={`${testId}-reason`} className="textarea" data-testid="restore-action-reason" value={reason} rows={3} maxLength={2000} placeholder={placeholder} aria-invalid={tried && missing} onChange={(e) => setReason(e.target.value)} data-autofocus />
          {tried && missing ? <p className="field__error">A reason is required.</p> : null}
        </div>
        {act.error ? <ErrorMessage error={act.error} title="Nothing was changed" /> : null}
        <Actions onClose={onClose}>
          <button type="submit" className={danger ? 'button button--danger' : 'button button--primary'} data-testid="restore-action-confirm" disabled={act.busy}>
            {act.busy ? 'Working…' : confirm}
          </button>
        </Actions>
      </form>
    </ModalDialog>
  );
}

export function CancelDialog({ r, onClose, onDone }: { r: RestoreRequestView; onClose: () => void; onDone: (r: RestoreRequestView) => void }) {
  return (
    <ReasonDialog
      title="Cancel this restore request"
      testId="restore-cancel-dialog"
      lead={<RequestFacts r={r} />}
      placeholder="e.g. The customer found the records in the CRM's own bin"
      confirm="Cancel the request"
      onClose={onClose}
      send={async (reason) => onDone(await call('restore.cancel', { requestId: r.id, reason }))}
    />
  );
}

export function RollbackDialog({ r, tenantName, onClose, onStarted }: { r: RestoreRequestView; tenantName: string; onClose: () => void; onStarted: (jobId: string) => void }) {
  return (
    <ReasonDialog
      title={`Roll back the restore of ${tenantName}`}
      testId="restore-rollback-dialog"
      danger
      lead={
        <div className="restore-warning">
          <p>
            The live database goes back to the safety snapshot taken before this restore ran{r.safetySnapshotId ? <span className="mono"> ({r.safetySnapshotId})</span> : null}. What was entered since the restore leaves the live database (a new safety snapshot keeps it).
          </p>
          <p className="muted">
            Possible until <DateText iso={r.rollbackUntil} withTime />. It needs no new approval: it runs at once, as a job.
          </p>
        </div>
      }
      placeholder="e.g. The customer says the restored data is older than they expected"
      confirm="Roll back now"
      onClose={onClose}
      send={async (reason) => onStarted((await call('restore.rollback', { tenantId: r.tenantId, requestId: r.id, reason })).jobId)}
    />
  );
}
