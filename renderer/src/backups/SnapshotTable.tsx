/**
 * The tenant's snapshots, newest first: when (local, UTC beneath), size, the age
 * band, the prune plan's decision with its reasons, verification, hold — and "Verify"
 * for staff who may test-restore (technical, admin).
 */
import { useState } from 'react';
import type { SnapshotRowView } from '../../../app/api/contract';
import { DateText } from '../ui/DateText';
import { formatBytes, formatDateTime, utcTitle } from '../ui/format';
import { bandClass, bandShortLabel } from './backup-bands';

const FIRST_ROWS = 40;

export function SnapshotTable({
  snapshots,
  canVerify,
  verifying,
  onVerify,
}: {
  snapshots: readonly SnapshotRowView[];
  canVerify: boolean;
  /** Snapshots with a verification job running now. */
  verifying: ReadonlySet<string>;
  onVerify: (s: SnapshotRowView) => void;
}) {
  const [all, setAll] = useState(false);
  const newestFirst = [...snapshots].sort((a, b) => Date.parse(b.takenAt) - Date.parse(a.takenAt) || (a.snapshotId < b.snapshotId ? 1 : -1));
  const rows = all ? newestFirst : newestFirst.slice(0, FIRST_ROWS);
  if (snapshots.length === 0) return <p className="muted">This tenant has no snapshots.</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table table--snapshots" aria-label="Snapshots">
          <thead>
            <tr>
              <th scope="col">Taken</th>
              <th scope="col" className="numeric">
                Size
              </th>
              <th scope="col">Band</th>
              <th scope="col">Retention plan</th>
              <th scope="col">Verification</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.snapshotId} data-testid="snapshot-row" data-snapshot-id={s.snapshotId} data-plan={s.plan} data-verification={s.verification}>
                <td>
                  <span className="cell-stack">
                    <time dateTime={s.takenAt} title={utcTitle(s.takenAt)}>
                      {formatDateTime(s.takenAt)}
                    </time>
                    <span className="cell-stack__sub">
                      {utcTitle(s.takenAt)?.slice(0, 16)} UTC · <span className="mono">{s.snapshotId.slice(-6)}</span>
                      {s.state !== 'complete' ? <span className="text-danger"> · {s.state}</span> : null}
                    </span>
                  </span>
                </td>
                <td className="numeric">
                  <span className="cell-stack" title={s.rawBytes !== null ? `${formatBytes(s.rawBytes)} uncompressed · schema version ${s.schemaVersion ?? '?'}` : undefined}>
                    <span>{s.compressedBytes !== null ? formatBytes(s.compressedBytes) : '–'}</span>
                    <span className="cell-stack__sub">{s.rawBytes !== null ? `${formatBytes(s.rawBytes)} raw` : ''}</span>
                  </span>
                </td>
                <td>
                  <span className={`band-chip ${bandClass(s.band)}`}>{bandShortLabel(s.band)}</span>
                </td>
                <td className="snapshot-plan">
                  {s.plan === 'keep' ? (
                    <span className="cell-stack">
                      <span>
                        Kept{s.held ? <span className="badge badge--hold snapshot-held">Held</span> : null}
                      </span>
                      {s.planReasons.length > 0 ? (
                        <span className="cell-stack__sub snapshot-plan__reasons" title={s.planReasons.join('\n')}>
                          {s.planReasons.join('; ')}
                        </span>
                      ) : null}
                    </span>
                  ) : (
                    <span className="cell-stack">
                      <span className="snapshot-plan__prunable">Prunable</span>
                      <span className="cell-stack__sub">{s.planReasons.length > 0 ? s.planReasons.join('; ') : 'not needed to keep the promise'}</span>
                    </span>
                  )}
                </td>
                <td>
                  <span className="cell-stack">
                    <VerificationBadge v={s.verification} />
                    <span className="cell-stack__sub">
                      {s.lastVerifiedAt ? (
                        <>
                          last <DateText iso={s.lastVerifiedAt} withTime />
                        </>
                      ) : (
                        'never test-restored'
                      )}
                    </span>
                  </span>
                </td>
                <td className="snapshot-actions">
                  {canVerify && s.state === 'complete' ? (
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="verify-snapshot"
                      disabled={verifying.has(s.snapshotId)}
                      onClick={() => onVerify(s)}
                      title="Download, check the checksums, open it in a sandbox and compare row counts with the manifest"
                    >
                      {verifying.has(s.snapshotId) ? 'Verifying…' : 'Verify'}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {newestFirst.length > FIRST_ROWS ? (
        <button type="button" className="button button--small button--ghost" onClick={() => setAll((a) => !a)}>
          {all ? `Show the newest ${FIRST_ROWS}` : `Show all ${newestFirst.length} snapshots`}
        </button>
      ) : null}
    </>
  );
}

export function VerificationBadge({ v }: { v: SnapshotRowView['verification'] }) {
  if (v === 'verified') return <span className="badge badge--verified">Verified</span>;
  if (v === 'failed') return <span className="badge badge--failed">Failed · quarantined</span>;
  return <span className="badge badge--pending">Not verified</span>;
}
