/**
 * Is this tenant's backup promise kept now (BACKUPS.md "Compliance")? The server's
 * report, in words: the verdict, the newest snapshot's age, each band's largest gap
 * against its allowance, and every gap that breaks the promise.
 */
import { useState } from 'react';
import type { ComplianceReportView } from '../../../app/api/contract';
import { DateText } from '../ui/DateText';
import { formatDateTime, plural, utcTitle } from '../ui/format';
import { BANDS, bandClass, bandLabel, formatAge, formatGapHours } from './backup-bands';

type Gap = ComplianceReportView['violations'][number];

const SHOWN_VIOLATIONS = 8;

export function complianceState(c: Pick<ComplianceReportView, 'compliant' | 'neverBackedUp'>): 'compliant' | 'non-compliant' | 'never' {
  if (c.neverBackedUp) return 'never';
  return c.compliant ? 'compliant' : 'non-compliant';
}

const VERDICT = {
  compliant: { text: 'Compliant', cls: 'verdict verdict--ok', lead: 'Every gap between snapshots is within the promise.' },
  'non-compliant': { text: 'Not compliant', cls: 'verdict verdict--bad', lead: 'Some gaps between snapshots are longer than the promise allows.' },
  never: { text: 'Never backed up', cls: 'verdict verdict--bad', lead: 'No snapshot of this tenant counts as a restore point.' },
} as const;

export function ComplianceSummary({ c }: { c: ComplianceReportView }) {
  const [showAll, setShowAll] = useState(false);
  const state = complianceState(c);
  const v = VERDICT[state];
  const violations = showAll ? c.violations : c.violations.slice(-SHOWN_VIOLATIONS);
  const skew = c.flags.filter((f): f is { kind: 'clock-skew'; snapshotId: string; takenAt: string; aheadHours: number } => typeof f === 'object' && f !== null && (f as { kind?: unknown }).kind === 'clock-skew');

  return (
    <div className="compliance" data-testid="compliance-status" data-state={state} data-compliant={String(c.compliant)}>
      <div className="compliance__verdict-row">
        <span className={v.cls}>{v.text}</span>
        <p className="compliance__lead">{v.lead}</p>
        <p className="compliance__checked muted">
          Checked <DateText iso={c.checkedAt} withTime />
        </p>
      </div>

      <dl className="facts facts--backups">
        <div className="facts__item">
          <dt>Newest snapshot</dt>
          <dd data-testid="newest-snapshot-age" className={c.newestAgeHours !== null && c.newestAgeHours > 26 ? 'text-danger' : undefined}>
            {c.newestAt ? (
              <>
                {formatAge(c.newestAgeHours)} ago · <DateText iso={c.newestAt} withTime />
              </>
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
        </div>
        <div className="facts__item">
          <dt>Newest verified</dt>
          <dd>{c.newestVerifiedAt ? <DateText iso={c.newestVerifiedAt} withTime /> : <span className="muted">none verified</span>}</dd>
        </div>
        <div className="facts__item">
          <dt>Snapshots</dt>
          <dd>
            {plural(c.counts.total, 'snapshot')}: {c.counts.verified} verified, {c.counts.pending} not yet
            {c.counts.failed > 0 ? (
              <>
                , <span className="text-danger">{c.counts.failed} quarantined</span>
              </>
            ) : null}
            {c.counts.future > 0 ? (
              <>
                , <span className="text-danger">{c.counts.future} dated in the future</span>
              </>
            ) : null}
          </dd>
        </div>
      </dl>

      <div className="table-wrap">
        <table className="table table--bands" aria-label="Largest gap per age band">
          <thead>
            <tr>
              <th scope="col">Age band</th>
              <th scope="col">Promise</th>
              <th scope="col" className="numeric">
                Largest gap
              </th>
              <th scope="col" className="numeric">
                Allowed
              </th>
              <th scope="col">Within</th>
            </tr>
          </thead>
          <tbody>
            {c.bands.map((b) => {
              const info = BANDS.find((x) => x.id === b.band);
              return (
                <tr key={b.band} data-band={b.band}>
                  <td>
                    <span className={`band-chip ${bandClass(b.band)}`}>{bandLabel(b.band)}</span>
                  </td>
                  <td className="muted">{info?.promise ?? ''}</td>
                  <td className="numeric">{b.largestGapHours === null ? <span className="muted">–</span> : formatGapHours(b.largestGapHours)}</td>
                  <td className="numeric">{formatGapHours(b.allowedHours)}</td>
                  <td>{b.ok ? <span className="text-success">Yes</span> : <span className="text-danger">No</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {c.violations.length > 0 ? (
        <div className="violations">
          <h3 className="section-title">
            {c.violations.length === 1 ? 'One gap breaks the promise' : `${c.violations.length} gaps break the promise`}
            <span className="muted section-title__note"> · oldest first</span>
          </h3>
          <ul className="violations__list">
            {violations.map((g) => (
              <ViolationRow key={`${g.from}|${g.to}`} g={g} />
            ))}
          </ul>
          {c.violations.length > SHOWN_VIOLATIONS ? (
            <button type="button" className="button button--small button--ghost" onClick={() => setShowAll((s) => !s)}>
              {showAll ? `Show the newest ${SHOWN_VIOLATIONS}` : `Show all ${c.violations.length}`}
            </button>
          ) : null}
        </div>
      ) : null}

      {skew.map((f) => (
        <p key={f.snapshotId} className="text-danger">
          Snapshot <span className="mono">{f.snapshotId}</span> is dated {formatGapHours(f.aheadHours)} in the future (
          <time dateTime={f.takenAt} title={utcTitle(f.takenAt)}>
            {formatDateTime(f.takenAt)}
          </time>
          ): a clock is wrong, so it is not trusted as a restore point.
        </p>
      ))}
    </div>
  );
}

function ViolationRow({ g }: { g: Gap }) {
  return (
    <li className="violation" data-testid="compliance-violation" data-band={g.band}>
      <span className="violation__range">
        {g.fromKind === 'tenant-created' ? <span className="muted">tenant created </span> : null}
        <time dateTime={g.from} title={utcTitle(g.from)}>
          {formatDateTime(g.from)}
        </time>
        <span aria-label="to"> → </span>
        {g.toKind === 'now' ? (
          <time dateTime={g.to} title={utcTitle(g.to)}>
            now
          </time>
        ) : (
          <time dateTime={g.to} title={utcTitle(g.to)}>
            {formatDateTime(g.to)}
          </time>
        )}
      </span>
      <span className="violation__length">{formatGapHours(g.hours)}</span>
      <span className={`band-chip ${bandClass(g.band)}`}>{bandLabel(g.band)}</span>
      <span className="violation__allowed muted">allowed {formatGapHours(g.allowedHours)}</span>
    </li>
  );
}
