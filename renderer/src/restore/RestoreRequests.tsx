/**
 * The tenant's restore requests (issue 6), open ones first: what was asked and why, who
 * approved, the journal's steps with their times, the result (rows inserted, files
 * whose bytes are gone), the error with what to do, and the next step for this viewer:
 * approve, run or resume, cancel, roll back.
 */
import { useState } from 'react';
import { JobProgress } from '../jobs';
import { useToasts } from '../shell/toasts';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatCount, plural } from '../ui/format';
import { offeredActions, type RequestAction, type Viewer } from './restore-actions';
import { entityLabel, formatDuration, kindLabel, resultRows, statusLabel, stepsDone } from './restore-format';
import type { RestoreRequestView } from './restore-types';
import { ApproveDialog, CancelDialog, RollbackDialog, RunDialog } from './RequestDialogs';

const MISSING_LISTED = 5;

export function RestoreRequests({ requests, viewer, tenantName, onChanged }: { requests: readonly RestoreRequestView[]; viewer: Viewer; tenantName: string; onChanged: () => void }) {
  const toasts = useToasts();
  const [dialog, setDialog] = useState<{ action: RequestAction; r: RestoreRequestView } | null>(null);
  const close = () => setDialog(null);

  if (requests.length === 0) {
    return (
      <p className="muted" data-testid="restore-requests-empty">
        No restore was requested for this tenant.
      </p>
    );
  }

  return (
    <>
      <ol className="restore-requests">
        {requests.map((r) => (
          <RequestItem key={r.id} r={r} viewer={viewer} onAction={(action) => setDialog({ action, r })} onJobFinished={onChanged} />
        ))}
      </ol>
      {dialog?.action === 'approve' ? (
        <ApproveDialog
          r={dialog.r}
          tenantName={tenantName}
          onClose={close}
          onDone={() => {
            close();
            toasts.show('success', 'Restore approved.', 'Technical staff can run it now.');
            onChanged();
          }}
        />
      ) : null}
      {dialog?.action === 'run' ? (
        <RunDialog
          r={dialog.r}
          tenantName={tenantName}
          onClose={close}
          onStarted={() => {
            close();
            onChanged();
          }}
        />
      ) : null}
      {dialog?.action === 'cancel' ? (
        <CancelDialog
          r={dialog.r}
          onClose={close}
          onDone={() => {
            close();
            toasts.show('success', 'Restore request cancelled.');
            onChanged();
          }}
        />
      ) : null}
      {dialog?.action === 'rollback' ? (
        <RollbackDialog
          r={dialog.r}
          tenantName={tenantName}
          onClose={close}
          onStarted={() => {
            close();
            toasts.show('info', 'Rolling back…', 'The roll back appears as a new request at the top.');
            onChanged();
          }}
        />
      ) : null}
    </>
  );
}

function RequestItem({ r, viewer, onAction, onJobFinished }: { r: RestoreRequestView; viewer: Viewer; onAction: (a: RequestAction) => void; onJobFinished: () => void }) {
  const running = r.status === 'running';
  const offers = offeredActions(viewer, r, running);
  const started = r.steps.some((s) => s.doneAt !== null);
  const { done, total } = stepsDone(r.steps);
  const mine = viewer.email !== null && r.requestedBy === viewer.email;

  return (
    <li className={`restore-request restore-request--${r.status}`} data-testid="restore-request" data-request-id={r.id} data-status={r.status} data-kind={r.kind}>
      <header className="restore-request__head">
        <span className={`badge restore-badge restore-badge--${r.status}`} data-testid="restore-request-status">
          {statusLabel(r.status)}
        </span>
        <strong className="restore-request__kind">{kindLabel(r.kind)}</strong>
        <span className="muted">
          from the snapshot of <DateText iso={r.snapshotTakenAt} withTime />
        </span>
        <span className="restore-request__ticket mono" title="Customer ticket">
          {r.ticket}
        </span>
      </header>

      <dl className="restore-request__facts">
        <div>
          <dt>Requested</dt>
          <dd>
            {r.requestedBy}
            {mine ? <span className="you-chip">you</span> : null}
            <span className="restore-request__when">
              <DateText iso={r.requestedAt} withTime />
            </span>
          </dd>
        </div>
        {r.approvedBy ? (
          <div>
            <dt>Approved</dt>
            <dd>
              {r.approvedBy}
              <span className="restore-request__when">
                <DateText iso={r.approvedAt} withTime />
              </span>
            </dd>
          </div>
        ) : null}
        {r.startedBy ? (
          <div>
            <dt>Run</dt>
            <dd>
              {r.startedBy}
              <span className="restore-request__when">
                <DateText iso={r.startedAt} withTime />
                {r.finishedAt && r.startedAt ? ` · ${r.status === 'failed' ? 'failed' : 'finished'} ${formatDuration(r.startedAt, r.finishedAt)}` : ''}
              </span>
            </dd>
          </div>
        ) : null}
        {r.cancelledBy ? (
          <div>
            <dt>Cancelled</dt>
            <dd>
              {r.cancelledBy}
              <span className="restore-request__when">
                <DateText iso={r.cancelledAt} withTime />
                {r.cancelReason ? <> — {r.cancelReason}</> : null}
              </span>
            </dd>
          </div>
        ) : null}
        {r.rollbackUntil && r.status === 'completed' ? (
          <div>
            <dt>Roll back</dt>
            <dd data-testid="restore-rollback-until">
              {r.canRollBack ? (
                <>
                  possible until <DateText iso={r.rollbackUntil} withTime />
                </>
              ) : (
                <span className="muted">no longer possible (period ended, or a later restore ran)</span>
              )}
            </dd>
          </div>
        ) : null}
        {r.rollbackOf ? (
          <div>
            <dt>Rolls back</dt>
            <dd className="mono">{r.rollbackOf}</dd>
          </div>
        ) : null}
        {r.rolledBackBy ? (
          <div>
            <dt>Rolled back by</dt>
            <dd className="mono">{r.rolledBackBy}</dd>
          </div>
        ) : null}
        <div className="restore-request__facts-wide">
          <dt>Reason</dt>
          <dd className="restore-reason">{r.reason}</dd>
        </div>
        {r.plan ? (
          <div className="restore-request__facts-wide">
            <dt>Rows</dt>
            <dd>
              {plural(r.plan.totalRows, 'row')} to insert:{' '}
              {Object.entries(r.plan.insert)
                .map(([e, n]) => `${formatCount(n)} × ${entityLabel(e).toLowerCase()}`)
                .join(', ')}
            </dd>
          </div>
        ) : null}
      </dl>

      {running && r.jobId ? <JobProgress jobId={r.jobId} title={`${kindLabel(r.kind)} restore`} onFinished={onJobFinished} /> : null}

      {started ? (
        <details className="restore-journal" open={r.status === 'running' || r.status === 'failed'}>
          <summary>
            Journal · {done} of {total} steps done
          </summary>
          <ol className="restore-steps" data-testid="restore-steps">
            {r.steps.map((s) => (
              <li key={s.id} className={s.doneAt ? 'restore-step restore-step--done' : 'restore-step'} data-step={s.id} data-done={s.doneAt ? 'true' : 'false'}>
                <span className="restore-step__mark" aria-hidden="true">
                  {s.doneAt ? '✓' : '·'}
                </span>
                <span>{s.label}</span>
                {s.doneAt ? <DateText iso={s.doneAt} withTime /> : <span className="muted">not done</span>}
              </li>
            ))}
          </ol>
        </details>
      ) : null}

      {r.result ? <ResultBlock result={r.result} safety={r.safetySnapshotId} /> : null}
      {r.error && r.status !== 'completed' ? <ErrorMessage error={r.error} title={r.status === 'failed' ? 'The restore failed' : 'Last error'} /> : null}

      {offers.length > 0 ? (
        <div className="restore-request__actions">
          {offers.map((o) => (
            <span key={o.action} className="restore-request__action">
              <button
                type="button"
                className={o.action === 'rollback' || o.action === 'cancel' ? 'button button--small' : 'button button--small button--primary'}
                data-testid={`restore-${o.action}`}
                disabled={!o.enabled}
                onClick={() => onAction(o.action)}
              >
                {o.label}
              </button>
              {o.note ? <span className="muted restore-request__note">{o.note}</span> : null}
            </span>
          ))}
        </div>
      ) : r.status === 'requested' && mine ? (
        <p className="muted restore-request__note">Waiting for a second staff member (technical or admin) to approve it.</p>
      ) : r.status === 'approved' && !viewer.roles.includes('technical') ? (
        <p className="muted restore-request__note">Approved: technical staff run it.</p>
      ) : null}
    </li>
  );
}

function ResultBlock({ result, safety }: { result: NonNullable<RestoreRequestView['result']>; safety: string | null }) {
  const { kind, rows } = resultRows(result);
  return (
    <div className="restore-result" data-testid="restore-result">
      <p className="restore-result__title">
        {kind === 'inserted' ? `${plural(rows.reduce((n, r) => n + r.count, 0), 'row')} inserted` : 'The live database now holds'}
        {result.runs > 1 ? <span className="muted"> · after {result.runs} runs</span> : null}
        {safety ? (
          <span className="muted restore-result__safety">
            {' '}
            · safety snapshot <span className="mono">{safety}</span>
          </span>
        ) : null}
      </p>
      <ul className="restore-result__counts">
        {rows.map((r) => (
          <li key={r.entity} data-testid="restore-result-count" data-entity={r.entity} data-count={r.count}>
            <span className="muted">{r.label}</span> <span className="restore-result__count">{formatCount(r.count)}</span>
          </li>
        ))}
      </ul>
      {result.missingFileCount > 0 ? (
        <div className="notice restore-result__missing" data-testid="restore-missing-files">
          <p>
            <strong>{plural(result.missingFileCount, 'attached file')}</strong> restored in the database {result.missingFileCount === 1 ? 'has' : 'have'} no bytes in storage any more: the customer sees the entry, not the file.
          </p>
          <ul className="restore-result__keys">
            {result.missingFiles.slice(0, MISSING_LISTED).map((f) => (
              <li key={f.fileId}>
                file <span className="mono">#{f.fileId}</span> · <span className="mono">{f.objectKey}</span>
              </li>
            ))}
            {result.missingFileCount > MISSING_LISTED ? <li className="muted">and {formatCount(result.missingFileCount - MISSING_LISTED)} more</li> : null}
          </ul>
        </div>
      ) : (
        <p className="muted restore-result__files">Every attached file's bytes are in storage.</p>
      )}
    </div>
  );
}
