/**
 * "Export…": what to export (advanced or basic), in which formats, for whom (people:
 * formulas neutralised; machines: cells as stored), where to (a folder, or the object
 * store with a download link), and whether it is billable — the preview says so
 * before anything starts (PRODUCT.md "Exports": one free advanced export for a
 * commercial customer; a further one, or one for a trial tenant, is billable).
 *
 * Under Electron a native folder dialog may replace the path field later
 * (CONVENTIONS.md §17: host features behind their own interface); for now both hosts
 * take a path, checked by the server before the job starts.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput, canPickFolder, pickFolder } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { ModalDialog } from '../ui/ModalDialog';
import { Spinner } from '../ui/Spinner';
import { formatBytes } from '../ui/format';
import {
  BILLING_REFERENCE_MAX,
  defaultFormats,
  hasErrors,
  initialForm,
  toggleFormat,
  toStartInput,
  validateExportForm,
  type DestinationKind,
  type ExportForm,
  type ExportProfile,
} from './export-format';

type Preview = OpOutput<'exports.preview'>;

type PreviewState = { state: 'loading'; last: Preview | null } | { state: 'ok'; value: Preview } | { state: 'error'; error: ErrorInfo };

export interface StartedExport {
  jobId: string;
  profile: ExportProfile;
  destination: DestinationKind;
  /** The folder written to, for a folder destination. */
  folder: string | null;
  billing: 'free' | 'billable';
}

export function ExportDialog({
  tenantId,
  tenantName,
  lastFolder,
  onClose,
  onStarted,
}: {
  tenantId: string;
  tenantName: string;
  /** The folder of the last export started from this panel: staff usually export to the same place again. */
  lastFolder: string | null;
  onClose: () => void;
  onStarted: (s: StartedExport) => void;
}) {
  const ids = useId();
  const [form, setForm] = useState<ExportForm>(() => initialForm(lastFolder ?? ''));
  const [pathTouched, setPathTouched] = useState(lastFolder !== null);
  const [preview, setPreview] = useState<PreviewState>({ state: 'loading', last: null });
  const [previewAttempt, setPreviewAttempt] = useState(0);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const referenceRef = useRef<HTMLInputElement>(null);

  // Free or billable depends on the profile (the basic export is always free): ask again on each change.
  useEffect(() => {
    let live = true;
    setPreview((prev) => ({ state: 'loading', last: prev.state === 'ok' ? prev.value : prev.state === 'loading' ? prev.last : null }));
    call('exports.preview', { tenantId, profile: form.profile }).then(
      (value) => {
        if (!live) return;
        setPreview({ state: 'ok', value });
      },
      (e: unknown) => live && setPreview({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [tenantId, form.profile, previewAttempt]);

  const shown = preview.state === 'ok' ? preview.value : preview.state === 'loading' ? preview.last : null;

  // Prefill the folder with the console's default export folder, unless staff already typed one.
  useEffect(() => {
    if (shown && !pathTouched) setForm((f) => (f.folderPath === '' ? { ...f, folderPath: shown.defaultFolder } : f));
  }, [shown, pathTouched]);

  const billing = preview.state === 'ok' ? preview.value.billing.status : null;
  const errors = validateExportForm(form, billing);
  const visible = tried ? errors : {};
  const canStart = preview.state === 'ok' && !busy;

  const set = <K extends keyof ExportForm>(key: K, value: ExportForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!canStart || billing === null) return;
    setTried(true);
    if (hasErrors(errors)) {
      if (errors.billingReference) referenceRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { jobId, billing: charged } = await call('exports.start', toStartInput(tenantId, form, billing));
      onStarted({ jobId, profile: form.profile, destination: form.destination, folder: form.destination === 'folder' ? form.folderPath.trim() : null, billing: charged.status });
    } catch (err) {
      const info = toErrorInfo(err);
      setError(info);
      setBusy(false);
      // Someone else's export may have used the free one meanwhile: the preview then asks for the reference.
      if (info.code === 'EXPORT_BILLING_REFERENCE_REQUIRED') {
        setTried(true);
        setPreviewAttempt((a) => a + 1);
      }
    }
  }

  const hasCsv = form.formats.includes('csv');

  // Refused before anything can be chosen (an account manager on a tenant that is not offboarding,
  // a deleted tenant): the server's words, and nothing else to fill in.
  if (preview.state === 'error') {
    return (
      <ModalDialog title={`Export ${tenantName}`} onClose={onClose} testId="export-dialog" wide>
        <div className="dialog-form">
          <ErrorMessage error={preview.error} title="This export cannot be run" />
          <div className="dialog-form__actions">
            <button type="button" className="button button--ghost" onClick={() => setPreviewAttempt((a) => a + 1)}>
              Try again
            </button>
            <button type="button" className="button" onClick={onClose} data-autofocus>
              Close
            </button>
          </div>
        </div>
      </ModalDialog>
    );
  }

  return (
    <ModalDialog title={`Export ${tenantName}`} onClose={onClose} testId="export-dialog" wide>
      <form className="dialog-form export-form" onSubmit={submit} noValidate>
        <fieldset className="export-form__group">
          <legend className="field__label">What</legend>
          <div className="export-choices">
            <Choice
              name={`${ids}-profile`}
              testId="export-profile-advanced"
              checked={form.profile === 'advanced'}
              onChange={() => setForm((f) => ({ ...f, profile: 'advanced', formats: f.profile === 'advanced' ? f.formats : defaultFormats('advanced') }))}
              title="Advanced export"
              text="All 12 lists (companies, persons, colleagues, opportunities, spaces, tasks, four histories, income and expense lines, files), ID-linked, plus the attached files in .tar.gz volumes."
            />
            <Choice
              name={`${ids}-profile`}
              testId="export-profile-basic"
              checked={form.profile === 'basic'}
              onChange={() => setForm((f) => ({ ...f, profile: 'basic', formats: f.profile === 'basic' ? f.formats : defaultFormats('basic') }))}
              title="Basic export"
              text="The customer's own list export: persons, companies, colleagues and opportunities, every column and custom field, as one workbook (a sheet per list). Always free."
            />
          </div>
        </fieldset>

        <BillingNotice preview={preview} profile={form.profile} />

        {billing === 'billable' ? (
          <div className="field">
            <label className="field__label" htmlFor={`${ids}-ref`}>
              Billing reference
            </label>
            <input
              ref={referenceRef}
              id={`${ids}-ref`}
              className="input mono"
              data-testid="export-billing-reference"
              value={form.billingReference}
              maxLength={BILLING_REFERENCE_MAX + 20}
              placeholder="e.g. PO-2026-118"
              spellCheck={false}
              autoComplete="off"
              aria-invalid={!!visible.billingReference}
              aria-required="true"
              onChange={(e) => set('billingReference', e.target.value)}
            />
            {visible.billingReference ? <p className="field__error">{visible.billingReference}</p> : <p className="field__help">The order or invoice number agreed with the customer; it goes into the ledger and the package.</p>}
          </div>
        ) : null}

        <fieldset className="export-form__group">
          <legend className="field__label">Formats</legend>
          <div className="export-inline">
            <label className="export-check">
              <input type="checkbox" data-testid="export-format-csv" checked={hasCsv} onChange={(e) => set('formats', toggleFormat(form.formats, 'csv', e.target.checked))} />
              <span>
                CSV <span className="muted">(UTF-8, one file per list)</span>
              </span>
            </label>
            <label className="export-check">
              <input type="checkbox" data-testid="export-format-xlsx" checked={form.formats.includes('xlsx')} onChange={(e) => set('formats', toggleFormat(form.formats, 'xlsx', e.target.checked))} />
              <span>
                XLSX <span className="muted">({form.profile === 'basic' ? 'one workbook' : 'one workbook per list'})</span>
              </span>
            </label>
          </div>
          {visible.formats ? <p className="field__error">{visible.formats}</p> : null}
        </fieldset>

        <fieldset className="export-form__group">
          <legend className="field__label">Who will open it</legend>
          <div className="export-choices export-choices--two">
            <Choice
              name={`${ids}-audience`}
              testId="export-audience-people"
              checked={form.audience === 'people'}
              onChange={() => set('audience', 'people')}
              title="For people (Excel-safe: formulas neutralised)"
              text="CSV cells starting with = + - @ get a leading ' so a spreadsheet never runs them; the README says so."
            />
            <Choice
              name={`${ids}-audience`}
              testId="export-audience-machine"
              checked={form.audience === 'machine'}
              onChange={() => set('audience', 'machine')}
              title="For machine re-import"
              text="CSV cells exactly as stored, UTF-8 without BOM. Unsafe to open in a spreadsheet."
            />
          </div>
          {!hasCsv ? <p className="field__help">This choice changes only CSV files: XLSX always keeps text as text.</p> : null}
        </fieldset>

        <fieldset className="export-form__group">
          <legend className="field__label">Destination</legend>
          <label className="export-radio">
            <input type="radio" name={`${ids}-dest`} data-testid="export-destination-folder" checked={form.destination === 'folder'} onChange={() => set('destination', 'folder')} />
            <span>A folder</span>
          </label>
          <div className="export-form__indent">
            <label className="visually-hidden" htmlFor={`${ids}-path`}>
              Folder path
            </label>
            <input
              id={`${ids}-path`}
              className="input mono export-form__path"
              data-testid="export-folder-path"
              value={form.folderPath}
              placeholder={shown?.defaultFolder ?? '/path/to/folder'}
              spellCheck={false}
              autoComplete="off"
              disabled={form.destination !== 'folder'}
              aria-invalid={!!visible.folderPath}
              aria-describedby={`${ids}-path-help`}
              onChange={(e) => {
                setPathTouched(true);
                set('folderPath', e.target.value);
              }}
            />
            {canPickFolder() ? (
              <button
                type="button"
                className="button"
                data-testid="export-folder-choose"
                disabled={form.destination !== 'folder'}
                onClick={() =>
                  void pickFolder().then((p) => {
                    if (p) {
                      setPathTouched(true);
                      set('folderPath', p);
                    }
                  })
                }
              >
                Choose…
              </button>
            ) : null}
            {visible.folderPath ? (
              <p className="field__error">{visible.folderPath}</p>
            ) : (
              <p className="field__help" id={`${ids}-path-help`}>
                An existing folder on this machine. The package appears in it under its final name only once complete and verified.
              </p>
            )}
          </div>
          <label className="export-radio">
            <input type="radio" name={`${ids}-dest`} data-testid="export-destination-store" checked={form.destination === 'objectStore'} onChange={() => set('destination', 'objectStore')} />
            <span>
              Object store <span className="muted">(download link valid 7 days)</span>
            </span>
          </label>
          {shown ? (
            <p className="field__help export-form__note">
              Uploaded to the tenant's export area of <span className="mono">{shown.objectStore}</span>; the link, where the store can sign one, is shown at the end.
            </p>
          ) : null}
        </fieldset>

        {shown ? (
          <p className="export-form__estimate" data-testid="export-estimate">
            Estimated size: up to about <strong>{formatBytes(shown.estimateBytes)}</strong>
            <span className="muted"> (both formats, with working space); the destination must have this much free.</span>
          </p>
        ) : null}

        {error ? <ErrorMessage error={error} title="The export did not start" /> : null}

        <div className="dialog-form__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="export-start" disabled={!canStart}>
            {busy ? 'Starting…' : billing === 'billable' ? 'Start billable export' : 'Start export'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function Choice({ name, testId, checked, onChange, title, text }: { name: string; testId: string; checked: boolean; onChange: () => void; title: string; text: string }) {
  return (
    <label className={checked ? 'export-choice export-choice--checked' : 'export-choice'}>
      <input type="radio" name={name} data-testid={testId} checked={checked} onChange={onChange} />
      <span className="export-choice__body">
        <span className="export-choice__title">{title}</span>
        <span className="export-choice__text">{text}</span>
      </span>
    </label>
  );
}

/** The preview's billing answer, in the words staff repeat to the customer. */
function BillingNotice({ preview, profile }: { preview: Exclude<PreviewState, { state: 'error' }>; profile: ExportProfile }) {
  if (preview.state === 'loading') {
    return (
      <div className="export-billing export-billing--loading" data-testid="export-billing" data-status="unknown">
        <Spinner label="Checking whether this export is free…" />
      </div>
    );
  }
  const b = preview.value.billing;
  if (b.status === 'billable') {
    return (
      <div className="export-billing export-billing--billable" data-testid="export-billing" data-status="billable" role="status">
        <p className="export-billing__title">Billable export</p>
        <p>{b.reasonText ?? 'This export is billable.'} Enter the billing reference before starting.</p>
      </div>
    );
  }
  return (
    <div className="export-billing export-billing--free" data-testid="export-billing" data-status="free" role="status">
      <p className="export-billing__title">Free</p>
      <p>{profile === 'advanced' ? "This is the tenant's free advanced export. Once it completes, further advanced exports are billable." : 'The basic export is always free and does not use up the free advanced export.'}</p>
    </div>
  );
}
