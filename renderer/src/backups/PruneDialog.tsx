/**
 * Pruning, in two steps (CONVENTIONS.md §15): the preview says exactly which
 * snapshots the retention plan would delete and whether what remains keeps the
 * promise; applying sends the preview's token, so the server refuses if anything
 * changed in between.
 */
import { useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import type { SnapshotRowView } from '../../../app/api/contract';
import { JobProgress } from '../jobs';
import { ErrorMessage } from '../ui/ErrorMessage';
import { ModalDialog } from '../ui/ModalDialog';
import { Spinner } from '../ui/Spinner';
import { formatBytes, formatDateTime, plural, utcTitle } from '../ui/format';

type Preview = OpOutput<'backups.prunePreview'>;

type Step =
  | { kind: 'loading' }
  | { kind: 'error'; error: ErrorInfo }
  | { kind: 'preview'; preview: Preview; applying: boolean; error: ErrorInfo | null }
  | { kind: 'running'; jobId: string; count: number };

export function PruneDialog({
  tenantId,
  tenantName,
  snapshots,
  onClose,
  onPruned,
}: {
  tenantId: string;
  tenantName: string;
  snapshots: readonly SnapshotRowView[];
  onClose: () => void;
  onPruned: () => void;
}) {
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [understood, setUnderstood] = useState(false);

  useEffect(() => {
    let live = true;
    setStep({ kind: 'loading' });
    call('backups.prunePreview', { tenantId }).then(
      (preview) => live && setStep({ kind: 'preview', preview, applying: false, error: null }),
      (e: unknown) => live && setStep({ kind: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [tenantId, attempt]);

  async function apply(preview: Preview) {
    setStep({ kind: 'preview', preview, applying: true, error: null });
    try {
      const { jobId } = await call('backups.pruneApply', { tenantId, token: preview.token });
      setStep({ kind: 'running', jobId, count: preview.prune.length });
    } catch (e) {
      setStep({ kind: 'preview', preview, applying: false, error: toErrorInfo(e) });
    }
  }

  const byId = new Map(snapshots.map((s) => [s.snapshotId, s]));

  return (
    <ModalDialog title={`Prune snapshots of ${tenantName}`} onClose={onClose} testId="prune-dialog" wide>
      <div className="dialog-form">
        {step.kind === 'loading' ? <Spinner label="Working out what the retention plan would prune…" /> : null}
        {step.kind === 'error' ? (
          <ErrorMessage error={step.error} title="The prune preview could not be made">
            <button type="button" className="button button--small" onClick={() => setAttempt((a) => a + 1)}>
              Try again
            </button>
          </ErrorMessage>
        ) : null}
        {step.kind === 'preview' ? (
          <>
            {step.preview.prune.length === 0 ? (
              <p className="dialog-form__lead" data-testid="prune-nothing">
                Nothing to prune: every snapshot of {tenantName} is needed to keep the backup promise, now and as it ages.
              </p>
            ) : (
              <>
                <p className="dialog-form__lead">
                  The retention plan would delete {plural(step.preview.prune.length, 'snapshot')} of <strong>{tenantName}</strong> from the backup store and keep {plural(step.preview.keep, 'snapshot')}.
                </p>
                {step.preview.promiseKept ? (
                  <p className="notice" data-testid="prune-promise-kept">
                    What remains still keeps the promise: one backup every 24 h for the last 14 days, every 7 days to 90 days, every 30 days to a year, every 90 days beyond.
                  </p>
                ) : (
                  <ErrorMessage
                    error={{ code: 'PROMISE_AT_RISK', message: 'The plan says what remains would not keep the backup promise, so it will not prune.', hint: 'Report this to engineering; nothing will be deleted.' }}
                  />
                )}
                <div className="prune-list table-wrap">
                  <table className="table" aria-label="Snapshots that would be pruned">
                    <thead>
                      <tr>
                        <th scope="col">Taken</th>
                        <th scope="col">Snapshot</th>
                        <th scope="col" className="numeric">
                          Size
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {step.preview.prune.map((id) => {
                        const s = byId.get(id);
                        return (
                          <tr key={id} data-testid="prune-item" data-snapshot-id={id}>
                            <td>
                              {s ? (
                                <time dateTime={s.takenAt} title={utcTitle(s.takenAt)}>
                                  {formatDateTime(s.takenAt)}
                                </time>
                              ) : (
                                <span className="muted">–</span>
                              )}
                            </td>
                            <td className="mono">{id}</td>
                            <td className="numeric">{s?.compressedBytes != null ? formatBytes(s.compressedBytes) : '–'}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
                <label className="checkbox">
                  <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="prune-confirm-check" />
                  <span>
                    I understand that {step.preview.prune.length === 1 ? 'this snapshot' : `these ${plural(step.preview.prune.length, 'snapshot')}`} of {tenantName} will be deleted from the backup store for good.
                  </span>
                </label>
              </>
            )}
            {step.error ? <ErrorMessage error={step.error} title="Nothing was pruned" /> : null}
            <div className="dialog-form__actions">
              <button type="button" className="button" onClick={onClose}>
                {step.preview.prune.length === 0 ? 'Close' : 'Cancel'}
              </button>
              {step.preview.prune.length > 0 ? (
                step.error?.code === 'APPROVAL_INVALID' ? (
                  <button type="button" className="button button--primary" onClick={() => setAttempt((a) => a + 1)}>
                    Preview again
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button--danger"
                    data-testid="prune-apply"
                    disabled={!understood || !step.preview.promiseKept || step.applying}
                    onClick={() => void apply(step.preview)}
                  >
                    {step.applying ? 'Starting…' : `Prune ${plural(step.preview.prune.length, 'snapshot')} of ${tenantName}`}
                  </button>
                )
              ) : null}
            </div>
          </>
        ) : null}
        {step.kind === 'running' ? (
          <>
            <JobProgress
              jobId={step.jobId}
              title={`Pruning ${plural(step.count, 'snapshot')}`}
              describeResult={(r) => {
                const deleted = typeof r === 'object' && r !== null && typeof (r as { deleted?: unknown }).deleted === 'number' ? (r as { deleted: number }).deleted : null;
                return <p>{deleted === null ? 'Pruned.' : `${plural(deleted, 'snapshot')} deleted; the promise is still kept.`}</p>;
              }}
              onFinished={onPruned}
            />
            <div className="dialog-form__actions">
              <button type="button" className="button" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        ) : null}
      </div>
    </ModalDialog>
  );
}
