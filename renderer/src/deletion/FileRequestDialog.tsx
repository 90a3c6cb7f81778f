/**
 * Filing a leaving customer's deletion request (issue 7 "Filed by an account
 * manager"): the tenant, the customer's own reference and the date it was received
 * (the legal clock starts then), who asked, why, and whether a final advanced export
 * comes first. The server validates again; its message is shown as it comes.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { StatusBadge } from '../tenants/TenantBadges';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { ModalDialog } from '../ui/ModalDialog';
import { Spinner } from '../ui/Spinner';
import { localDay } from './deletion-format';
import type { DeletionRequestView } from './deletion-types';

type TenantRow = OpOutput<'tenants.list'>['rows'][number];
export type PickedTenant = Pick<TenantRow, 'id' | 'slug' | 'name' | 'status'>;

const REFERENCE_MAX = 200;
const CONTACT_MAX = 320;
const REASON_MAX = 2000;

export function FileRequestDialog({ initialTenant, onClose, onFiled }: { initialTenant?: PickedTenant | null; onClose: () => void; onFiled: (r: DeletionRequestView) => void }) {
  const [tenant, setTenant] = useState<PickedTenant | null>(initialTenant ?? null);
  const [reference, setReference] = useState('');
  const [received, setReceived] = useState(() => localDay(new Date()));
  const [contact, setContact] = useState('');
  const [reason, setReason] = useState('');
  const [finalExport, setFinalExport] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const reasonId = useId();

  const complete = tenant !== null && reference.trim() !== '' && /^\d{4}-\d{2}-\d{2}$/.test(received) && contact.trim() !== '' && reason.trim() !== '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!tenant || !complete || busy) return;
    setBusy(true);
    setError(null);
    try {
      const filed = await call('deletion.file', {
        tenantId: tenant.id,
        requestReference: reference.trim(),
        receivedOn: received,
        requesterContact: contact.trim(),
        reason: reason.trim(),
        wantsFinalExport: finalExport,
      });
      onFiled(filed);
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <ModalDialog title="File a deletion request" onClose={onClose} testId="deletion-file-dialog" wide>
      <form className="dialog-form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="dialog-form__lead">
          The customer asked for the permanent deletion of all the data it entered. An admin who did not file the request approves it; after a grace period it can be executed.
        </p>
        <TenantPicker value={tenant} onChange={setTenant} locked={!!initialTenant} />
        <div className="deletion-form__row">
          <Field
            label="Customer's request reference"
            testId="deletion-file-reference"
            value={reference}
            maxLength={REFERENCE_MAX}
            onChange={(e) => setReference(e.target.value)}
            placeholder="e.g. their ticket or letter number"
            autoComplete="off"
            required
          />
          <Field
            label="Date received"
            testId="deletion-file-received"
            type="date"
            value={received}
            onChange={(e) => setReceived(e.target.value)}
            help="The legal deadline counts from this day."
            required
          />
        </div>
        <Field
          label="Requester contact"
          testId="deletion-file-contact"
          value={contact}
          maxLength={CONTACT_MAX}
          onChange={(e) => setContact(e.target.value)}
          placeholder="Name and e-mail of the customer's person who asked"
          autoComplete="off"
          help="Printed on the certificate of deletion; removed from the request once it completes."
          required
        />
        <div className="field">
          <label className="field__label" htmlFor={reasonId}>
            Reason
          </label>
          <textarea id={reasonId} className="textarea" data-testid="deletion-file-reason" value={reason} maxLength={REASON_MAX} onChange={(e) => setReason(e.target.value)} placeholder="e.g. Contract ended on 31 March; the customer asks for deletion under the DPA." required />
        </div>
        <label className="deletion-checkbox">
          <input type="checkbox" data-testid="deletion-file-final-export" checked={finalExport} onChange={(e) => setFinalExport(e.target.checked)} />
          <span>
            <strong>The customer wants a final export first</strong>
            <span className="field__help deletion-checkbox__help">The advanced export runs before the deletion is scheduled, and its job and location are recorded on the request. Free under the export rule if the customer has not used its free export.</span>
          </span>
        </label>
        {error ? <ErrorMessage error={error} title="The request was not filed" /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="deletion-file-submit" disabled={!complete || busy}>
            {busy ? 'Filing…' : 'File request'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/**
 * The tenant, found by slug or name (tenants.list's search). Typing a slug or ID
 * exactly selects it; otherwise pick from the matches.
 */
function TenantPicker({ value, onChange, locked }: { value: PickedTenant | null; onChange: (t: PickedTenant | null) => void; locked: boolean }) {
  const [query, setQuery] = useState(value?.slug ?? '');
  const [found, setFound] = useState<{ state: 'idle' } | { state: 'loading' } | { state: 'ok'; rows: TenantRow[]; total: number } | { state: 'error'; error: ErrorInfo }>({ state: 'idle' });
  const id = useId();
  const listId = `${id}-list`;

  const needle = query.trim();
  const settled = value !== null && (needle === value.slug || needle === value.id);

  useEffect(() => {
    if (needle === '') {
      setFound({ state: 'idle' });
      return;
    }
    // Picked (by a click, or by typing its slug exactly): the matches stay shown, the pick marked.
    if (settled) return;
    let live = true;
    setFound((prev) => (prev.state === 'ok' ? prev : { state: 'loading' }));
    const timer = setTimeout(() => {
      call('tenants.list', { query: needle, limit: 8, sort: 'name', direction: 'asc' }).then(
        (r) => {
          if (!live) return;
          setFound({ state: 'ok', rows: exactFirst(r.rows, needle), total: r.total });
          const exact = r.rows.find((t) => (t.slug === needle || t.id === needle) && t.status !== 'deleted');
          if (exact) onChange(exact);
        },
        (e: unknown) => live && setFound({ state: 'error', error: toErrorInfo(e) }),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [needle, settled, onChange]);

  if (locked && value) {
    return (
      <div className="field">
        <span className="field__label">Tenant</span>
        <div className="deletion-picked" data-testid="deletion-file-tenant" data-tenant-id={value.id}>
          <span className="deletion-picked__name">{value.name}</span>
          <span className="mono muted">{value.slug}</span>
          <StatusBadge status={value.status} />
        </div>
      </div>
    );
  }

  return (
    <div className="field deletion-picker">
      <label className="field__label" htmlFor={id}>
        Tenant
      </label>
      <input
        id={id}
        className="input"
        data-testid="deletion-file-tenant"
        data-tenant-id={value?.id}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          if (value && e.target.value.trim() !== value.slug && e.target.value.trim() !== value.id) onChange(null);
        }}
        placeholder="Search by slug or name"
        autoComplete="off"
        role="combobox"
        aria-expanded={found.state === 'ok' && found.rows.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
      />
      {found.state === 'loading' ? (
        <Spinner label="Searching…" />
      ) : found.state === 'error' ? (
        <ErrorMessage error={found.error} />
      ) : found.state === 'ok' && found.rows.length > 0 ? (
        <ul className="deletion-picker__list" id={listId} role="listbox" aria-label="Matching tenants">
          {found.rows.map((t) => {
            const picked = value?.id === t.id;
            return (
              <li key={t.id} role="option" aria-selected={picked} aria-disabled={t.status === 'deleted'}>
                <button
                  type="button"
                  className={picked ? 'deletion-picker__option deletion-picker__option--picked' : 'deletion-picker__option'}
                  data-testid="deletion-file-tenant-option"
                  data-tenant-id={t.id}
                  disabled={t.status === 'deleted'}
                  title={t.status === 'deleted' ? 'This tenant is already deleted' : undefined}
                  onClick={() => {
                    onChange(t);
                    setQuery(t.slug);
                  }}
                >
                  <span className="deletion-picker__check" aria-hidden="true">
                    {picked ? '✓' : ''}
                  </span>
                  <span className="deletion-picked__name">{t.name}</span>
                  <span className="mono muted">{t.slug}</span>
                  <StatusBadge status={t.status} />
                </button>
              </li>
            );
          })}
          {found.total > found.rows.length ? <li className="field__help deletion-picker__more">{found.total - found.rows.length} more: type more of the slug or name.</li> : null}
        </ul>
      ) : found.state === 'ok' ? (
        <p className="field__help">No tenant matches “{needle}”.</p>
      ) : (
        <p className="field__help">Type the tenant's slug (as in its address) or part of its name.</p>
      )}
      {value && settled ? (
        <p className="field__help" data-testid="deletion-file-tenant-picked" data-tenant-id={value.id}>
          Selected: <strong>{value.name}</strong> <span className="mono">{value.id}</span>
        </p>
      ) : null}
    </div>
  );
}

/** The tenant whose slug or ID was typed exactly comes first, whatever its name. */
function exactFirst(rows: TenantRow[], needle: string): TenantRow[] {
  const i = rows.findIndex((t) => t.slug === needle || t.id === needle);
  if (i <= 0) return rows;
  return [rows[i] as TenantRow, ...rows.slice(0, i), ...rows.slice(i + 1)];
}
