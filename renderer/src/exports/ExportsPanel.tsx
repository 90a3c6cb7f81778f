/**
 * The tenant page's Exports panel (issue 4 "Running it"): "Export…" opens the dialog
 * (profile, formats, for people or machines, destination, free or billable); the
 * export runs as a job with its stages, bar, ETA and Cancel, and ends in a result card
 * (location, link, SHA256SUMS digest, rows per list). The ledger below says who
 * exported what, when, free or billable, and the package's digest.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { JobProgress, type JobView } from '../jobs';
import { useSession } from '../staff/session-context';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { plural } from '../ui/format';
import { exportOffer, freeExportUsedAt, profileLabel, type DestinationKind, type ExportProfile } from './export-format';
import { ExportDialog, type StartedExport } from './ExportDialog';
import { ExportLedger } from './ExportLedger';
import { ExportResultCard } from './ExportResultCard';
import { ExportStages } from './ExportStages';
import './exports.css';

type Ledger = OpOutput<'exports.ledger'>;
type Load = { state: 'loading' } | { state: 'ok'; value: Ledger; reloading: boolean } | { state: 'error'; error: ErrorInfo };

export interface ExportTenant {
  name: string;
  status: string;
  plan: string;
  freeExportUsedAt: string | null;
}

interface PanelJob {
  jobId: string;
  profile: ExportProfile | null;
  destination: DestinationKind | null;
  finishedAt: string | null;
}

const asProfile = (p: string | undefined): ExportProfile | null => (p === 'advanced' || p === 'basic' ? p : null);
const asDestination = (d: string | undefined): DestinationKind | null => (d === 'folder' || d === 'objectStore' ? d : null);

export function ExportsPanel({ tenantId, tenant }: { tenantId: string; tenant: ExportTenant | null }) {
  const roles = useSession()?.staff.roles ?? null;
  const offer = roles ? exportOffer(roles, tenant?.status ?? null) : 'no';
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [jobs, setJobs] = useState<PanelJob[]>([]);
  const [open, setOpen] = useState(false);
  const [lastFolder, setLastFolder] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setLoad((prev) => (prev.state === 'ok' ? { ...prev, reloading: true } : { state: 'loading' }));
    call('exports.ledger', { tenantId }).then(
      (value) => live && setLoad({ state: 'ok', value, reloading: false }),
      (e: unknown) => live && setLoad({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [tenantId, attempt]);

  const reload = useCallback(() => setAttempt((a) => a + 1), []);

  // An export already under way (started here before, or by a colleague) is shown with its progress;
  // its profile and destination come from its ledger row.
  useEffect(() => {
    let live = true;
    Promise.all([call('jobs.list', { tenantId, kind: 'export', limit: 20 }), call('exports.ledger', { tenantId }).catch(() => [] as Ledger)])
      .then(([list, ledger]) => {
        if (!live) return;
        const running = list.filter((j) => j.state === 'running');
        if (running.length === 0) return;
        setJobs((prev) => [
          ...prev,
          ...running
            .filter((j) => !prev.some((p) => p.jobId === j.id))
            .map((j) => {
              const row = ledger.find((r) => r.jobId === j.id);
              return { jobId: j.id, profile: asProfile(row?.profile), destination: asDestination(row?.destination), finishedAt: null };
            }),
        ]);
      })
      .catch(() => {
        /* a convenience: the panel works without it */
      });
    return () => {
      live = false;
    };
  }, [tenantId]);

  const started = useCallback(
    (s: StartedExport) => {
      setOpen(false);
      if (s.folder) setLastFolder(s.folder);
      // Finished exports make way for the new one: their results stay in the ledger.
      setJobs((prev) => [{ jobId: s.jobId, profile: s.profile, destination: s.destination, finishedAt: null }, ...prev.filter((j) => j.finishedAt === null)]);
      // The ledger row is written as the job begins: show it as running.
      setTimeout(reload, 600);
    },
    [reload],
  );
  const finished = useCallback(
    (v: JobView) => {
      setJobs((prev) => prev.map((j) => (j.jobId === v.id ? { ...j, finishedAt: v.finishedAt ?? new Date().toISOString() } : j)));
      reload();
    },
    [reload],
  );
  const dismiss = useCallback((jobId: string) => setJobs((prev) => prev.filter((j) => j.jobId !== jobId)), []);

  const ledger = load.state === 'ok' ? load.value : null;
  const name = tenant?.name ?? tenantId;

  return (
    <section className="card exports-panel" data-testid="exports-panel" aria-label="Exports" aria-busy={load.state === 'loading' || (load.state === 'ok' && load.reloading)}>
      <header className="card__header exports-panel__header">
        <div>
          <h2 className="card__title">Exports</h2>
          <p className="card__subtitle">
            Every list, ID-linked, as CSV and XLSX, with the attached files in .tar.gz volumes · <FreeExport tenant={tenant} usedAt={freeExportUsedAt(tenant?.freeExportUsedAt ?? null, ledger)} />
            {ledger && ledger.length > 0 ? ` · ${plural(ledger.length, 'export')} in the ledger` : ''}
          </p>
        </div>
        <div className="exports-panel__actions">
          {load.state === 'ok' && load.reloading ? <Spinner label="Refreshing…" /> : null}
          <button type="button" className="button button--small button--ghost" onClick={reload} disabled={load.state === 'loading'}>
            Refresh
          </button>
          {offer !== 'no' ? (
            <button type="button" className="button button--small button--primary" data-testid="export-open" onClick={() => setOpen(true)} disabled={!tenant}>
              Export…
            </button>
          ) : null}
        </div>
      </header>

      {offer === 'offboarding-only' ? (
        <p className="notice" data-testid="export-offboarding-only">
          As an account manager you can export only tenants that are offboarding{tenant ? `; ${name} is ${tenant.status}` : ''}. Support or technical staff can run this export.
        </p>
      ) : roles && offer === 'no' ? (
        <p className="muted exports-panel__who">Exports are run by support or technical staff, and by account managers for offboarding tenants.</p>
      ) : null}

      {jobs.length > 0 ? (
        <div className="exports-panel__jobs">
          {jobs.map((j) => (
            <div key={j.jobId} className="exports-panel__job">
              <JobProgress
                jobId={j.jobId}
                title={`${j.profile ? `${profileLabel(j.profile)} export` : 'Export'}${j.destination === 'objectStore' ? ' to the object store' : j.destination === 'folder' ? ' to a folder' : ''}`}
                describeResult={(r) => <ExportResultCard result={r} finishedAt={j.finishedAt} destination={j.destination} />}
                onFinished={finished}
                onDismiss={() => dismiss(j.jobId)}
              />
              {j.finishedAt === null ? <ExportStages jobId={j.jobId} profile={j.profile} destination={j.destination} /> : null}
            </div>
          ))}
        </div>
      ) : null}

      <section className="exports-panel__section" aria-label="Export ledger">
        <h3 className="exports-panel__title">
          Ledger <span className="muted exports-panel__title-note">· newest first · times in your local time, UTC beneath</span>
        </h3>
        {load.state === 'loading' ? <Spinner label="Loading the ledger…" /> : null}
        {load.state === 'error' ? (
          <ErrorMessage error={load.error} title="The export ledger could not be loaded">
            <button type="button" className="button button--small" onClick={reload}>
              Try again
            </button>
          </ErrorMessage>
        ) : null}
        {ledger ? <ExportLedger rows={ledger} /> : null}
      </section>

      {open && tenant ? <ExportDialog tenantId={tenantId} tenantName={name} lastFolder={lastFolder} onClose={() => setOpen(false)} onStarted={started} /> : null}
    </section>
  );
}

/** PRODUCT.md "Exports": one free advanced export for a commercial customer; a trial's are billable. */
function FreeExport({ tenant, usedAt }: { tenant: ExportTenant | null; usedAt: string | null }) {
  if (!tenant) return null;
  if (usedAt) {
    return (
      <>
        free advanced export used <DateText iso={usedAt} />
      </>
    );
  }
  if (tenant.plan === 'trial') return <>trial tenant: advanced exports are billable</>;
  return <>free advanced export not used yet</>;
}
