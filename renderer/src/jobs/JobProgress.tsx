/**
 * One job, live: a bar (items or bytes), the phase, "about 2 min left", a cancel
 * button, and at the end the result or the server's error with its hint. Fed by the
 * job's progress events, plus jobs.get on mount (a job may have moved on, or ended,
 * before this component subscribed) and once more at the end (the final record holds
 * the result and the full error; events carry only the message).
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { call, onEvent, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatEta, isFinal, jobKindLabel, phaseLabel, progressAmounts, progressFraction, STATE_LABEL, type JobProgressFacts } from './job-format';
import './jobs.css';

export type JobView = OpOutput<'jobs.get'>;

interface Shown extends JobProgressFacts {
  kind: string;
  /** True once the final record (jobs.get) has been read: result and error are complete. */
  settled: boolean;
  result: unknown;
  error: ErrorInfo | null;
  message: string | null;
}

type Status = { kind: 'loading' } | { kind: 'ok'; job: Shown } | { kind: 'error'; error: ErrorInfo };

function fromView(v: JobView): Shown {
  return {
    kind: v.kind,
    state: v.state,
    phase: v.phase,
    done: v.done,
    total: v.total,
    bytesDone: v.bytesDone,
    bytesTotal: v.bytesTotal,
    etaSeconds: v.etaSeconds,
    settled: isFinal(v.state),
    result: v.result,
    error: v.error ? { code: v.error.code, message: v.error.message, ...(v.error.hint !== undefined ? { hint: v.error.hint } : {}) } : null,
    message: v.error?.message ?? null,
  };
}

/** A newer fact replaces an older one, but nothing replaces the settled final record. */
function merge(prev: Status, next: Shown): Status {
  if (prev.kind === 'ok') {
    if (prev.job.settled) return prev;
    if (isFinal(prev.job.state) && !isFinal(next.state)) return prev;
  }
  return { kind: 'ok', job: next };
}

export interface JobProgressProps {
  jobId: string;
  /** "Snapshot now", "Verify 20250601T020000Z-ab12cd"; defaults to the job's kind. */
  title?: string;
  /** What a succeeded job produced, in words (each job kind has its own result). */
  describeResult?: (result: unknown) => ReactNode;
  /** Called once, with the final record, when the job has ended in any state. */
  onFinished?: (job: JobView) => void;
  /** Shows a "Dismiss" button once the job has ended. */
  onDismiss?: () => void;
}

export function JobProgress({ jobId, title, describeResult, onFinished, onDismiss }: JobProgressProps) {
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const [cancel, setCancel] = useState<{ state: 'idle' | 'asking' } | { state: 'error'; error: ErrorInfo }>({ state: 'idle' });
  const onFinishedRef = useRef(onFinished);
  useEffect(() => {
    onFinishedRef.current = onFinished;
  }, [onFinished]);

  useEffect(() => {
    let live = true;
    let settling = false;
    let finished = false;

    const settle = (v: JobView) => {
      if (!live) return;
      setStatus((prev) => merge(prev, fromView(v)));
      if (isFinal(v.state) && !finished) {
        finished = true;
        onFinishedRef.current?.(v);
      }
    };

    // The end of the job: read the final record for the result and the full error.
    const readFinal = (fallback: Shown) => {
      if (settling) return;
      settling = true;
      call('jobs.get', { jobId }).then(settle, () => {
        if (!live) return;
        // The record could not be read: what the event said is still the truth.
        const job: Shown = { ...fallback, settled: true };
        setStatus((prev) => merge(prev, job));
      });
    };

    const off = onEvent((e) => {
      if (e.type !== 'job' || e.jobId !== jobId || !live) return;
      const job: Shown = {
        kind: e.kind,
        state: e.state,
        phase: e.phase,
        done: e.done,
        total: e.total,
        bytesDone: e.bytesDone,
        bytesTotal: e.bytesTotal,
        etaSeconds: e.etaSeconds,
        settled: false,
        result: null,
        error: e.message ? { code: e.state === 'cancelled' ? 'JOB_CANCELLED' : 'JOB_FAILED', message: e.message } : null,
        message: e.message ?? null,
      };
      setStatus((prev) => merge(prev, job));
      if (isFinal(e.state)) readFinal(job);
    });

    call('jobs.get', { jobId }).then(settle, (err: unknown) => {
      if (live) setStatus((prev) => (prev.kind === 'loading' ? { kind: 'error', error: toErrorInfo(err) } : prev));
    });

    return () => {
      live = false;
      off();
    };
  }, [jobId]);

  async function cancelJob() {
    setCancel({ state: 'asking' });
    try {
      await call('jobs.cancel', { jobId });
      setCancel({ state: 'idle' });
    } catch (e) {
      setCancel({ state: 'error', error: toErrorInfo(e) });
    }
  }

  if (status.kind === 'loading') {
    return (
      <div className="job-progress" data-testid="job-progress" data-state="running" data-job-id={jobId} aria-busy="true">
        <div className="job-progress__head">
          <span className="job-progress__title">{title ?? 'Job'}</span>
          <span className="job-progress__state">Starting…</span>
        </div>
        <div className="job-progress__bar job-progress__bar--indeterminate" role="progressbar" aria-label={`${title ?? 'Job'} progress`}>
          <span className="job-progress__fill" />
        </div>
      </div>
    );
  }
  if (status.kind === 'error') {
    return (
      <div className="job-progress" data-testid="job-progress" data-state="unknown" data-job-id={jobId}>
        <ErrorMessage error={status.error} title="The job's progress could not be read">
          {onDismiss ? (
            <button type="button" className="button button--small" onClick={onDismiss}>
              Dismiss
            </button>
          ) : null}
        </ErrorMessage>
      </div>
    );
  }

  const job = status.job;
  const final = isFinal(job.state);
  const fraction = progressFraction(job);
  const label = title ?? jobKindLabel(job.kind);
  const amounts = progressAmounts(job);
  const eta = job.state === 'running' ? formatEta(job.etaSeconds) : '';
  const percent = fraction === null ? null : Math.round(fraction * 100);

  return (
    <div className={`job-progress job-progress--${job.state}`} data-testid="job-progress" data-state={job.state} data-job-id={jobId} aria-busy={!final}>
      <div className="job-progress__head">
        <span className="job-progress__title">{label}</span>
        <span className="job-progress__state" aria-live="polite">
          {job.state === 'running' ? (percent === null ? phaseLabel(job.phase) : `${percent}%`) : STATE_LABEL[job.state]}
        </span>
        <span className="job-progress__spacer" />
        {job.state === 'running' ? (
          <button type="button" className="button button--small button--ghost" data-testid="job-cancel" onClick={() => void cancelJob()} disabled={cancel.state === 'asking'}>
            {cancel.state === 'asking' ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : onDismiss ? (
          <button type="button" className="button button--small button--ghost" onClick={onDismiss}>
            Dismiss
          </button>
        ) : null}
      </div>
      {job.state === 'running' ? (
        <>
          <div
            className={fraction === null ? 'job-progress__bar job-progress__bar--indeterminate' : 'job-progress__bar'}
            role="progressbar"
            aria-label={`${label} progress`}
            aria-valuemin={0}
            aria-valuemax={100}
            {...(percent !== null ? { 'aria-valuenow': percent } : {})}
          >
            <span className="job-progress__fill" style={fraction === null ? undefined : { width: `${(fraction * 100).toFixed(1)}%` }} />
          </div>
          <p className="job-progress__meta">
            <span>{phaseLabel(job.phase)}</span>
            {amounts ? <span>{amounts}</span> : null}
            {eta ? <span>{eta}</span> : null}
          </p>
        </>
      ) : null}
      {cancel.state === 'error' ? <ErrorMessage error={cancel.error} title="The job could not be cancelled" /> : null}
      {job.state === 'succeeded' ? (
        describeResult && job.settled ? <div className="job-progress__result">{describeResult(job.result)}</div> : null
      ) : job.state === 'cancelled' ? (
        <p className="job-progress__result muted">
          {job.error?.message ?? job.message ?? 'The job was cancelled.'} {job.error?.hint ?? ''}
        </p>
      ) : final ? (
        job.error ? (
          <ErrorMessage error={job.error} />
        ) : (
          <p className="job-progress__result muted">{job.message ?? 'The job did not finish.'}</p>
        )
      ) : null}
    </div>
  );
}
