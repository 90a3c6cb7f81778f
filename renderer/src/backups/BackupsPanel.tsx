/**
 * The tenant page's Backups panel (issue 5 "Screens"): is the promise kept now, the
 * calendar of the last two years, "Snapshot now", the snapshot list with per-snapshot
 * verification, and pruning in two steps. Every action is a job with progress; the
 * panel reloads when one ends.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import type { SnapshotRowView } from '../../../app/api/contract';
import { JobProgress, type JobView } from '../jobs';
import { DateText } from '../ui/DateText';
import { ErrorMessage, DismissibleError, type TitledError } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatBytes, plural } from '../ui/format';
import { BackupCalendar } from './BackupCalendar';
import { canPrune, canSnapshot, canVerify, useStaffRoles } from './backup-roles';
import { ComplianceSummary } from './ComplianceSummary';
import { PruneDialog } from './PruneDialog';
import { SnapshotTable } from './SnapshotTable';
import './backups.css';

type TenantBackups = OpOutput<'backups.tenant'>;

type Load = { state: 'loading' } | { state: 'ok'; value: TenantBackups; reloading: boolean } | { state: 'error'; error: ErrorInfo };

interface PanelJob {
  jobId: string;
  kind: 'snapshot' | 'verify' | 'prune';
  snapshotId: string | null;
  running: boolean;
}

const BACKUP_JOB_KINDS = new Set(['snapshot', 'verify', 'prune']);

export function BackupsPanel({ tenantId, tenant }: { tenantId: string; tenant: { name: string; createdAt: string } | null }) {
  const roles = useStaffRoles();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [jobs, setJobs] = useState<PanelJob[]>([]);
  const [actionError, setActionError] = useState<TitledError | null>(null);
  const [starting, setStarting] = useState(false);
  const [pruning, setPruning] = useState(false);

  useEffect(() => {
    let live = true;
    setLoad((prev) => (prev.state === 'ok' ? { ...prev, reloading: true } : { state: 'loading' }));
    call('backups.tenant', { tenantId }).then(
      (value) => live && setLoad({ state: 'ok', value, reloading: false }),
      (e: unknown) => live && setLoad({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [tenantId, attempt]);

  const reload = useCallback(() => setAttempt((a) => a + 1), []);

  // Jobs on this tenant that were already running (started here before, or by a colleague) are shown too.
  useEffect(() => {
    let live = true;
    call('jobs.list', { tenantId, limit: 20 })
      .then((list) => {
        if (!live) return;
        const running = list.filter((j) => j.state === 'running' && BACKUP_JOB_KINDS.has(j.kind));
        if (running.length === 0) return;
        setJobs((prev) => [
          ...prev,
          ...running
            .filter((j) => !prev.some((p) => p.jobId === j.id))
            .map((j) => ({ jobId: j.id, kind: j.kind as PanelJob['kind'], snapshotId: snapshotIdOf(j), running: true })),
        ]);
      })
      .catch(() => {
        /* the list is a convenience; the panel works without it */
      });
    return () => {
      live = false;
    };
  }, [tenantId]);

  const finished = useCallback(
    (jobId: string) => {
      setJobs((prev) => prev.map((j) => (j.jobId === jobId ? { ...j, running: false } : j)));
      reload();
    },
    [reload],
  );
  const dismiss = useCallback((jobId: string) => setJobs((prev) => prev.filter((j) => j.jobId !== jobId)), []);

  async function snapshotNow() {
    setStarting(true);
    setActionError(null);
    try {
      const { jobId } = await call('backups.snapshotNow', { tenantId });
      setJobs((prev) => [...prev, { jobId, kind: 'snapshot', snapshotId: null, running: true }]);
    } catch (e) {
      setActionError({ title: 'The snapshot could not be started', error: toErrorInfo(e) });
    } finally {
      setStarting(false);
    }
  }

  async function verify(s: SnapshotRowView) {
    setActionError(null);
    try {
      const { jobId } = await call('backups.verify', { tenantId, snapshotId: s.snapshotId });
      setJobs((prev) => [...prev, { jobId, kind: 'verify', snapshotId: s.snapshotId, running: true }]);
    } catch (e) {
      setActionError({ title: `Snapshot ${s.snapshotId} could not be verified`, error: toErrorInfo(e) });
    }
  }

  const snapshotRunning = jobs.some((j) => j.kind === 'snapshot' && j.running);
  const verifying = new Set(jobs.filter((j) => j.kind === 'verify' && j.running && j.snapshotId).map((j) => j.snapshotId as string));
  const data = load.state === 'ok' ? load.value : null;
  const name = tenant?.name ?? tenantId;

  return (
    <section className="card card--full backups-panel" data-testid="backups-panel" aria-label="Backups" aria-busy={load.state === 'loading' || (load.state === 'ok' && load.reloading)}>
      <header className="card__header backups-panel__header">
        <div>
          <h2 className="card__title">Backups</h2>
          <p className="card__subtitle">
            {data ? (
              <>
                {plural(data.snapshots.length, 'snapshot')} · {formatBytes(data.snapshots.reduce((n, s) => n + (s.compressedBytes ?? 0), 0))} in the backup store
                {data.prunable > 0 ? ` · ${plural(data.prunable, 'snapshot')} prunable` : ''}
              </>
            ) : (
              'Snapshots, the backup promise and verification by test-restore'
            )}
          </p>
        </div>
        <div className="backups-panel__actions">
          {load.state === 'ok' && load.reloading ? <Spinner label="Refreshing…" /> : null}
          <button type="button" className="button button--small button--ghost" onClick={reload} disabled={load.state === 'loading'}>
            Refresh
          </button>
          {roles && canPrune(roles) ? (
            <button type="button" className="button button--small" data-testid="prune-snapshots" onClick={() => setPruning(true)} disabled={!data || !tenant}>
              Prune…
            </button>
          ) : null}
          {roles && canSnapshot(roles) ? (
            <button type="button" className="button button--small button--primary" data-testid="snapshot-now" onClick={() => void snapshotNow()} disabled={starting || snapshotRunning}>
              {starting ? 'Starting…' : snapshotRunning ? 'Snapshot running…' : 'Snapshot now'}
            </button>
          ) : null}
        </div>
      </header>

      <DismissibleError value={actionError} onDismiss={() => setActionError(null)} />

      {jobs.length > 0 ? (
        <div className="backups-panel__jobs">
          {jobs.map((j) => (
            <JobProgress
              key={j.jobId}
              jobId={j.jobId}
              title={j.kind === 'snapshot' ? 'Snapshot now' : j.kind === 'verify' ? (j.snapshotId ? `Verify snapshot ${j.snapshotId}` : 'Verify snapshot') : 'Prune'}
              describeResult={(r) => describeResult(j.kind, r)}
              onFinished={(v: JobView) => finished(v.id)}
              onDismiss={() => dismiss(j.jobId)}
            />
          ))}
        </div>
      ) : null}

      {load.state === 'loading' ? <Spinner label="Loading the snapshots…" /> : null}
      {load.state === 'error' ? (
        <ErrorMessage error={load.error} title="The backups of this tenant could not be loaded">
          <button type="button" className="button button--small" onClick={reload}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}
      {data ? (
        <>
          <ComplianceSummary c={data.compliance} />
          <BackupCalendar snapshots={data.snapshots} violations={data.compliance.violations} now={Date.parse(data.compliance.checkedAt)} createdAt={tenant?.createdAt ?? null} />
          <section className="backups-panel__section" aria-label="Snapshots">
            <h3 className="section-title">
              Snapshots <span className="muted section-title__note">· newest first · times in your local time, UTC beneath</span>
            </h3>
            <SnapshotTable snapshots={data.snapshots} canVerify={!!roles && canVerify(roles)} verifying={verifying} onVerify={(s) => void verify(s)} />
          </section>
          {data.verifications.length > 0 ? <RecentVerifications items={data.verifications} /> : null}
        </>
      ) : null}

      {pruning && data && tenant ? <PruneDialog tenantId={tenantId} tenantName={name} snapshots={data.snapshots} onClose={() => setPruning(false)} onPruned={reload} /> : null}
    </section>
  );
}

function snapshotIdOf(j: JobView): string | null {
  const r = j.result as { snapshotId?: unknown } | null;
  return r && typeof r.snapshotId === 'string' ? r.snapshotId : null;
}

/** Each backup job's result record, in words (app/backups/backup.service.ts). */
function describeResult(kind: PanelJob['kind'], r: unknown) {
  const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
  if (kind === 'snapshot') {
    const id = typeof o.snapshotId === 'string' ? o.snapshotId : null;
    const size = typeof o.compressedBytes === 'number' ? formatBytes(o.compressedBytes) : null;
    const v = o.verification;
    return (
      <p data-testid="job-result">
        Snapshot {id ? <span className="mono">{id}</span> : null} taken{size ? ` (${size})` : ''}
        {v === 'ok' ? ', and its test-restore passed.' : v === 'failed' ? <span className="text-danger">, but its test-restore failed: it is quarantined.</span> : '; not verified yet.'}
      </p>
    );
  }
  if (kind === 'verify') {
    if (o.outcome === 'ok') return <p data-testid="job-result" className="text-success">The test-restore passed: checksums, integrity, schema version and row counts match the manifest.</p>;
    return (
      <ErrorMessage
        error={{
          code: typeof o.code === 'string' ? o.code : 'VERIFICATION_FAILED',
          message: typeof o.message === 'string' ? o.message : 'The test-restore failed.',
          hint: 'The snapshot is quarantined: it no longer counts as a restore point. Take a new snapshot.',
        }}
        title="The snapshot failed verification"
      />
    );
  }
  const deleted = typeof o.deleted === 'number' ? o.deleted : null;
  return <p data-testid="job-result">{deleted === null ? 'Pruned.' : `${plural(deleted, 'snapshot')} deleted.`}</p>;
}

function RecentVerifications({ items }: { items: TenantBackups['verifications'] }) {
  return (
    <section className="backups-panel__section" aria-label="Recent verifications">
      <h3 className="section-title">Recent verifications</h3>
      <ul className="verifications">
        {items.slice(0, 6).map((v) => (
          <li key={v.id} className="verification" data-outcome={v.outcome}>
            <span className={v.outcome === 'ok' ? 'badge badge--verified' : 'badge badge--failed'}>{v.outcome === 'ok' ? 'Passed' : 'Failed'}</span>
            <DateText iso={v.checkedAt} withTime />
            <span className="mono muted">{v.snapshotId}</span>
            <span className="verification__message">
              {v.message}
              {v.hint ? <span className="muted"> {v.hint}</span> : null}
              {v.code && v.outcome !== 'ok' ? <span className="mono muted"> {v.code}</span> : null}
            </span>
            <span className="muted verification__by">{v.requestedBy}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
