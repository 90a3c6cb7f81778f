/**
 * "Restore as of which day?" (issue 6): the staff member picks a UTC day; the server
 * answers with the snapshot of that day, or — when the schedule kept none that day —
 * the nearest before and after with an explanation. The chosen snapshot is what a
 * sandbox opens or a whole-database restore requests.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { bandLabel } from '../backups/backup-bands';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { dayWords, defaultChoice, isDay, planChoices, utcClock, utcDay, type PlanChoice } from './restore-format';
import type { RestorePlan } from './restore-types';

type State = { kind: 'idle' } | { kind: 'loading'; day: string } | { kind: 'ok'; plan: RestorePlan } | { kind: 'error'; error: ErrorInfo };

export function DayPlanner({
  tenantId,
  day: initialDay,
  mayOpenSandbox,
  mayRequestLive,
  opening,
  onOpenSandbox,
  onRequestLive,
}: {
  tenantId: string;
  /** A day to start from (e.g. the one last planned); yesterday (UTC) otherwise. */
  day: string | null;
  mayOpenSandbox: boolean;
  mayRequestLive: boolean;
  /** A sandbox is being asked for: its button waits. */
  opening: boolean;
  onOpenSandbox: (choice: PlanChoice, day: string) => void;
  onRequestLive: (choice: PlanChoice, day: string) => void;
}) {
  const ids = useId();
  const [day, setDay] = useState(() => initialDay ?? utcDay(Date.now()));
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [chosen, setChosen] = useState<string | null>(null);

  // Another tenant: start again.
  useEffect(() => {
    setState({ kind: 'idle' });
    setChosen(null);
  }, [tenantId]);

  async function find(e?: FormEvent) {
    e?.preventDefault();
    if (!isDay(day)) {
      setState({ kind: 'error', error: { code: 'INVALID_INPUT', message: 'That is not a calendar day.', hint: 'Pick a day in the date field (YYYY-MM-DD).' } });
      return;
    }
    setState({ kind: 'loading', day });
    try {
      const plan = await call('restore.plan', { tenantId, day });
      setState({ kind: 'ok', plan });
      setChosen(defaultChoice(plan));
    } catch (err) {
      setState({ kind: 'error', error: toErrorInfo(err) });
    }
  }

  const plan = state.kind === 'ok' ? state.plan : null;
  const choices = plan ? planChoices(plan) : [];
  const choice = choices.find((c) => c.snapshotId === chosen) ?? null;

  return (
    <section className="restore-section" aria-label="Find the snapshot of a day" data-testid="restore-planner">
      <h3 className="section-title">Find the snapshot of a day</h3>
      <form className="restore-day-form" onSubmit={(e) => void find(e)}>
        <div className="field">
          <label className="field__label" htmlFor={`${ids}-day`}>
            The customer's data as of
          </label>
          <input
            id={`${ids}-day`}
            type="date"
            className="input restore-day-input"
            data-testid="restore-day"
            value={day}
            required
            onChange={(e) => setDay(e.target.value)}
          />
        </div>
        <button type="submit" className="button button--primary" data-testid="restore-find" disabled={state.kind === 'loading'}>
          {state.kind === 'loading' ? 'Looking…' : 'Find the snapshot'}
        </button>
        <p className="field__help restore-day-form__help">
          Days are UTC days, like the snapshot IDs{isDay(day) ? ` · ${dayWords(day)}` : ''}. The nightly snapshot of a day holds what was entered up to its time.
        </p>
      </form>

      {state.kind === 'loading' ? <Spinner label={`Looking for the snapshot of ${state.day}…`} /> : null}
      {state.kind === 'error' ? <ErrorMessage error={state.error} title="No snapshot could be chosen" /> : null}

      {plan ? (
        <div className="restore-plan" data-testid="restore-plan" data-kind={plan.kind}>
          <p className={plan.kind === 'exact' ? 'restore-plan__explanation' : 'restore-plan__explanation restore-plan__explanation--nearest'} data-testid="restore-plan-explanation">
            {plan.explanation}
          </p>
          <p className="muted restore-plan__band">
            {dayWords(plan.day)} falls in the {bandLabel(plan.band)} of the backup promise.
          </p>
          {choices.length > 0 ? (
            <fieldset className="restore-choices">
              <legend className="visually-hidden">Snapshot to restore from</legend>
              {choices.map((c) => (
                <ChoiceCard key={c.snapshotId} c={c} name={`${ids}-choice`} checked={c.snapshotId === chosen} onChoose={() => setChosen(c.snapshotId)} />
              ))}
            </fieldset>
          ) : null}
          {plan.unusable.length > 0 ? (
            <details className="restore-unusable">
              <summary>{plan.unusable.length === 1 ? '1 snapshot near that day cannot be used' : `${plan.unusable.length} snapshots near that day cannot be used`}</summary>
              <ul>
                {plan.unusable.map((u) => (
                  <li key={u.snapshotId}>
                    <DateText iso={u.takenAt} withTime /> <span className="mono muted">{u.snapshotId}</span> — {u.reason}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {choice && (mayOpenSandbox || mayRequestLive) ? (
            <div className="restore-plan__actions">
              {mayOpenSandbox ? (
                <button type="button" className="button button--primary" data-testid="restore-open-sandbox" disabled={opening} onClick={() => onOpenSandbox(choice, plan.day)}>
                  {opening ? 'Opening…' : 'Open in a sandbox…'}
                </button>
              ) : null}
              {mayRequestLive ? (
                <button type="button" className="button" data-testid="restore-request-live" onClick={() => onRequestLive(choice, plan.day)}>
                  Restore the whole database from this snapshot…
                </button>
              ) : null}
              <p className="field__help restore-plan__actions-help">
                {mayOpenSandbox
                  ? 'A sandbox is a read-only copy of the snapshot: compare it with the live database and bring back only the records the customer lost.'
                  : 'A whole-database restore replaces everything entered since the snapshot; technical staff can bring back single records instead.'}
              </p>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function ChoiceCard({ c, name, checked, onChoose }: { c: PlanChoice; name: string; checked: boolean; onChoose: () => void }) {
  return (
    <label className={checked ? 'restore-choice restore-choice--checked' : 'restore-choice'} data-testid="restore-choice" data-role={c.role} data-snapshot-id={c.snapshotId}>
      <input type="radio" name={name} checked={checked} onChange={onChoose} />
      <span className="restore-choice__body">
        <span className="restore-choice__title">{c.title}</span>
        <span className="restore-choice__when">
          <DateText iso={c.takenAt} withTime /> <span className="muted">({utcClock(c.takenAt)})</span>
          {c.verified ? <span className="restore-verified">verified</span> : <span className="muted"> · not verified yet (checked before it is used)</span>}
        </span>
        <span className="restore-choice__note">{c.note}</span>
        <span className="mono muted restore-choice__id">{c.snapshotId}</span>
      </span>
    </label>
  );
}
