import { useId } from 'react';
import { REASON_MAX, TICKET_MAX } from './restore-format';

/** The customer ticket and the reason: every restore request carries both, and the audit log shows them. */
export function TicketReasonFields({
  ticket,
  reason,
  errors,
  onTicket,
  onReason,
  reasonPlaceholder,
}: {
  ticket: string;
  reason: string;
  errors: { ticket?: string | undefined; reason?: string | undefined };
  onTicket: (v: string) => void;
  onReason: (v: string) => void;
  reasonPlaceholder: string;
}) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-ticket`}>
          Customer ticket
        </label>
        <input
          id={`${id}-ticket`}
          className="input mono restore-ticket-input"
          data-testid="restore-ticket"
          value={ticket}
          maxLength={TICKET_MAX}
          placeholder="SUP-1234"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={!!errors.ticket}
          onChange={(e) => onTicket(e.target.value)}
        />
        {errors.ticket ? <p className="field__error">{errors.ticket}</p> : null}
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-reason`}>
          Reason
        </label>
        <textarea
          id={`${id}-reason`}
          className="textarea"
          data-testid="restore-reason"
          value={reason}
          maxLength={REASON_MAX}
          rows={3}
          placeholder={reasonPlaceholder}
          aria-invalid={!!errors.reason}
          onChange={(e) => onReason(e.target.value)}
        />
        {errors.reason ? <p className="field__error">{errors.reason}</p> : <p className="field__help">The approver reads it; it stays with the request.</p>}
      </div>
    </>
  );
}
