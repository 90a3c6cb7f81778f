/**
 * File > Database connections… (desktop app only, issue 8): the PostgreSQL URLs that
 * custos.json reads from environment variables, and whether this computer's OS
 * keychain holds one for each. The main process answers (main/connections.host.ts),
 * only to this window, only for an admin (or, when the console could not start, to
 * the person at the desktop), and confirms every change in a native dialog.
 *
 * A URL typed here goes to the main process once and is never shown again: the
 * screen sees host, port, database, user and TLS mode, never the password.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { canManageConnections, connectionsRequest, toErrorInfo, type ErrorInfo } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import type { ConnectionView, ConnectionsStatus, SaveResult } from './connections-types';
import { purposeText, sourceText, tlsText, whereText } from './connections-view';
import './connections.css';

/** The route this window opens on; honoured only where the desktop bridge exists. */
export function isConnectionsRoute(hash: string): boolean {
  return canManageConnections() && /^#\/connections(\?.*)?$/.test(hash);
}

export function ConnectionsScreen() {
  const [status, setStatus] = useState<ConnectionsStatus | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setStatus(await connectionsRequest<ConnectionsStatus>({ action: 'status' }));
      setError(null);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function removeUnreadable() {
    try {
      const r = await connectionsRequest<{ removed: boolean }>({ action: 'remove-unreadable' });
      if (r.removed) setNotice('The unreadable file was removed. Store the URLs again, or set the environment variables.');
    } catch (e) {
      setError(toErrorInfo(e));
    }
    await load();
  }

  return (
    <main className="connections" data-testid="connections-screen">
      <header className="connections__header">
        <h1 className="page-title">Database connections</h1>
        <p className="connections__lead">
          Custos reads the PostgreSQL URLs named in <code className="code">custos.json</code> from environment variables. On this computer it can also keep each URL
          in the OS keychain, encrypted, and put it into the console&apos;s environment at start. An environment variable that is set always wins, so operators can
          override a stored URL. A stored URL, and its password, is never shown again.
        </p>
      </header>

      {status?.mode === 'recovery' ? (
        <p className="notice" data-testid="connections-recovery">
          Custos could not start. Store the missing or corrected URL here, then restart Custos.
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <ErrorMessage error={error} title="Database connections">
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}

      {!status && !error ? <Spinner label="Reading the stored connections…" /> : null}

      {status ? (
        <>
          <p className="connections__backend" data-testid="connections-backend">
            <span className="muted">Encryption:</span> {status.backend.label}
          </p>
          {status.refusal ? <ErrorMessage error={status.refusal as ErrorInfo} title="URLs cannot be stored on this computer" /> : null}
          {status.storeProblem ? (
            <ErrorMessage error={status.storeProblem as ErrorInfo} title="The stored connections cannot be read">
              <button type="button" className="button" data-testid="connections-remove-unreadable" onClick={() => void removeUnreadable()}>
                Remove the unreadable file…
              </button>
            </ErrorMessage>
          ) : null}
          {status.configProblem ? <ErrorMessage error={status.configProblem as ErrorInfo} title="custos.json cannot be read" /> : null}
          {status.connections.length === 0 && !status.configProblem ? (
            <p className="muted">custos.json keeps the control plane and the tenant databases in SQLite on this computer: there is no PostgreSQL URL to store.</p>
          ) : null}
          <div className="connections__list">
            {status.connections.map((c) => (
              <ConnectionCard key={c.variable} connection={c} canStore={status.canStore && !status.storeProblem} onChanged={load} onNotice={setNotice} />
            ))}
          </div>
        </>
      ) : null}

      <footer className="connections__footer">
        <button type="button" className="button" onClick={() => window.close()}>
          Close
        </button>
      </footer>
    </main>
  );
}

function ConnectionCard({ connection: c, canStore, onChanged, onNotice }: { connection: ConnectionView; canStore: boolean; onChanged: () => Promise<void>; onNotice: (s: string | null) => void }) {
  const [editing, setEditing] = useState(false);
  const [url, setUrl] = useState('');
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const stored = c.stored;

  async function save(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await connectionsRequest<SaveResult>({ action: 'save', variable: c.variable, url });
      if (r.saved) {
        setUrl('');
        setEditing(false);
        onNotice(r.restarting ? 'Stored. Custos is restarting…' : `Stored for ${c.variable}. Restart Custos to use it.`);
        await onChanged();
      }
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  async function forget() {
    setBusy(true);
    setError(null);
    try {
      const r = await connectionsRequest<{ forgotten: boolean }>({ action: 'forget', variable: c.variable });
      if (r.forgotten) onNotice(`The URL stored for ${c.variable} was forgotten. Restart Custos for it to take effect.`);
      await onChanged();
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card connections__card" data-testid={`connection-${c.variable}`} aria-labelledby={`conn-${c.variable}`}>
      <div className="card__header">
        <h2 className="card__title" id={`conn-${c.variable}`}>
          {purposeText(c.purpose)}
        </h2>
        {c.changedSinceStart ? <span className="badge badge--later">Restart to use</span> : null}
      </div>
      <dl className="facts facts--compact connections__facts">
        <div>
          <dt>Environment variable</dt>
          <dd>
            <code className="code">{c.variable}</code> {c.environmentSet ? '— set (wins over a stored URL)' : '— not set'}
          </dd>
        </div>
        <div>
          <dt>Stored in the OS keychain</dt>
          <dd data-testid="connection-stored">{stored === null ? 'No' : stored.ok ? whereText(stored) : `Yes, but it no longer passes the rules: ${stored.message}`}</dd>
        </div>
        {stored && stored.ok ? (
          <>
            <div>
              <dt>User</dt>
              <dd>{stored.user ?? '(none named: the OS user name)'}</dd>
            </div>
            <div>
              <dt>TLS</dt>
              <dd>{tlsText(stored.tls)}</dd>
            </div>
          </>
        ) : null}
        <div>
          <dt>In use</dt>
          <dd>{sourceText(c)}</dd>
        </div>
      </dl>

      {error ? <ErrorMessage error={error} /> : null}

      {editing ? (
        <form className="connections__form" onSubmit={save} noValidate>
          <div className="field">
            <label className="field__label" htmlFor={`url-${c.variable}`}>
              PostgreSQL URL
            </label>
            <input
              id={`url-${c.variable}`}
              className="input mono"
              data-testid="connection-url"
              type={show ? 'text' : 'password'}
              autoComplete="off"
              spellCheck={false}
              maxLength={4096}
              required
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              aria-describedby={`url-help-${c.variable}`}
              autoFocus
            />
            <p className="field__help" id={`url-help-${c.variable}`}>
              postgres://user:password@db.example.com:5432/database?sslmode=verify-full — any server but this machine needs sslmode=verify-full (certificate and
              host name checked).
            </p>
          </div>
          <label className="connections__show">
            <input type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} /> Show the URL while typing
          </label>
          <div className="connections__actions">
            <button type="submit" className="button button--primary" disabled={busy || url.trim() === ''}>
              {busy ? 'Checking…' : 'Store…'}
            </button>
            <button
              type="button"
              className="button button--ghost"
              onClick={() => {
                setEditing(false);
                setUrl('');
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="connections__actions">
          {c.purpose !== null ? (
            <button type="button" className="button" data-testid="connection-edit" disabled={!canStore || busy} onClick={() => setEditing(true)}>
              {stored ? 'Replace the URL…' : 'Store a URL…'}
            </button>
          ) : null}
          {stored ? (
            <button type="button" className="button button--ghost" data-testid="connection-forget" disabled={busy} onClick={() => void forget()}>
              Forget…
            </button>
          ) : null}
        </div>
      )}
    </section>
  );
}
