/** Words for the database connections screen; pure, so they are tested without a window. */
import type { ConnectionView, StoredFacts, TlsMode } from './connections-types';

export function purposeText(purpose: ConnectionView['purpose']): string {
  if (purpose === 'control-plane') return 'Control plane';
  if (purpose === 'tenant-databases') return 'Tenant databases (PostgreSQL server)';
  return 'No longer named in custos.json';
}

const TLS: Record<TlsMode, string> = {
  'verify-full': 'verify-full (certificate and host name checked)',
  'verify-ca': 'verify-ca (this machine only)',
  'encrypt-only': 'encrypted, certificate not checked (this machine only)',
  off: 'none (this machine only)',
};

export function tlsText(tls: TlsMode): string {
  return TLS[tls];
}

/** host:port/database — the only part of a stored URL the screen ever shows, with the user beside it. */
export function whereText(f: StoredFacts): string {
  const host = f.host.includes(':') && !f.host.startsWith('/') ? `[${f.host}]` : f.host;
  return `${host}:${f.port}/${f.database ?? ''}`;
}

/** Which URL the running console took at start, and what happens at the next one. */
export function sourceText(c: ConnectionView): string {
  const now = c.atStart === 'keychain' ? 'This start used the stored URL.' : c.atStart === 'environment' ? 'This start used the environment variable.' : 'This start had no URL for it.';
  const next = c.environmentSet
    ? 'The environment variable is set, and it wins over a stored URL.'
    : c.stored && c.stored.ok
      ? 'The next start uses the stored URL.'
      : 'Neither the environment nor the keychain has a URL for the next start.';
  return `${now} ${next}`;
}
