/**
 * The tenant's export ledger (issue 4: "who, when, profile, free/billable, package
 * checksum"), newest first. The digest is the SHA-256 of the package's SHA256SUMS: the
 * one value that pins the whole package, as in the audit log.
 */
import type { ExportLedgerRow } from '../../../app/api/contract';
import { CopyButton } from '../ui/CopyButton';
import { formatBytes, formatCount, formatDateTime, utcTitle } from '../ui/format';
import { abbreviateDigest, formatsLabel, ledgerStateLabel, profileLabel } from './export-format';

export function ExportLedger({ rows }: { rows: readonly ExportLedgerRow[] }) {
  if (rows.length === 0) return <p className="muted" data-testid="export-ledger-empty">No export of this tenant has been run yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table export-ledger" data-testid="export-ledger" aria-label="Export ledger">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Staff</th>
            <th scope="col">Profile</th>
            <th scope="col">Billing</th>
            <th scope="col">State</th>
            <th scope="col" className="numeric">
              Size
            </th>
            <th scope="col">SHA256SUMS digest</th>
            <th scope="col">Location</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="export-ledger-row" data-state={r.state} data-billing={r.billing} data-ledger-id={r.id}>
              <td>
                <span className="cell-stack">
                  <time dateTime={r.createdAt} title={utcTitle(r.createdAt)}>
                    {formatDateTime(r.createdAt)}
                  </time>
                  <span className="cell-stack__sub">{utcTitle(r.createdAt)?.slice(0, 16)} UTC</span>
                </span>
              </td>
              <td className="export-ledger__staff">
                <BreakableEmail text={r.actor} />
              </td>
              <td>
                <span className="cell-stack">
                  <span>{profileLabel(r.profile)}</span>
                  <span className="cell-stack__sub">{formatsLabel(r.formats)}</span>
                </span>
              </td>
              <td>
                <span className="cell-stack">
                  <span className={r.billing === 'billable' ? 'export-billing-chip export-billing-chip--billable' : 'export-billing-chip'}>{r.billing === 'billable' ? 'Billable' : r.billing === 'free' ? 'Free' : r.billing}</span>
                  {r.billingReference ? (
                    <span className="cell-stack__sub mono" title={`Billing reference ${r.billingReference}`}>
                      {r.billingReference}
                    </span>
                  ) : null}
                </span>
              </td>
              <td>
                <span className="cell-stack">
                  {/* The chip's colour says "with warnings"; the line beneath says how many. */}
                  <span className={`export-state export-state--${r.state}`} title={ledgerStateLabel(r.state)}>
                    {r.state === 'completed_with_warnings' ? 'Completed' : ledgerStateLabel(r.state)}
                  </span>
                  {r.warnings > 0 ? <span className="cell-stack__sub">with {r.warnings === 1 ? '1 warning' : `${formatCount(r.warnings)} warnings`}</span> : null}
                </span>
              </td>
              <td className="numeric">{r.bytes > 0 ? formatBytes(r.bytes) : <span className="muted">–</span>}</td>
              <td>
                {r.sha256sumsDigest ? (
                  <span className="export-ledger__copyable">
                    <span className="mono" title={r.sha256sumsDigest} data-testid="export-ledger-digest">
                      {abbreviateDigest(r.sha256sumsDigest)}
                    </span>
                    <CopyButton text={r.sha256sumsDigest} what="SHA256SUMS digest" />
                  </span>
                ) : (
                  <span className="muted">–</span>
                )}
              </td>
              <td className="export-ledger__location">
                {r.location ? (
                  <span className="mono export-ledger__path" title={r.location}>
                    {r.location}
                  </span>
                ) : (
                  <span className="muted">–</span>
                )}
                <span className="export-ledger__where">
                  <span className="cell-stack__sub">{r.destination === 'objectStore' ? 'Object store' : r.destination === 'folder' ? 'Folder' : r.destination}</span>
                  {r.location ? <CopyButton text={r.location} what="package location" /> : null}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "sam.support@vendor.example" may break after the @, never inside a word. */
function BreakableEmail({ text }: { text: string }) {
  const at = text.indexOf('@');
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at + 1)}
      <wbr />
      {text.slice(at + 1)}
    </>
  );
}
