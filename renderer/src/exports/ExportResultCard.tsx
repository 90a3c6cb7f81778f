/**
 * What a finished export produced (app/exports/export.console.ts summarize): its
 * status, where the package is, the download link for the object store, the
 * SHA256SUMS digest that pins the whole package (the value the customer can check,
 * and the one in the audit log), file problems, and the rows per list.
 */
import { CopyButton } from '../ui/CopyButton';
import { DateText } from '../ui/DateText';
import { formatBytes, formatCount, plural } from '../ui/format';
import { linkExpiry, orderedCounts, parseExportResult } from './export-format';

export function ExportResultCard({ result, finishedAt, destination }: { result: unknown; finishedAt: string | null; destination: 'folder' | 'objectStore' | null }) {
  const r = parseExportResult(result);
  if (!r) return <p className="muted">The export finished, but its result could not be read. The ledger below has its location and digest.</p>;
  const warned = r.status === 'completed_with_warnings';
  const expires = linkExpiry(finishedAt);
  const fileProblems = r.files.missing + r.files.mismatch + r.files.refused;
  return (
    <div className={warned ? 'export-result export-result--warnings' : 'export-result'} data-testid="export-result" data-status={r.status}>
      <p className="export-result__headline">
        {warned ? (
          <>
            <span className="export-state export-state--completed_with_warnings">Completed with warnings</span> {plural(r.warnings, 'warning')}: <span className="mono">report.txt</span> in the package lists each one.
          </>
        ) : (
          <>
            <span className="export-state export-state--completed">Completed</span> The package was verified before it got its final name.
          </>
        )}
        <span className="muted"> {formatBytes(r.bytes)}</span>
      </p>

      {fileProblems > 0 ? (
        <p className="export-result__files" data-testid="export-file-problems">
          Attached files: {formatCount(r.files.ok)} archived
          {r.files.missing > 0 ? <strong>, {formatCount(r.files.missing)} missing from the object store</strong> : null}
          {r.files.mismatch > 0 ? <strong>, {formatCount(r.files.mismatch)} not matching their recorded size or SHA-256</strong> : null}
          {r.files.refused > 0 ? <strong>, {formatCount(r.files.refused)} refused</strong> : null}. They are listed with their status in the files list, not archived.
        </p>
      ) : r.files.ok > 0 || r.files.volumes.length > 0 ? (
        <p className="export-result__files muted">
          Attached files: {formatCount(r.files.ok)} archived in {plural(r.files.volumes.length, 'volume')}, each checked against its SHA-256.
        </p>
      ) : null}

      <dl className="export-result__facts">
        <div className="export-result__fact">
          <dt>Package</dt>
          <dd>
            <span className="mono export-result__value" data-testid="export-location" title={r.location}>
              {r.location}
            </span>
            <CopyButton text={r.location} what="package location" />
          </dd>
        </div>
        {r.link ? (
          <div className="export-result__fact">
            <dt>Download link</dt>
            <dd>
              <a className="mono export-result__value export-result__link" data-testid="export-link" href={r.link} target="_blank" rel="noopener noreferrer" title={r.link}>
                {r.link}
              </a>
              <CopyButton text={r.link} what="download link" />
              {expires ? (
                <span className="muted export-result__expiry">
                  valid until <DateText iso={expires} withTime />
                </span>
              ) : null}
            </dd>
          </div>
        ) : destination === 'objectStore' ? (
          <div className="export-result__fact">
            <dt>Download link</dt>
            <dd className="muted">None: this object store cannot sign links. Send the package from the location above.</dd>
          </div>
        ) : null}
        <div className="export-result__fact">
          <dt>SHA256SUMS digest</dt>
          <dd>
            <span className="mono export-result__value" data-testid="export-digest">
              {r.sha256sumsDigest}
            </span>
            <CopyButton text={r.sha256sumsDigest} what="SHA256SUMS digest" />
          </dd>
        </div>
      </dl>

      {Object.keys(r.counts).length > 0 ? (
        <dl className="export-counts" aria-label="Rows per list">
          {orderedCounts(r.counts).map((c) => (
            <div key={c.list} className="export-counts__item" data-testid="export-count" data-list={c.list}>
              <dt>{c.label}</dt>
              <dd>{formatCount(c.count)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
