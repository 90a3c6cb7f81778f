/**
 * The audit log (issue 3, admins only): every operation, sign-in attempt, grant and job,
 * newest first, with the hash chain's state on top. Filters live in the address; the
 * CSV export carries exactly the filtered records (the server builds it, formula cells
 * neutralised).
 */
import { Fragment, useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AuditRecordView } from '../../../app/api/contract';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { buildHash, parseHash, replaceHash } from '../shell/router';
import { useToasts } from '../shell/toasts';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatCount, plural, utcTitle } from '../ui/format';
import { ChainStatusBanner } from './ChainStatusBanner';
import { formatAuditTime, paramsText } from './audit-format';
import { EMPTY_AUDIT_FILTER, OUTCOMES, SUGGESTED_ACTIONS, auditFilterParams, hasAuditFilters, parseAuditFilter, toAuditFilter, type AuditFilter, type AuditFilterForm } from './audit-query';
import { downloadText } from './download';
import '../staff/staff.css';
import './audit.css';

const PAGE = 100;
const DEBOUNCE_MS = 300;

interface Page {
  key: string;
  records: AuditRecordView[];
  /** More (older) records may exist. */
  more: boolean;
  loading: 'first' | 'more' | null;
  error: ErrorInfo | null;
}

export function AuditPage() {
  const toasts = useToasts();
  const ids = useId();
  const [form, setForm] = useState<AuditFilterForm>(() => parseAuditFilter(parseHash(window.location.hash).params));
  const [applied, setApplied] = useState<AuditFilterForm>(form);
  const [page, setPage] = useState<Page>({ key: '', records: [], more: false, loading: 'first', error: null });
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [exporting, setExporting] = useState(false);
  const [actors, setActors] = useState<string[]>([]);
  const request = useRef(0);

  const draft = useMemo(() => toAuditFilter(form), [form]);
  const result = useMemo(() => toAuditFilter(applied), [applied]);
  const filter: AuditFilter | null = result.ok ? result.filter : null;
  const key = JSON.stringify(filter);

  // Typing settles before a request goes out; invalid drafts wait for a fix.
  useEffect(() => {
    if (!draft.ok) return;
    const t = setTimeout(() => setApplied(form), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [form, draft.ok]);

  useEffect(() => {
    replaceHash(buildHash(['audit'], auditFilterParams(applied)));
  }, [applied]);

  useEffect(() => {
    document.title = 'Audit log · Custos';
    // Suggestions for the actor filter; the log also holds system:… and failed sign-in names.
    call('staff.list', {})
      .then((s) => setActors(s.map((x) => x.email).sort()))
      .catch(() => {});
    return () => {
      document.title = 'Custos';
    };
  }, []);

  const load = useCallback(
    async (f: AuditFilter, k: string, beforeSeq?: number) => {
      const n = ++request.current;
      setPage((p) => (beforeSeq ? { ...p, loading: 'more', error: null } : { key: k, records: p.key === k ? p.records : [], more: false, loading: 'first', error: null }));
      try {
        const { records } = await call('audit.list', { ...f, ...(beforeSeq ? { beforeSeq } : {}), limit: PAGE });
        if (n !== request.current) return;
        setPage((p) => ({ key: k, records: beforeSeq ? [...p.records, ...records] : records, more: records.length === PAGE, loading: null, error: null }));
      } catch (e) {
        if (n !== request.current) return;
        setPage((p) => ({ ...p, loading: null, error: toErrorInfo(e) }));
      }
    },
    [],
  );

  useEffect(() => {
    if (filter) void load(filter, key);
    // key is the filter's identity
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const last = page.records[page.records.length - 1];

  async function exportCsv() {
    if (!filter || exporting) return;
    setExporting(true);
    try {
      const out = await call('audit.exportCsv', filter);
      downloadText(out.fileName, out.csv);
      if (out.truncated) toasts.show('info', `Exported the newest ${formatCount(out.rows)} records to ${out.fileName}.`, 'The export stops there: narrow the dates to export the rest.');
      else toasts.show('success', `Exported ${plural(out.rows, 'record')} to ${out.fileName}.`);
    } catch (e) {
      const info = toErrorInfo(e);
      toasts.show('error', info.message, info.hint);
    } finally {
      setExporting(false);
    }
  }

  const set = (patch: Partial<AuditFilterForm>) => setForm((f) => ({ ...f, ...patch }));
  const errors = draft.ok ? {} : draft.errors;
  const toggle = (seq: number) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });

  const knownActions = useMemo(() => [...new Set([...SUGGESTED_ACTIONS, ...page.records.map((r) => r.action)])].sort(), [page.records]);
  const knownActors = useMemo(() => [...new Set([...actors, ...page.records.map((r) => r.actor.label)])].sort(), [actors, page.records]);

  return (
    <section className="audit-page" aria-labelledby="audit-title">
      <header className="page-header">
        <div>
          <h1 className="page-title" id="audit-title">
            Audit log
          </h1>
          <p className="page-subtitle" data-testid="audit-count">
            {page.loading === 'first' && page.records.length === 0
              ? 'Loading…'
              : `${plural(page.records.length, 'record')} shown${page.more ? ', older ones below' : ''}${hasAuditFilters(applied) ? ' (filtered)' : ''}`}
          </p>
        </div>
        <button type="button" className="button" data-testid="audit-export" onClick={() => void exportCsv()} disabled={!filter || exporting} title="Every record matching the filters, as CSV">
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </header>

      <ChainStatusBanner />

      <form className="audit-filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <FilterField id={`${ids}-actor`} label="Actor" error={errors.actor}>
          <input id={`${ids}-actor`} className="input" list={`${ids}-actors`} placeholder="e-mail or system:…" data-testid="audit-filter-actor" value={form.actor} maxLength={254} spellCheck={false} autoComplete="off" onChange={(e) => set({ actor: e.target.value })} />
          <datalist id={`${ids}-actors`}>
            {knownActors.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </FilterField>
        <FilterField id={`${ids}-tenant`} label="Tenant ID" error={errors.tenantId}>
          <input id={`${ids}-tenant`} className="input mono" placeholder="tn_…" data-testid="audit-filter-tenant" value={form.tenantId} maxLength={64} spellCheck={false} autoComplete="off" aria-invalid={!!errors.tenantId} onChange={(e) => set({ tenantId: e.target.value })} />
        </FilterField>
        <FilterField id={`${ids}-action`} label="Operation" error={errors.action}>
          <input id={`${ids}-action`} className="input mono" list={`${ids}-actions`} placeholder="e.g. grants.open" data-testid="audit-filter-action" value={form.action} maxLength={100} spellCheck={false} autoComplete="off" onChange={(e) => set({ action: e.target.value })} />
          <datalist id={`${ids}-actions`}>
            {knownActions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </FilterField>
        <FilterField id={`${ids}-outcome`} label="Outcome">
          <select id={`${ids}-outcome`} className="select" data-testid="audit-filter-outcome" value={form.outcome} onChange={(e) => set({ outcome: e.target.value as AuditFilterForm['outcome'] })}>
            <option value="">Any outcome</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </FilterField>
        <FilterField id={`${ids}-from`} label="From (local day)" error={errors.from}>
          <input id={`${ids}-from`} type="date" className="input" data-testid="audit-filter-from" value={form.from} max={form.to || undefined} onChange={(e) => set({ from: e.target.value })} />
        </FilterField>
        <FilterField id={`${ids}-to`} label="To (inclusive)" error={errors.to}>
          <input id={`${ids}-to`} type="date" className="input" data-testid="audit-filter-to" value={form.to} min={form.from || undefined} onChange={(e) => set({ to: e.target.value })} />
        </FilterField>
        <div className="audit-filters__actions">
          {hasAuditFilters(form) ? (
            <button type="button" className="button button--ghost" data-testid="audit-filter-clear" onClick={() => setForm(EMPTY_AUDIT_FILTER)}>
              Clear filters
            </button>
          ) : null}
          <button type="button" className="button button--ghost" onClick={() => filter && void load(filter, key)} disabled={!filter || page.loading !== null}>
            Refresh
          </button>
        </div>
      </form>

      {page.error ? (
        <ErrorMessage error={page.error} title="The audit log could not be read">
          <button type="button" className="button button--small" onClick={() => filter && void load(filter, key, page.records.length ? last?.seq : undefined)}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}

      {page.records.length === 0 && page.loading === null && !page.error ? (
        <div className="empty-state">
          <p className="empty-state__title">{hasAuditFilters(applied) ? 'No records match these filters' : 'The audit log is empty'}</p>
          {hasAuditFilters(applied) ? (
            <button type="button" className="button" onClick={() => setForm(EMPTY_AUDIT_FILTER)}>
              Clear filters
            </button>
          ) : null}
        </div>
      ) : page.records.length === 0 && page.loading ? (
        <Spinner label="Reading the audit log…" />
      ) : page.records.length ? (
        <div className={page.loading === 'first' ? 'panel table-wrap audit-table-wrap is-busy' : 'panel table-wrap audit-table-wrap'}>
          <table className="table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
                <th scope="col" className="numeric">
                  #
                </th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Operation</th>
                <th scope="col">Tenant</th>
                <th scope="col">Outcome</th>
                <th scope="col">Ticket</th>
              </tr>
            </thead>
            <tbody>
              {page.records.map((r) => (
                <AuditRow key={r.seq} r={r} open={expanded.has(r.seq)} onToggle={toggle} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {page.more ? (
        <div className="load-more">
          <button type="button" className="button" data-testid="audit-more" onClick={() => filter && last && void load(filter, key, last.seq)} disabled={page.loading !== null}>
            {page.loading === 'more' ? 'Loading…' : `Load older records (before #${last ? formatCount(last.seq) : ''})`}
          </button>
        </div>
      ) : page.records.length && page.loading === null ? (
        <p className="muted load-more">That is the oldest matching record.</p>
      ) : null}
    </section>
  );
}

function FilterField({ id, label, error, children }: { id: string; label: string; error?: string | undefined; children: ReactNode }) {
  return (
    <div className="field audit-filters__field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const OUTCOME_BADGE: Record<AuditRecordView['outcome']['status'], string> = { ok: 'badge badge--state-ok', refused: 'badge badge--state-warn', failed: 'badge badge--state-bad' };

function AuditRow({ r, open, onToggle }: { r: AuditRecordView; open: boolean; onToggle: (seq: number) => void }) {
  const detailId = `audit-detail-${r.seq}`;
  return (
    <Fragment>
      <tr data-testid="audit-row" data-seq={r.seq} data-action={r.action} data-outcome={r.outcome.status} className={open ? 'audit-row audit-row--open' : 'audit-row'} onClick={() => onToggle(r.seq)}>
        <td className="audit-row__toggle">
          <button
            type="button"
            className="disclosure"
            data-testid="audit-expand"
            aria-expanded={open}
            aria-controls={open ? detailId : undefined}
            aria-label={`Details of record ${r.seq}`}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(r.seq);
            }}
          >
            {open ? '▾' : '▸'}
          </button>
        </td>
        <td className="numeric mono">{r.seq}</td>
        <td className="nowrap">
          <time dateTime={r.ts} title={utcTitle(r.ts)}>
            {formatAuditTime(r.ts)}
          </time>
        </td>
        <td>
          <div className="cell-stack">
            <span className="audit-actor" title={r.actor.label}>
              {r.actor.label}
            </span>
            <span className="cell-stack__sub">
              {r.actor.roles.join(', ') || 'no roles'} · {r.actor.transport}
            </span>
          </div>
        </td>
        <td className="mono">{r.action}</td>
        <td>
          {r.tenantId ? (
            <a className="mono" href={buildHash(['tenants', r.tenantId])} onClick={(e) => e.stopPropagation()}>
              {r.tenantId}
            </a>
          ) : (
            <span className="muted">–</span>
          )}
        </td>
        <td>
          <span className="chips">
            <span className={OUTCOME_BADGE[r.outcome.status] ?? 'badge'}>{r.outcome.status}</span>
            {r.outcome.code ? <span className="mono outcome-code">{r.outcome.code}</span> : null}
          </span>
        </td>
        <td className="mono">{r.justification?.ticket ?? <span className="muted">–</span>}</td>
      </tr>
      {open ? (
        <tr className="audit-detail" id={detailId} data-testid="audit-detail">
          <td />
          <td colSpan={7}>
            <dl className="audit-detail__facts">
              <Fact label="Event ID" mono>
                {r.eventId}
              </Fact>
              <Fact label="Time (UTC)" mono>
                {r.ts}
              </Fact>
              <Fact label="Session" mono>
                {r.actor.sessionId ?? '–'}
              </Fact>
              <Fact label="Staff ID" mono>
                {r.actor.staffId ?? '–'}
              </Fact>
              <Fact label="App version" mono>
                {r.appVersion}
              </Fact>
              {r.grantId ? (
                <Fact label="Grant" mono>
                  {r.grantId}
                </Fact>
              ) : null}
              {r.approvalIds.length ? (
                <Fact label="Approvals" mono>
                  {r.approvalIds.join(', ')}
                </Fact>
              ) : null}
              {r.justification ? <Fact label="Justification">{`${r.justification.ticket}: ${r.justification.reason}`}</Fact> : null}
            </dl>
            <p className="audit-detail__label">Parameters (secrets and personal data removed)</p>
            <pre className="audit-detail__params" data-testid="audit-params">
              {paramsText(r.params)}
            </pre>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function Fact({ label, mono, children }: { label: string; mono?: boolean; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{children}</dd>
    </div>
  );
}
