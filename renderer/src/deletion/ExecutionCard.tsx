/**
 * The deletion's execution (issue 7 "Executing: a job with a journal"): the live job
 * with its progress and cancel button, then the journal's steps with the time each
 * was done, the per-location totals, the verification and the last error. A crash or
 * a failed verification leaves the request executing; the page offers "Run again".
 */
import { JobProgress, type JobView } from '../jobs';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatBytes, formatCount, formatDateTime, plural, utcTitle } from '../ui/format';
import { locationLabel } from './certificate-facts';
import { formatClock, stepStates, type StepState } from './deletion-format';
import type { DeletionRequestView } from './deletion-types';

const STEP_MARK: Record<StepState, string> = { done: '✓', running: '', pending: '', failed: '!' };
const STEP_WORD: Record<StepState, string> = { done: 'Done', running: 'Running', pending: 'Waiting', failed: 'Stopped here' };

export function ExecutionCard({
  request,
  job,
  onJobFinished,
  onDismissJob,
  first,
}: {
  /** Shown before the request's facts while the deletion runs (CSS order: the card keeps its place in the tree). */
  first: boolean;
  request: DeletionRequestView;
  job: { jobId: string; phase: string | null; running: boolean } | null;
  onJobFinished: (v: JobView) => void;
  onDismissJob: () => void;
}) {
  const journal = request.journal;
  const failed = !job?.running && request.status === 'executing' && (journal?.lastError != null || (journal?.verification != null && !journal.verification.ok));
  const states = journal ? stepStates(journal.steps, { phase: job?.phase ?? null, running: !!job?.running }, failed) : [];
  const totals = journal ? Object.entries(journal.totals) : [];

  return (
    <section className={first ? 'card card--full deletion-execution deletion-execution--first' : 'card card--full deletion-execution'} aria-label="Execution" data-testid="deletion-execution">
      <header className="card__header">
        <h2 className="card__title">Execution</h2>
        <p className="card__subtitle">
          {request.executingStartedAt ? (
            <>
              Started <DateText iso={request.executingStartedAt} withTime />
              {request.executedBy ? ` by ${request.executedBy}` : ''}
              {journal && journal.runs > 1 ? ` · ${plural(journal.runs, 'run')}` : ''}
            </>
          ) : (
            'Each step is idempotent and safe to run again after a crash.'
          )}
        </p>
      </header>

      {job ? (
        <JobProgress
          key={job.jobId}
          jobId={job.jobId}
          title={`Deleting ${request.tenantSlug ?? request.tenantId}`}
          describeResult={describeResult}
          onFinished={onJobFinished}
          onDismiss={onDismissJob}
        />
      ) : null}

      {journal ? (
        <ol className="deletion-steps" data-testid="deletion-steps">
          {journal.steps.map((s, i) => {
            const state = states[i] ?? 'pending';
            return (
              <li key={s.id} className={`deletion-step deletion-step--${state}`} data-testid="deletion-step" data-step={s.id} data-state={state}>
                <span className="deletion-step__mark" aria-hidden="true">
                  {state === 'running' ? <span className="spinner__dot" /> : STEP_MARK[state] || i + 1}
                </span>
                <span className="deletion-step__label">{s.label}</span>
                <span className="deletion-step__when">
                  {s.doneAt ? (
                    <time dateTime={s.doneAt} title={`${formatDateTime(s.doneAt)} (${utcTitle(s.doneAt) ?? ''})`}>
                      {formatClock(s.doneAt)}
                    </time>
                  ) : (
                    <span className="muted">{STEP_WORD[state]}</span>
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      ) : job?.running ? null : (
        <p className="muted">No step has run yet.</p>
      )}

      {totals.length > 0 ? (
        <div className="table-wrap">
          <table className="table deletion-totals" aria-label="Deleted so far">
            <thead>
              <tr>
                <th scope="col">Location</th>
                <th scope="col" className="numeric">
                  Objects
                </th>
                <th scope="col" className="numeric">
                  Bytes
                </th>
              </tr>
            </thead>
            <tbody>
              {totals.map(([loc, t]) => (
                <tr key={loc}>
                  <td>{locationLabel(loc)}</td>
                  <td className="numeric">{formatCount(t?.objects ?? 0)}</td>
                  <td className="numeric">{formatBytes(t?.bytes ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {journal?.verification ? (
        journal.verification.ok ? (
          <p className="deletion-verified" data-testid="deletion-verification" data-ok="true">
            ✓ Verified <DateText iso={journal.verification.at} withTime />: {plural(journal.verification.checks.length, 'location')} listed again, all empty.
          </p>
        ) : (
          <div data-testid="deletion-verification" data-ok="false">
            <ErrorMessage
              error={{
                code: 'DELETION_VERIFY_FAILED',
                message: `Verification found ${plural(journal.verification.leftoverCount, 'object')} left after deletion.`,
                hint: 'The request stays executing until a rerun deletes them and verifies every location is empty.',
              }}
              title="Not everything is gone yet"
            />
            {journal.verification.leftovers.length > 0 ? (
              <ul className="deletion-leftovers">
                {journal.verification.leftovers.slice(0, 20).map((l) => (
                  <li key={`${l.location}\u0000${l.key}`}>
                    <span className="muted">{locationLabel(l.location)}</span> <span className="mono">{l.key}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        )
      ) : null}

      {journal?.lastError && request.status === 'executing' && !job?.running ? (
        <ErrorMessage error={{ code: journal.lastError.code, message: journal.lastError.message, hint: 'Run the deletion again: the steps already done are skipped.' }} title={`The last run stopped (${formatDateTime(journal.lastError.at)})`} />
      ) : null}
    </section>
  );
}

/** The deletion job's result (deletion.service.ts `summarize`). */
function describeResult(r: unknown) {
  const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
  const id = typeof o.certificateId === 'string' ? o.certificateId : null;
  return <p data-testid="job-result">Everything was deleted and verified{id ? <> · certificate <span className="mono">{id}</span> issued</> : ''}.</p>;
}
