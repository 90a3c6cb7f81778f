/**
 * One tenant: its catalogue record (tenants.get) and what its database holds, as
 * counts only (tenants.stats) — records themselves need a justified-access grant
 * (access/TenantAccess: the grants, the justification, the browser). Panels for exports, backups and
 * deletion say plainly that they are not available yet.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { call, onEvent, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { CopyButton } from '../ui/CopyButton';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatBytes, formatCount } from '../ui/format';
import { directoryStore } from './directory-store';
import { PlanBadge, StatusBadge } from './TenantBadges';
import { TenantAccess } from '../access';
import { BackupsPanel } from '../backups';
import { RestorePanel } from '../restore';
import { ExportsPanel } from '../exports';
import { DeletionPanel } from '../deletion';

type Detail = OpOutput<'tenants.get'>;
type Stats = OpOutput<'tenants.stats'>;
type Loadable<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: ErrorInfo };

/** Same rule as the contract's tenantIdSchema: anything else never reaches the server. */
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** [value, retry (shows loading), refresh (keeps what is shown until the new value is in; a failure keeps it)]. */
function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loadable<T>, () => void, () => void] {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const silent = useRef(false);
  useEffect(() => {
    let live = true;
    const quiet = silent.current;
    silent.current = false;
    if (!quiet) setValue({ state: 'loading' });
    load().then(
      (v) => live && setValue({ state: 'ok', value: v }),
      (e: unknown) => live && setValue((old) => (quiet && old.state === 'ok' ? old : { state: 'error', error: toErrorInfo(e) })),
    );
    return () => {
      live = false;
    };
  }, [attempt, ...deps]); // eslint-disable-line react-hooks/exhaustive-deps
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  const refresh = useCallback(() => {
    silent.current = true;
    setAttempt((a) => a + 1);
  }, []);
  return [value, retry, refresh];
}

export function TenantPage({ tenantId }: { tenantId: string }) {
  const valid = TENANT_ID.test(tenantId);
  const back = directoryStore.lastHash;
  const [detail, retryDetail, refreshDetail] = useLoad<Detail>(
    () => (valid ? call('tenants.get', { tenantId }) : Promise.reject(new Error('bad id'))),
    [tenantId],
  );
  const [stats, retryStats, refreshStats] = useLoad<Stats>(
    () => (valid ? call('tenants.stats', { tenantId }) : Promise.reject(new Error('bad id'))),
    [tenantId],
  );

  // A job of this tenant moving to its next phase or ending may change its status ("restoring",
  // "offboarding") or its counts (a restore): the header follows without a reload.
  useEffect(() => {
    const phases = new Map<string, string>();
    return onEvent((e) => {
      if (e.type !== 'job' || e.tenantId !== tenantId) return;
      if (e.state === 'running') {
        if (phases.get(e.jobId) === e.phase) return;
        phases.set(e.jobId, e.phase);
        refreshDetail();
        return;
      }
      phases.delete(e.jobId);
      refreshDetail();
      refreshStats();
    });
  }, [tenantId, refreshDetail, refreshStats]);

  useEffect(() => {
    if (detail.state === 'ok') document.title = `${detail.value.name} · Custos`;
    return () => {
      document.title = 'Custos';
    };
  }, [detail]);

  const backLink = (
    <a className="back-link" href={back}>
      ← Tenants
    </a>
  );

  if (!valid) {
    return (
      <section className="tenant-page" data-testid="tenant-page">
        {backLink}
        <ErrorMessage error={{ code: 'INVALID_INPUT', message: 'That address does not name a tenant.', hint: 'Open the tenant from the directory.' }} />
      </section>
    );
  }

  return (
    <section className="tenant-page" data-testid="tenant-page" aria-busy={detail.state === 'loading'}>
      {backLink}
      {detail.state === 'loading' ? (
        <div className="tenant-header">
          <Spinner label="Loading the tenant…" />
        </div>
      ) : detail.state === 'error' ? (
        <ErrorMessage error={detail.error} title="This tenant could not be loaded">
          <button type="button" className="button button--small" onClick={retryDetail}>
            Try again
          </button>
        </ErrorMessage>
      ) : (
        <TenantHeader t={detail.value} />
      )}

      <div className="cards">
        <Card title="Contents" wide subtitle={stats.state === 'ok' ? `Database schema version ${stats.value.schemaVersion}` : undefined}>
          <StatsBody stats={stats} retry={retryStats} render={(s) => <CountList items={s.counts} testId="entity-count" />} />
        </Card>
        <Card title="History by owner" subtitle="Past activities, per kind of element they belong to">
          <StatsBody stats={stats} retry={retryStats} render={(s) => <CountList items={s.historyBySubject} testId="history-count" />} />
        </Card>
        <Card title="Storage">
          {detail.state === 'ok' ? <StorageList t={detail.value} stats={stats.state === 'ok' ? stats.value : null} /> : detail.state === 'loading' ? <Spinner /> : <p className="muted">Unavailable: the tenant record could not be loaded.</p>}
        </Card>
        <Card title="Custom fields" wide>
          <StatsBody stats={stats} retry={retryStats} render={(s) => <CustomFields fields={s.customFields} />} />
        </Card>
        <TenantAccess tenantId={tenantId} tenantName={detail.state === 'ok' ? detail.value.name : null} />
        <ExportsPanel tenantId={tenantId} tenant={detail.state === 'ok' ? detail.value : null} />
        <BackupsPanel tenantId={tenantId} tenant={detail.state === 'ok' ? detail.value : null} />
        <RestorePanel tenantId={tenantId} tenant={detail.state === 'ok' ? detail.value : null} />
        <DeletionPanel tenantId={tenantId} tenant={detail.state === 'ok' ? detail.value : null} />
      </div>
    </section>
  );
}

function TenantHeader({ t }: { t: Detail }) {
  return (
    <header className="tenant-header">
      <div className="tenant-header__title-row">
        <h1 className="page-title tenant-header__name">{t.name}</h1>
        <div className="tenant-header__badges">
          <PlanBadge plan={t.plan} />
          <StatusBadge status={t.status} />
          {t.legalHold ? (
            <span className="badge badge--hold" title={t.legalHold}>
              Legal hold
            </span>
          ) : null}
        </div>
      </div>
      <p className="tenant-header__ids">
        <span className="mono">{t.slug}</span>
        <span className="sep" aria-hidden="true">
          ·
        </span>
        <span className="tenant-header__id">
          ID <span className="mono">{t.id}</span>
        </span>
        <CopyButton text={t.id} what="tenant ID" label="Copy ID" />
      </p>
      <dl className="facts">
        <Fact label="Region">{t.region}</Fact>
        <Fact label="Created">
          <DateText iso={t.createdAt} />
        </Fact>
        <Fact label="Data processing agreement">
          {t.dpaVersion ? (
            <>
              Version {t.dpaVersion}, accepted <DateText iso={t.dpaAcceptedAt} empty="(date unknown)" />
            </>
          ) : (
            <span className="muted">Not accepted</span>
          )}
        </Fact>
        <Fact label="Free advanced export">{freeExportText(t)}</Fact>
        <Fact label="Last snapshot">
          <DateText iso={t.lastSnapshotAt} withTime empty="never" />
        </Fact>
        {t.legalHold ? <Fact label="Legal hold">{t.legalHold}</Fact> : null}
      </dl>
    </header>
  );
}

/** PRODUCT.md "Exports": one free advanced export for a commercial customer; a trial's is billable. */
function freeExportText(t: Detail): ReactNode {
  if (t.freeExportUsedAt) {
    return (
      <>
        Used <DateText iso={t.freeExportUsedAt} />
      </>
    );
  }
  if (t.plan === 'trial') return <span className="muted">None during the trial (exports are billable)</span>;
  return 'Not used yet';
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="facts__item">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Card({ title, subtitle, wide, children }: { title: string; subtitle?: string | undefined; wide?: boolean; children: ReactNode }) {
  return (
    <section className={wide ? 'card card--wide' : 'card'} aria-label={title}>
      <header className="card__header">
        <h2 className="card__title">{title}</h2>
        {subtitle ? <p className="card__subtitle">{subtitle}</p> : null}
      </header>
      <div className="card__body">{children}</div>
    </section>
  );
}

function NotYet({ title, text }: { title: string; text: string }) {
  return (
    <section className="card card--not-yet" aria-label={title}>
      <header className="card__header">
        <h2 className="card__title">{title}</h2>
        <span className="badge badge--later">Not available yet</span>
      </header>
      <p className="card__body muted">{text}</p>
    </section>
  );
}

function StatsBody({ stats, retry, render }: { stats: Loadable<Stats>; retry: () => void; render: (s: Stats) => ReactNode }) {
  if (stats.state === 'loading') return <Spinner label="Counting…" />;
  if (stats.state === 'error') {
    return (
      <ErrorMessage error={stats.error}>
        <button type="button" className="button button--small" onClick={retry}>
          Try again
        </button>
      </ErrorMessage>
    );
  }
  return <>{render(stats.value)}</>;
}

function CountList({ items, testId }: { items: Stats['counts']; testId: string }) {
  return (
    <dl className="counts">
      {items.map((c) => (
        <div key={c.entity} className="counts__item">
          <dt className="counts__label">{c.label}</dt>
          <dd className="counts__value" data-testid={testId} data-entity={c.entity}>
            {formatCount(c.count)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function CustomFields({ fields }: { fields: Stats['customFields'] }) {
  if (fields.length === 0) return <p className="muted">This tenant has defined no custom fields.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Entity</th>
            <th scope="col">Key</th>
            <th scope="col">Label</th>
            <th scope="col">Type</th>
            <th scope="col" className="numeric">
              Values
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={`${f.entity}\u0000${f.key}`}>
              <td>{f.entity}</td>
              <td className="mono">{f.key}</td>
              <td>{f.label}</td>
              <td>{f.type}</td>
              <td className="numeric">{formatCount(f.valueCount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StorageList({ t, stats }: { t: Detail; stats: Stats | null }) {
  const rows: [string, string, string][] = [
    ['Database', t.storage.database, 'database location'],
    ['Attachments', t.storage.attachments, 'attachments prefix'],
    ['Backups', t.storage.backups, 'backups prefix'],
    ['Exports', t.storage.exports, 'exports prefix'],
  ];
  return (
    <>
      <dl className="storage">
        {rows.map(([label, value, what]) => (
          <div key={label} className="storage__item">
            <dt>{label}</dt>
            <dd>
              <span className="mono storage__path" title={value}>
                {value}
              </span>
              <CopyButton text={value} what={what} />
            </dd>
          </div>
        ))}
      </dl>
      <dl className="facts facts--compact">
        <Fact label="Engine and size">
          {t.dbEngine === 'postgres' ? 'PostgreSQL' : 'SQLite'}, {formatBytes(stats?.dbSizeBytes ?? t.dbSizeBytes)}
        </Fact>
        <Fact label="Attachments">
          {formatCount(t.attachmentCount)} files, {formatBytes(t.attachmentBytes)}
        </Fact>
        <Fact label="Missing files">
          {stats?.missingObjects != null ? formatCount(stats.missingObjects) : <span className="muted">Not checked yet (known after an export or a verification)</span>}
        </Fact>
      </dl>
    </>
  );
}
