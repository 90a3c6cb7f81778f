/**
 * What the desktop app's keychain store needs from the core (issue 8: "credentials
 * come from the OS keychain or the environment"): which environment variables
 * custos.json names for PostgreSQL URLs, and whether a URL passes the one transport
 * policy (tls.policy.ts) before it is stored. The Electron shell asks the core
 * process for both, so the shell stays thin and the rule stays one rule.
 *
 * Nothing here returns the URL or its password: only the facts a person needs to
 * recognise a connection (host, port, database, user, TLS mode).
 */
import { toErrorInfo, type ErrorInfo } from '../shared/errors';
import { decidePostgresTransport, postgresConnectionSettings } from '../storage/postgres/tls.policy';
import { readConfig, type ConsoleConfig } from './config';

export type ConnectionPurpose = 'control-plane' | 'tenant-databases';

export interface ConnectionTarget {
  /** The environment variable the core reads the URL from. */
  variable: string;
  purpose: ConnectionPurpose;
}

/** The PostgreSQL URL variables this configuration reads, in a stable order. */
export function connectionTargets(config: ConsoleConfig): ConnectionTarget[] {
  const out: ConnectionTarget[] = [];
  if (config.controlPlane.engine === 'postgres') out.push({ variable: config.controlPlane.urlEnv, purpose: 'control-plane' });
  const tenants = config.tenantDatabases.postgres;
  if (tenants) {
    // One server may serve both (the same variable named twice): list it once, as the control plane.
    if (!out.some((t) => t.variable === tenants.urlEnv)) out.push({ variable: tenants.urlEnv, purpose: 'tenant-databases' });
  }
  return out;
}

export type ConnectionTargetsResult = { ok: true; targets: ConnectionTarget[] } | { ok: false; error: ErrorInfo };

/** The same reading of `<dataDir>/custos.json` as the core's start (a missing file means the defaults: no PostgreSQL). */
export function readConnectionTargets(dataDir: string): ConnectionTargetsResult {
  try {
    return { ok: true, targets: connectionTargets(readConfig(dataDir).config) };
  } catch (e) {
    return { ok: false, error: toErrorInfo(e) };
  }
}

export interface PostgresUrlFacts {
  host: string;
  port: number;
  database: string | null;
  user: string | null;
  /** The TLS the console will use: 'verify-full' for any host but this machine. */
  tls: 'off' | 'encrypt-only' | 'verify-ca' | 'verify-full';
  /** Loopback or a unix socket. */
  local: boolean;
  /** `postgres://user@host:port/database`, never the password. */
  display: string;
}

export type PostgresUrlCheck = { ok: true; facts: PostgresUrlFacts } | { ok: false; error: ErrorInfo };

/** Longer than any sensible URL, short enough that nothing silly is stored. */
export const MAX_POSTGRES_URL_LENGTH = 4096;

/**
 * The URL under the console's PostgreSQL transport policy, exactly as the core will
 * read it at start (postgresConnectionSettings): postgres:// or postgresql://, one
 * host, and for any host but this machine TLS with certificate and host name verified
 * (sslmode=verify-full, also what a remote URL without sslmode gets).
 */
export function checkPostgresUrl(url: string): PostgresUrlCheck {
  if (typeof url !== 'string' || url.trim() === '' || url.length > MAX_POSTGRES_URL_LENGTH) {
    return {
      ok: false,
      error: { code: 'CONFIG_INVALID', message: 'The PostgreSQL URL is empty or too long.', hint: 'Use a URL such as postgres://custos@db.example.com:5432/custos?sslmode=verify-full.' },
    };
  }
  const trimmed = url.trim();
  // The policy accepts both schemes too; said here once more because a stored URL of
  // another kind (http://, a bare host) would only fail at the next start.
  if (!/^postgres(ql)?:\/\//i.test(trimmed)) {
    return {
      ok: false,
      error: { code: 'CONFIG_INVALID', message: 'The PostgreSQL URL must start with postgres:// or postgresql://.', hint: 'Use a URL such as postgres://custos@db.example.com:5432/custos?sslmode=verify-full.' },
    };
  }
  try {
    const s = postgresConnectionSettings(trimmed);
    const d = decidePostgresTransport(trimmed);
    const tls = d.allowed ? d.tls : 'verify-full'; // allowed: postgresConnectionSettings did not throw
    return { ok: true, facts: { host: s.host, port: s.port, database: s.database, user: s.user ?? null, tls, local: s.local, display: s.display } };
  } catch (e) {
    const info = toErrorInfo(e);
    // The policy's messages never carry the password; details may carry the host only.
    return { ok: false, error: { code: info.code, message: info.message, ...(info.hint ? { hint: info.hint } : {}) } };
  }
}
