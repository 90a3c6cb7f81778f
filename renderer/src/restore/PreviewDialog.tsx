/**
 * Before a selective restore is requested, exactly what it would do (CONVENTIONS.md §15:
 * destructive operations are two steps): the rows that come back per entity, what comes
 * along with the ticked records (their history, lines, tasks, files, custom values
 * deleted with them) and which parents return because they are gone too; what is left
 * untouched because it already exists live; and what blocks the request. The request
 * then carries the same selection; the approval binds the plan's fingerprint.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { call, type ErrorInfo } from '../api/client';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { ModalDialog } from '../ui/ModalDialog';
import { Spinner } from '../ui/Spinner';
import { formatCount, plural } from '../ui/format';
import { useGrantGate } from './grant-gate';
import { comingAlongWords, entityLabel, pickedLeftOut, previewRows, validateTicketReason } from './restore-format';
import type { RecordRef, RestoreRequestView, SandboxView, SelectionPlanView } from './restore-types';
import { TicketReasonFields } from './TicketReasonFields';

const LISTED = 8;

export function PreviewDialog({
  tenantId,
  sandbox,
  selection,
  onClose,
  onRequested,
}: {
  tenantId: string;
  sandbox: SandboxView;
  selection: RecordRef[];
  onClose: () => void;
  onRequested: (r: RestoreRequestView) => void;
}) {
  const gate = useGrantGate();
  const [plan, setPlan] = useState<SelectionPlanView | null>(null);
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null);
  const [ticket, setTicket] = useState(sandbox.ticket);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    let live = true;
    void gate(
      async () => {
        const p = await call('restore.previewSelection', { tenantId, sandboxId: sandbox.id, selection });
        if (live) setPlan(p);
      },
      (e) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
    // The selection is fixed while the dialog is open.
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const errors = validateTicketReason(ticket, reason);
  const blocked = !plan || plan.refusals.length > 0 || plan.totalRows === 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (busy || blocked || errors.ticket || errors.reason) return;
    setBusy(true);
    setError(null);
    await gate(
      async () => {
        onRequested(await call('restore.request', { kind: 'records', tenantId, sandboxId: sandbox.id, selection, ticket: ticket.trim(), reason: reason.trim() }));
      },
      (err) => setError(err),
    );
    setBusy(false);
  }

  const rows = plan ? previewRows(plan) : [];
  const along = comingAlongWords(rows, 'children');
  const parents = comingAlongWords(rows, 'parents');
  const untouched = plan ? pickedLeftOut(selection, plan) : [];
  const withParents = rows.some((r) => r.parents > 0);

  return (
    <ModalDialog title={`Restore ${plural(selection.length, 'ticked record')}`} onClose={onClose} testId="restore-preview-dialog" wide>
      <form className="dialog-form restore-preview" onSubmit={(e) => void submit(e)} noValidate>
        <p className="dialog-form__lead">
          From the snapshot of <DateText iso={sandbox.snapshotTakenAt} withTime />, into the live database. Nothing that exists live is changed or removed: only missing rows are inserted.
        </p>
        {!plan && !loadError ? <Spinner label="Working out what comes back…" /> : null}
        {loadError ? <ErrorMessage error={loadError} title="The preview could not be made" /> : null}
        {plan ? (
          <>
            <p className="restore-preview__total" data-testid="restore-preview-total" data-rows={plan.totalRows}>
              {plan.totalRows === 0 ? 'Nothing would be inserted.' : `${plural(plan.totalRows, 'row')} will be inserted.`}
            </p>
            {rows.length > 0 ? (
              <table className="table restore-preview-table" data-testid="restore-preview-table">
                <thead>
                  <tr>
                    <th scope="col">Entity</th>
                    <th scope="col" className="numeric">
                      Ticked
                    </th>
                    <th scope="col" className="numeric">
                      Coming along
                    </th>
                    {withParents ? (
                      <th scope="col" className="numeric">
                        Parents brought back
                      </th>
                    ) : null}
                    <th scope="col" className="numeric">
                      Inserted
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.entity} data-testid="restore-preview-row" data-entity={r.entity} data-total={r.total}>
                      <th scope="row">{r.label}</th>
                      <td className="numeric">{r.picked ? formatCount(r.picked) : <span className="muted">–</span>}</td>
                      <td className="numeric">{r.children ? formatCount(r.children) : <span className="muted">–</span>}</td>
                      {withParents ? <td className="numeric">{r.parents ? formatCount(r.parents) : <span className="muted">–</span>}</td> : null}
                      <td className="numeric">
                        <strong>{formatCount(r.total)}</strong>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {along ? (
              <p className="restore-preview__note" data-testid="restore-preview-children">
                <strong>Coming along</strong>, because they belong to what you ticked and were deleted with it: {along}.
              </p>
            ) : null}
            {parents ? (
              <p className="restore-preview__note" data-testid="restore-preview-parents">
                <strong>Brought back too</strong>, because what returns points at them and they are gone from the live database: {parents}.
              </p>
            ) : null}
            {plan.conflicts.length > 0 || untouched.length > 0 ? (
              <div className="notice restore-preview__conflicts" data-testid="restore-preview-conflicts">
                <p>
                  <strong>Left untouched:</strong> {plural(Math.max(plan.conflicts.length, untouched.length), 'record')} already exist in the live database with the same ID; the live version stays as it is.
                </p>
                <ProblemList items={plan.conflicts} />
              </div>
            ) : null}
            {plan.refusals.length > 0 ? (
              <div className="error-message" role="alert" data-testid="restore-preview-refusals">
                <p className="error-message__title">This selection cannot be restored</p>
                <ProblemList items={plan.refusals} />
                <p className="error-message__hint">Change the selection: untick these records, or tick what they need.</p>
              </div>
            ) : null}
            {plan.refusals.length === 0 && plan.totalRows > 0 ? (
              <>
                <TicketReasonFields
                  ticket={ticket}
                  reason={reason}
                  errors={tried ? errors : {}}
                  onTicket={setTicket}
                  onReason={setReason}
                  reasonPlaceholder="e.g. Customer deleted the deal by mistake on Monday and wants it back with its history"
                />
                <p className="field__help">A second staff member (technical or admin) approves the request; then it is run under a justification. The live database gets a safety snapshot first.</p>
              </>
            ) : null}
          </>
        ) : null}
        {error ? <ErrorMessage error={error} title="The restore was not requested" /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="restore-preview-submit" disabled={busy || blocked}>
            {busy ? 'Requesting…' : 'Request this restore'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function ProblemList({ items }: { items: readonly { entity: string; id: number; reason: string }[] }) {
  if (items.length === 0) return null;
  return (
    <ul className="restore-problems">
      {items.slice(0, LISTED).map((p) => (
        <li key={`${p.entity}:${p.id}`}>
          {entityLabel(p.entity)} <span className="mono">#{p.id}</span>: {p.reason}
        </li>
      ))}
      {items.length > LISTED ? <li className="muted">and {formatCount(items.length - LISTED)} more</li> : null}
    </ul>
  );
}
