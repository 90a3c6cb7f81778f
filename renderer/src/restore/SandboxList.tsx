/**
 * The tenant's sandboxes: read-only copies of a snapshot on this console's machine,
 * each opened by a job (download, verify, open) and deleted when it expires or is
 * closed. One at a time is compared with the live database.
 */
import { JobProgress } from '../jobs';
import { DateText } from '../ui/DateText';
import { formatBytes } from '../ui/format';
import type { SandboxView } from './restore-types';

const STATUS_TEXT: Record<SandboxView['status'], string> = {
  opening: 'Opening',
  ready: 'Ready',
  failed: 'Failed',
  removed: 'Closed',
};

export function SandboxList({
  sandboxes,
  selectedId,
  closingId,
  mayCompare,
  onSelect,
  onClose,
  onJobFinished,
}: {
  sandboxes: readonly SandboxView[];
  selectedId: string | null;
  closingId: string | null;
  /** Comparing shows records: technical staff only (admins may still close a sandbox). */
  mayCompare: boolean;
  onSelect: (s: SandboxView) => void;
  onClose: (s: SandboxView) => void;
  onJobFinished: (s: SandboxView) => void;
}) {
  if (sandboxes.length === 0) {
    return (
      <p className="muted" data-testid="sandboxes-empty">
        No sandbox is open. Find the snapshot of a day above, then open it in a sandbox to compare it with the live database.
      </p>
    );
  }
  return (
    <ul className="restore-sandboxes">
      {sandboxes.map((s) => (
        <li key={s.id} className={s.id === selectedId ? 'restore-sandbox restore-sandbox--selected' : 'restore-sandbox'} data-testid="sandbox-row" data-sandbox-id={s.id} data-status={s.status}>
          <div className="restore-sandbox__main">
            <span className={`badge restore-badge restore-badge--sandbox-${s.status}`}>{STATUS_TEXT[s.status]}</span>
            <span>
              Snapshot of <DateText iso={s.snapshotTakenAt} withTime /> <span className="mono muted">{s.snapshotId}</span>
            </span>
            <span className="muted restore-sandbox__meta">
              opened by {s.createdBy}
              {s.ticket ? (
                <>
                  {' '}
                  for <span className="mono">{s.ticket}</span>
                </>
              ) : null}
              {s.bytes !== null ? ` · ${formatBytes(s.bytes)}` : ''} · expires <DateText iso={s.expiresAt} withTime />
            </span>
            <span className="restore-sandbox__actions">
              {s.status === 'ready' && mayCompare ? (
                <button type="button" className={s.id === selectedId ? 'button button--small' : 'button button--small button--primary'} data-testid="sandbox-compare" disabled={s.id === selectedId} onClick={() => onSelect(s)}>
                  {s.id === selectedId ? 'Shown below' : 'Compare with live'}
                </button>
              ) : null}
              <button type="button" className="button button--small button--ghost button--ghost-danger" data-testid="sandbox-close" disabled={closingId === s.id || s.status === 'opening'} onClick={() => onClose(s)}>
                {closingId === s.id ? 'Closing…' : 'Close sandbox'}
              </button>
            </span>
          </div>
          {s.status === 'opening' && s.jobId ? <JobProgress jobId={s.jobId} title={`Opening the sandbox of ${s.snapshotId}`} onFinished={() => onJobFinished(s)} /> : null}
          {s.status === 'failed' && s.error ? <p className="text-danger restore-sandbox__error">{s.error}</p> : null}
        </li>
      ))}
    </ul>
  );
}
