/**
 * The request's timeline (issue 7: "every transition audited"; the request page shows
 * them): who did what, when, from which status to which, and the note (a cancel's or a
 * hold's reason, what an amendment changed). Oldest first, as the story is told.
 */
import { DateText } from '../ui/DateText';
import { transitionStates, transitionTitle } from './deletion-format';
import type { DeletionTransitionView } from './deletion-types';

export function DeletionTimeline({ items }: { items: readonly DeletionTransitionView[] }) {
  return (
    <section className="card deletion-timeline-card" aria-label="Timeline">
      <header className="card__header">
        <h2 className="card__title">Timeline</h2>
        <p className="card__subtitle">Every transition, oldest first</p>
      </header>
      {items.length === 0 ? (
        <p className="muted">No transition recorded.</p>
      ) : (
        <ol className="deletion-timeline" data-testid="deletion-timeline">
          {items.map((t) => (
            <li key={t.n} className={`deletion-timeline__item deletion-timeline__item--${t.action}`} data-testid="deletion-timeline-item" data-action={t.action} data-to={t.to}>
              <span className="deletion-timeline__dot" aria-hidden="true" />
              <div className="deletion-timeline__body">
                <p className="deletion-timeline__title">
                  <strong>{transitionTitle(t)}</strong>
                  {t.from !== null ? <span className="deletion-timeline__states">{transitionStates(t)}</span> : null}
                </p>
                <p className="deletion-timeline__meta">
                  <DateText iso={t.at} withTime /> · {t.actor}
                </p>
                {t.note && !(t.action === 'execute' && t.note === 'Resumed.') ? <p className="deletion-timeline__note">{t.note}</p> : null}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
