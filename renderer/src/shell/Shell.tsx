import { useEffect, useState } from 'react';
import { call, onEvent, toErrorInfo } from '../api/client';
import { TenantDirectory, TenantPage, directoryStore } from '../tenants';
import type { ConsoleMeta, SessionInfo } from './App';
import { navigate, parseHash, useHash } from './router';
import { useToasts } from './toasts';

const ROLE_LABEL: Record<string, string> = {
  support: 'Support',
  technical: 'Technical',
  account_manager: 'Account manager',
  admin: 'Admin',
};

/** Sections that later releases fill. Shown disabled, so nobody mistakes them for working screens. */
const LATER = ['Backups', 'Deletion requests', 'Audit log', 'Staff'] as const;

export function Shell({ session, meta, onSignedOut }: { session: SessionInfo; meta: ConsoleMeta | null; onSignedOut: () => void }) {
  const hash = useHash();
  const route = parseHash(hash);
  const toasts = useToasts();
  const [signingOut, setSigningOut] = useState(false);

  // The event stream (job progress, session ended) is open while someone is signed in.
  useEffect(() => onEvent(() => {}), []);

  // Signing out leaves nothing of this session's tenant list in memory.
  useEffect(() => () => directoryStore.reset(), []);

  // Past the session's end the server refuses every call; ask it, so the reason shown is its own.
  useEffect(() => {
    const ms = Date.parse(session.expiresAt) - Date.now();
    if (!Number.isFinite(ms)) return;
    const timer = setTimeout(() => {
      call('session.current', {})
        .then((s) => {
          if (!s) onSignedOut();
        })
        .catch(() => {});
    }, Math.min(Math.max(ms + 1000, 1000), 2_147_000_000));
    return () => clearTimeout(timer);
  }, [session.expiresAt, onSignedOut]);

  // Unknown addresses land on the directory.
  const top = route.segments[0];
  useEffect(() => {
    if (top !== 'tenants') navigate('#/tenants');
  }, [top]);

  async function signOut() {
    setSigningOut(true);
    try {
      await call('session.signOut', {});
      onSignedOut();
    } catch (e) {
      const info = toErrorInfo(e);
      if (info.code === 'NOT_SIGNED_IN' || info.code === 'SESSION_EXPIRED') return onSignedOut();
      toasts.show('error', info.message, info.hint);
      setSigningOut(false);
    }
  }

  const tenantId = top === 'tenants' ? route.segments[1] : undefined;
  const staff = session.staff;

  return (
    <div className="shell">
      <nav className="shell__nav" aria-label="Sections">
        <div className="brand">
          <img className="brand__mark" src="./favicon.svg" alt="" width={24} height={24} />
          <span className="brand__name">Custos</span>
        </div>
        <ul className="nav">
          <li>
            <a className="nav__item nav__item--active" href={directoryStore.lastHash} aria-current="page">
              Tenants
            </a>
          </li>
        </ul>
        <p className="nav__group" id="nav-later">
          Later releases
        </p>
        <ul className="nav" aria-labelledby="nav-later">
          {LATER.map((label) => (
            <li key={label}>
              <span className="nav__item nav__item--disabled" aria-disabled="true" title="Coming in a later release">
                {label}
              </span>
            </li>
          ))}
        </ul>
        {meta ? (
          <div className="shell__meta">
            <span title={meta.dataLocation}>Version {meta.productVersion}</span>
          </div>
        ) : null}
      </nav>
      <header className="shell__top">
        <div className="shell__top-spacer" />
        <div className="who">
          <span className="who__name" title={staff.email}>
            {staff.displayName}
          </span>
          <span className="who__roles">
            {staff.roles.map((r) => (
              <span key={r} className="role-chip">
                {ROLE_LABEL[r] ?? r}
              </span>
            ))}
          </span>
        </div>
        <button type="button" className="button button--ghost" data-testid="signout" onClick={() => void signOut()} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <main className="shell__main">{tenantId ? <TenantPage key={tenantId} tenantId={tenantId} /> : <TenantDirectory />}</main>
    </div>
  );
}
