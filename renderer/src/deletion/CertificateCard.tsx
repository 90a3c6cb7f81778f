/**
 * The certificate of deletion (issue 7 "Certificate"): its ID, the SHA-256 of its
 * JSON (checked again in this window), the facts it certifies, and the PDF and JSON
 * to download for the customer. The renderer's CSP blocks frames and objects, so
 * the PDF is not embedded: the card shows the same facts, read from the JSON the PDF
 * carries.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { useToasts } from '../shell/toasts';
import { CopyButton } from '../ui/CopyButton';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatBytes, formatCount, plural } from '../ui/format';
import { certificateTotals, locationLabel, parseCertificateFacts, type CertificateFacts } from './certificate-facts';
import { downloadCertificateJson, downloadCertificatePdf, sha256OfText } from './certificate-download';
import { formatDay } from './deletion-format';
import type { DeletionCertificateView } from './deletion-types';

type Load = { state: 'loading' } | { state: 'ok'; cert: DeletionCertificateView; facts: CertificateFacts | null; localHash: string | null | 'pending' } | { state: 'error'; error: ErrorInfo };

export function CertificateCard({ certificateId, focus = false, onFacts }: { certificateId: string; focus?: boolean; onFacts?: (f: CertificateFacts) => void }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const toasts = useToasts();
  const ref = useRef<HTMLElement>(null);
  const onFactsRef = useRef(onFacts);
  useEffect(() => {
    onFactsRef.current = onFacts;
  }, [onFacts]);

  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    call('deletion.certificate', { id: certificateId }).then(
      (cert) => {
        if (!live) return;
        const facts = parseCertificateFacts(cert.json);
        setLoad({ state: 'ok', cert, facts, localHash: 'pending' });
        if (facts) onFactsRef.current?.(facts);
        void sha256OfText(cert.json).then((h) => live && setLoad((prev) => (prev.state === 'ok' ? { ...prev, localHash: h } : prev)));
      },
      (e: unknown) => live && setLoad({ state: 'error', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [certificateId, attempt]);

  // Opened from the tenant's tombstone: bring the certificate into view once it is there.
  useEffect(() => {
    if (focus && load.state === 'ok') ref.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [focus, load.state]);

  return (
    <section ref={ref} className="card card--full deletion-certificate" aria-label="Certificate of deletion" data-testid="deletion-certificate" data-certificate-id={certificateId}>
      <header className="card__header deletion-certificate__header">
        <div>
          <h2 className="card__title">Certificate of deletion</h2>
          <p className="card__subtitle">The proof the customer receives: a PDF and its JSON twin, also stored in the object store.</p>
        </div>
        {load.state === 'ok' ? (
          <div className="deletion-certificate__actions">
            <button
              type="button"
              className="button button--small button--primary"
              data-testid="certificate-download-pdf"
              onClick={() => {
                downloadCertificatePdf(load.cert);
                toasts.show('info', 'Downloading the certificate (PDF).');
              }}
            >
              Download PDF
            </button>
            <button
              type="button"
              className="button button--small"
              data-testid="certificate-download-json"
              onClick={() => {
                downloadCertificateJson(load.cert);
                toasts.show('info', 'Downloading the certificate (JSON).');
              }}
            >
              Download JSON
            </button>
          </div>
        ) : null}
      </header>

      {load.state === 'loading' ? <Spinner label="Loading the certificate…" /> : null}
      {load.state === 'error' ? (
        <ErrorMessage error={load.error} title="The certificate could not be loaded">
          <button type="button" className="button button--small" onClick={() => setAttempt((a) => a + 1)}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}
      {load.state === 'ok' ? <CertificateBody cert={load.cert} facts={load.facts} localHash={load.localHash} /> : null}
    </section>
  );
}

function CertificateBody({ cert, facts, localHash }: { cert: DeletionCertificateView; facts: CertificateFacts | null; localHash: string | null | 'pending' }) {
  const hashState = localHash === 'pending' ? 'pending' : localHash === null ? 'unavailable' : localHash === cert.jsonSha256 ? 'match' : 'mismatch';
  return (
    <div className="deletion-cert">
      <div className="deletion-cert__seal">
        <div className="deletion-cert__seal-row">
          <span className="deletion-cert__label">Certificate ID</span>
          <span className="mono deletion-cert__id" data-testid="certificate-id">
            {cert.certificateId}
          </span>
          <CopyButton text={cert.certificateId} what="certificate ID" />
        </div>
        <div className="deletion-cert__seal-row">
          <span className="deletion-cert__label">JSON SHA-256</span>
          <code className="deletion-cert__hash" data-testid="certificate-sha256">
            {cert.jsonSha256}
          </code>
          <CopyButton text={cert.jsonSha256} what="SHA-256 of the JSON" />
        </div>
        <p className={`deletion-cert__check deletion-cert__check--${hashState}`} data-testid="certificate-hash-check" data-state={hashState}>
          {hashState === 'match'
            ? '✓ Recomputed in this window from the JSON: it matches.'
            : hashState === 'mismatch'
              ? '✗ The JSON received does not match its SHA-256. Do not send this certificate; report it to engineering.'
              : hashState === 'pending'
                ? 'Checking the SHA-256…'
                : 'This window cannot recompute SHA-256; the console checked it before sending.'}
        </p>
      </div>

      {facts ? (
        <>
          <dl className="facts deletion-cert__facts">
            <CertFact label="Tenant">
              {facts.tenant.name} <span className="mono muted deletion-nowrap">{facts.tenant.id}</span>
            </CertFact>
            <CertFact label="Plan and region">
              {facts.tenant.plan}, {facts.tenant.region}
            </CertFact>
            <CertFact label="Customer's reference">{facts.request.reference}</CertFact>
            <CertFact label="Received">{formatDay(facts.request.receivedOn)}</CertFact>
            <CertFact label="Requested by">{facts.request.requesterContact ?? <span className="muted">–</span>}</CertFact>
            <CertFact label="Filed">
              <DateText iso={facts.request.filedAt} withTime />
              <span className="deletion-cert__by">by {facts.request.filedBy}</span>
            </CertFact>
            <CertFact label="Approved">
              <DateText iso={facts.request.approvedAt} withTime />
              <span className="deletion-cert__by">by {facts.request.approvedBy}</span>
            </CertFact>
            <CertFact label="Executed">
              <DateText iso={facts.execution.startedAt} withTime />
              <span className="deletion-cert__by">
                by {facts.execution.executedBy}
                {facts.execution.runs > 1 ? ` (${plural(facts.execution.runs, 'run')})` : ''}
              </span>
            </CertFact>
            <CertFact label="Completed">
              <DateText iso={facts.completedAt} withTime />
            </CertFact>
            <CertFact label="Backup snapshots">
              {facts.snapshots.count === 0 ? (
                'None'
              ) : (
                <>
                  {plural(facts.snapshots.count, 'snapshot')}
                  {facts.snapshots.from && facts.snapshots.to ? (
                    <>
                      , <DateText iso={facts.snapshots.from} /> to <DateText iso={facts.snapshots.to} />
                    </>
                  ) : null}
                </>
              )}
              {facts.snapshots.undatedObjects > 0 ? ` (+${plural(facts.snapshots.undatedObjects, 'undated object')})` : ''}
            </CertFact>
            <CertFact label="Final export">
              {facts.request.finalExport.wanted ? (facts.request.finalExport.jobId ? <span className="mono">{facts.request.finalExport.jobId}</span> : 'Asked for') : 'Not asked for'}
            </CertFact>
            <CertFact label="Audit chain at completion">
              {facts.auditChainHead ? (
                <>
                  record {formatCount(facts.auditChainHead.seq)} <span className="mono muted" title={facts.auditChainHead.hash}>{facts.auditChainHead.hash.slice(0, 12)}…</span>
                </>
              ) : (
                <span className="muted">–</span>
              )}
            </CertFact>
          </dl>

          <div className="table-wrap">
            <table className="table deletion-cert__locations" aria-label="Deleted, per location" data-testid="certificate-locations">
              <thead>
                <tr>
                  <th scope="col">Location</th>
                  <th scope="col">Where</th>
                  <th scope="col" className="numeric">
                    Objects
                  </th>
                  <th scope="col" className="numeric">
                    Bytes
                  </th>
                  <th scope="col">Verified empty</th>
                </tr>
              </thead>
              <tbody>
                {facts.locations.map((l) => {
                  const checks = facts.verification.checks.filter((c) => c.location === l.id);
                  const remaining = checks.reduce((n, c) => n + c.remaining, 0);
                  return (
                    <tr key={l.id}>
                      <td className="deletion-nowrap">{locationLabel(l.id)}</td>
                      <td className="deletion-cert__where">{l.description}</td>
                      <td className="numeric">{formatCount(l.objects)}</td>
                      <td className="numeric">{l.id === 'control-plane' ? '–' : formatBytes(l.bytes)}</td>
                      <td>{checks.length === 0 ? <span className="muted">–</span> : remaining === 0 ? <span className="deletion-ok">✓ empty</span> : <span className="deletion-bad">{formatCount(remaining)} left</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total deleted
                  </th>
                  <td className="numeric">{formatCount(certificateTotals(facts.locations).objects)}</td>
                  <td className="numeric">{formatBytes(certificateTotals(facts.locations).bytes)}</td>
                  <td>
                    {facts.verification.ok ? (
                      <span className="deletion-ok">
                        ✓ <DateText iso={facts.verification.at} withTime />
                      </span>
                    ) : (
                      <span className="deletion-bad">{plural(facts.verification.leftoverCount, 'leftover')}</span>
                    )}
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
          <p className="muted deletion-cert__issuer">
            Issued by {facts.issuer.product} {facts.issuer.appVersion} · object store {facts.issuer.objectStore} · PDF SHA-256 <span className="mono">{cert.pdfSha256.slice(0, 16)}…</span>
          </p>
        </>
      ) : (
        <p className="muted">This certificate's JSON is of a kind this console cannot show; download it to read it.</p>
      )}
    </div>
  );
}

function CertFact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="facts__item">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
