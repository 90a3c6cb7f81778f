/**
 * A tiny hash router: the renderer is loaded from app:// (Electron) and from the web
 * host, so the address after '#' is the only part that is ours on both.
 *   #/tenants?q=…&plan=…   the tenant directory (its search and filters live here)
 *   #/tenants/<id>          one tenant
 *   #/tenants/<id>?records=companies   …with its records browser open (needs a justification grant)
 *   #/staff                 staff accounts (admins)
 *   #/audit?actor=…&tenant=…&op=…&outcome=…&from=…&to=…   the audit log (admins)
 *   #/backups?sort=…&dir=…&show=…   fleet backup health (its sort and filter live here)
 *   #/deletions?status=…&overdue=1&sort=filedAt   the deletion request queue (account managers, admins)
 *   #/deletions/<id>        one deletion request (…?focus=certificate scrolls to its certificate)
 */
import { useSyncExternalStore } from 'react';

export interface Route {
  /** Path segments, decoded: ['tenants', 'tn_123']. */
  segments: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const search = q >= 0 ? raw.slice(q + 1) : '';
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, params: new URLSearchParams(search) };
}

export function buildHash(segments: readonly string[], params?: URLSearchParams): string {
  const path = '#/' + segments.map(encodeURIComponent).join('/');
  const search = params?.toString();
  return search ? `${path}?${search}` : path;
}

function subscribe(fn: () => void): () => void {
  window.addEventListener('hashchange', fn);
  return () => window.removeEventListener('hashchange', fn);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}

export function navigate(hash: string): void {
  if (window.location.hash !== hash) window.location.hash = hash;
}

/** Update the address without a history entry or a hashchange (typing in the search box). */
export function replaceHash(hash: string): void {
  if (window.location.hash === hash) return;
  const url = new URL(window.location.href);
  url.hash = hash;
  window.history.replaceState(window.history.state, '', url.toString());
}
