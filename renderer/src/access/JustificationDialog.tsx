import { useId, useState, type FormEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { ModalDialog } from '../ui/ModalDialog';
import { announceGrant } from './grant-events';
import { DEFAULT_GRANT_MINUTES, GRANT_DURATIONS, REASON_MIN, validateJustification, type GrantView } from './grant-time';

/**
 * PRODUCT.md: access to the contents of a tenant's database is limited to selected
 * technical staff, only as far as needed, and every such access leaves a trace. This
 * asks for the why (reason + customer ticket) and opens a grant for this staff member
 * and this tenant only, for a short time.
 */
export function JustificationDialog({
  tenantId,
  tenantName,
  notice,
  onClose,
  onGranted,
}: {
  tenantId: string;
  tenantName: string | null;
  /** Why it opened by itself (the server asked for a justification, or the last one ran out). */
  notice: ErrorInfo | null;
  onClose: () => void;
  onGranted: (g: GrantView) => void;
}) {
  const ids = useId();
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  const [minutes, setMinutes] = useState<number>(DEFAULT_GRANT_MINUTES);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const errors = validateJustification(reason, ticket);
  const shown = tried ? errors : {};
  const reasonLength = reason.trim().length;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setTried(true);
    if (errors.reason || errors.ticket) return;
    setBusy(true);
    setError(null);
    try {
      const g = await call('grants.open', { tenantId, reason: reason.trim(), ticket: ticket.trim(), minutes });
      announceGrant(g);
      onGranted(g);
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <ModalDialog title="Why do you need this tenant's records?" onClose={onClose} testId="justification-dialog" wide>
      <form className="dialog-form" onSubmit={submit} noValidate>
        {notice ? (
          <div className="notice" role="status">
            <p>{notice.message}</p>
          </div>
        ) : null}
        <p className="dialog-form__lead">
          Access to the records of {tenantName ? <strong>{tenantName}</strong> : 'this tenant'} (<span className="mono">{tenantId}</span>) is granted to you alone, for the time you
          choose. The reason, the ticket and every view are written to the audit log, which admins and the customer's auditors can read.
        </p>
        <div className="field">
          <label className="field__label" htmlFor={`${ids}-reason`}>
            Reason
          </label>
          <textarea
            id={`${ids}-reason`}
            className="textarea"
            data-testid="justification-reason"
            value={reason}
            maxLength={500}
            rows={3}
            placeholder="e.g. Customer reports deals deleted on Monday; checking which ones before a restore"
            aria-invalid={!!shown.reason}
            aria-describedby={`${ids}-reason-meta`}
            data-autofocus
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="field__meta" id={`${ids}-reason-meta`}>
            {shown.reason ? <span className="field__error">{shown.reason}</span> : <span className="field__help">What you will look at, and why the customer's request needs it.</span>}
            <span className="field__counter">{reasonLength < REASON_MIN ? `${reasonLength} / ${REASON_MIN} minimum` : `${reasonLength} / 500`}</span>
          </div>
        </div>
        <div className="dialog-form__row">
          <div className="field">
            <label className="field__label" htmlFor={`${ids}-ticket`}>
              Customer ticket
            </label>
            <input
              id={`${ids}-ticket`}
              className="input mono"
              data-testid="justification-ticket"
              value={ticket}
              maxLength={64}
              placeholder="SUP-1234"
              spellCheck={false}
              autoComplete="off"
              aria-invalid={!!shown.ticket}
              onChange={(e) => setTicket(e.target.value)}
            />
            {shown.ticket ? <p className="field__error">{shown.ticket}</p> : null}
          </div>
          <div className="field duration-field">
            <label className="field__label" htmlFor={`${ids}-minutes`}>
              For
            </label>
            <select id={`${ids}-minutes`} className="select" data-testid="justification-minutes" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
              {GRANT_DURATIONS.map((m) => (
                <option key={m} value={m}>
                  {m < 60 ? `${m} minutes` : m === 60 ? '1 hour' : `${m / 60} hours`}
                </option>
              ))}
            </select>
          </div>
        </div>
        {error ? <ErrorMessage error={error} title="Access was not granted" /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="justification-submit" disabled={busy}>
            {busy ? 'Opening access…' : `Open access for ${minutes < 60 ? `${minutes} min` : `${minutes / 60} h`}`}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
