import type { ReactNode } from 'react';
import type { ErrorInfo } from '../api/client';

/**
 * The server's words, as it wrote them (CONVENTIONS.md §6: errors carry the fix):
 * message, then what to do next. The code is shown small, for a ticket.
 */
export function ErrorMessage({ error, title, children }: { error: ErrorInfo; title?: string; children?: ReactNode }) {
  return (
    <div className="error-message" role="alert" data-testid="error-message" data-code={error.code}>
      {title ? <p className="error-message__title">{title}</p> : null}
      <p className="error-message__text">{error.message}</p>
      {error.hint ? <p className="error-message__hint">{error.hint}</p> : null}
      <p className="error-message__code">{error.code}</p>
      {children ? <div className="error-message__actions">{children}</div> : null}
    </div>
  );
}

/** What a panel's last failed action said, with the action's name as the title. */
export interface TitledError {
  title: string;
  error: ErrorInfo;
}

/** A failed action's error, shown until the user dismisses it (nothing when there is none). */
export function DismissibleError({ value, onDismiss }: { value: TitledError | null; onDismiss: () => void }) {
  if (!value) return null;
  return (
    <ErrorMessage error={value.error} title={value.title}>
      <button type="button" className="button button--small" onClick={onDismiss}>
        Dismiss
      </button>
    </ErrorMessage>
  );
}
