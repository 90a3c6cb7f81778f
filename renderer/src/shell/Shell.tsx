import { useEffect, useState } from 'react';
import { call, onEvent, toErrorInfo } from '../api/client';
import { TenantDirectory, TenantPage, directoryStore } from '../tenants';
import { AuditPage } from '../audit';
import { FleetHealthPage } from '../backups';
import { DeletionQueuePage, DeletionRequestPage, canUseDeletions } from '../deletion';
import { RunningJobs } from '../jobs';
import { AccountMenu, SessionProvider, StaffPage, isAdmin } from '../staff';
import type { ConsoleMeta, SessionInfo } from './App';
import { navigate, parseHash, useHash } from './router';
import { useToasts } from './toasts';

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
    if (top !== 'tenants' && top !== 'staff' && top !== 'audit' && top !== 'backups' && top !== 'deletions') navigate('#/tenants');
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
            <a className={top === 'tenants' ? 'nav__item nav__item--active' : 'nav__item'} href={directoryStore.lastHash} aria-current={top === 'tenants' ? 'page' : undefined}>
              Tenants
            </a>
          </li>
          <li>
            <a className={top === 'backups' ? 'nav__item nav__item--active' : 'nav__item'} href="#/backups" data-testid="nav-backups" aria-current={top === 'backups' ? 'page' : undefined}>
              Backups
            </a>
          </li>
          {canUseDeletions(staff.roles) ? (
            <li>
              <a className={top === 'deletions' ? 'nav__item nav__item--active' : 'nav__item'} href="#/deletions" data-testid="nav-deletions" aria-current={top === 'deletions' ? 'page' : undefined}>
                Deletion requests
              </a>
            </li>
          ) : null}
        </ul>
        {isAdmin(staff.roles) ? (
          <>
            <p className="nav__group" id="nav-admin">
              Administration
            </p>
            <ul className="nav" aria-labelledby="nav-admin">
              <li>
                <a className={top === 'staff' ? 'nav__item nav__item--active' : 'nav__item'} href="#/staff" data-testid="nav-staff" aria-current={top === 'staff' ? 'page' : undefined}>
                  Staff
                </a>
              </li>
              <li>
                <a className={top === 'audit' ? 'nav__item nav__item--active' : 'nav__item'} href="#/audit" data-testid="nav-audit" aria-current={top === 'audit' ? 'page' : undefined}>
                  Audit log
                </a>
              </li>
            </ul>
          </>
        ) : null}
        {meta ? (
          <div className="shell__meta">
            <span title={meta.dataLocation}>Version {meta.productVersion}</span>
          </div>
        ) : null}
      </nav>
      <header className="shell__top">
        <div className="shell__top-spacer" />
        <RunningJobs />
        <AccountMenu session={session} onSignedOut={onSignedOut} />
        <button type="button" className="button button--ghost" data-testid="signout" onClick={() => void signOut()} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <main className="shell__main">
        <SessionProvider value={session}>
          {top === 'staff' ? <StaffPage /> : top === 'audit' ? <AuditPage /> : top === 'backups' ? <FleetHealthPage /> : top === 'deletions' ? route.segments[1] ? <DeletionRequestPage key={route.segments[1]} requestId={route.segments[1]} /> : <DeletionQueuePage /> : tenantId ? <TenantPage key={tenantId} tenantId={tenantId} /> : <TenantDirectory />}
        </SessionProvider>
      </main>
    </div>
  );
}
