import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { CustosError } from '../../shared/errors';
import { isLoopbackHost } from '../object-store/transport.policy';

/**
 * Transport policy for PostgreSQL connections (issue 8, SECURITY.md): the control
 * plane and tenant databases never travel a network in clear text, and never to a
 * server whose certificate was not checked.
 *
 * - This machine (127.0.0.0/8, ::1, `localhost`, a unix socket folder): nothing
 *   crosses a network, so any sslmode is accepted and the default is plain.
 * - Any other host: TLS with the certificate chain AND the host name verified —
 *   libpq's `sslmode=verify-full`. A URL without sslmode gets verify-full (stricter
 *   than libpq's "prefer", which silently falls back to plain); `disable`, `allow`,
 *   `prefer` (may be plain), `require` (encrypted, but to whoever answers) and
 *   `verify-ca` (any host holding a certificate from that CA) are refused.
 *
 * The decision is a pure function of the URL (no DNS: a name that resolves to
 * 127.0.0.1 today is still a remote name). Credentials: the URL comes from an
 * environment variable named in custos.json (`controlPlane.urlEnv`), or PGPASSWORD,
 * never from a file in the repository; this module never puts the password in a
 * message or a `display` string.
 */

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** URL query parameters we understand; anything else is refused rather than silently ignored. */
const KNOWN_PARAMS = new Set(['sslmode', 'sslrootcert', 'host', 'application_name', 'connect_timeout']);

export type PostgresTransportDecision =
  | {
      allowed: true;
      host: string;
      port: number;
      /** Loopback address or unix socket folder. */
      local: boolean;
      socket: boolean;
      /** The sslmode in force (verify-full when a remote URL names none). */
      sslMode: SslMode;
      tls: 'off' | 'encrypt-only' | 'verify-ca' | 'verify-full';
    }
  | {
      allowed: false;
      reason: 'invalid-url' | 'unsupported-scheme' | 'no-host' | 'several-hosts' | 'bad-port' | 'unknown-sslmode' | 'unknown-parameter' | 'plain-or-unverified-off-loopback';
      host?: string;
      sslMode?: string;
      parameters?: string[];
    };

function decodeHost(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The decision, as data, for table tests. */
export function decidePostgresTransport(url: string): PostgresTransportDecision {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { allowed: false, reason: 'invalid-url' };
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return { allowed: false, reason: 'unsupported-scheme' };

  const unknown = [...new Set([...u.searchParams.keys()].filter((k) => !KNOWN_PARAMS.has(k)))].sort();
  // Host: the authority, or libpq's `?host=/socket/folder` when the authority is empty.
  // IPv6 literals without their URL brackets: net.connect and the certificate check want the bare address.
  let host = decodeHost(u.hostname).replace(/^\[(.*)\]$/, '$1');
  const hostParam = u.searchParams.get('host');
  if (hostParam !== null) {
    if (host !== '' && host !== hostParam) return { allowed: false, reason: 'several-hosts', host };
    host = hostParam;
  }
  if (host === '') return { allowed: false, reason: 'no-host' };
  if (host.includes(',')) return { allowed: false, reason: 'several-hosts', host };
  if (unknown.length > 0) return { allowed: false, reason: 'unknown-parameter', host, parameters: unknown };

  const port = u.port === '' ? 5432 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { allowed: false, reason: 'bad-port', host };

  const socket = host.startsWith('/');
  const local = socket || isLoopbackHost(host);
  const given = u.searchParams.get('sslmode');
  if (given !== null && !(SSL_MODES as readonly string[]).includes(given)) return { allowed: false, reason: 'unknown-sslmode', host, sslMode: given };
  const sslMode: SslMode = (given as SslMode | null) ?? (local ? 'disable' : 'verify-full');

  if (!local && sslMode !== 'verify-full') return { allowed: false, reason: 'plain-or-unverified-off-loopback', host, sslMode };
  const tls = sslMode === 'verify-full' ? 'verify-full' : sslMode === 'verify-ca' ? 'verify-ca' : sslMode === 'require' ? 'encrypt-only' : 'off';
  // A unix socket cannot carry TLS.
  return { allowed: true, host, port, local, socket, sslMode, tls: socket ? 'off' : tls };
}

/** What a pg Client/Pool needs, built only from an allowed URL. */
export interface PgConnectionSettings {
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
  /** Null when the URL names none (callers choose: the control plane requires one). */
  database: string | null;
  ssl: false | ConnectionOptions;
  applicationName: string;
  connectTimeoutMs: number;
  local: boolean;
  /** `postgres://user@host:port/db` for messages and logs: never the password. */
  display: string;
}

export interface PgTlsOptions {
  /** Extra trusted CA certificates (PEM), e.g. a cloud provider's bundle; adds to `sslrootcert`. */
  ca?: string | Buffer | Array<string | Buffer>;
}

function displayOf(host: string, port: number, user: string | undefined, database: string | null): string {
  const h = host.startsWith('/') ? encodeURIComponent(host) : isIP(host) === 6 ? `[${host}]` : host;
  return `postgres://${user ? `${encodeURIComponent(user)}@` : ''}${h}:${port}/${database ?? ''}`;
}

function refuse(d: Extract<PostgresTransportDecision, { allowed: false }>): never {
  const host = d.host ?? 'the server';
  switch (d.reason) {
    case 'plain-or-unverified-off-loopback':
      throw new CustosError(
        'INSECURE_TRANSPORT',
        d.sslMode === 'require' || d.sslMode === 'verify-ca'
          ? `The PostgreSQL connection to ${host} uses sslmode=${d.sslMode}, which encrypts but does not check that the certificate belongs to ${host}: anyone in between could read tenant data.`
          : `The PostgreSQL connection to ${host} uses sslmode=${d.sslMode}, which may send tenant data unencrypted over the network.`,
        'Use sslmode=verify-full (or leave sslmode out: Custos then verifies the server certificate and host name). If the server uses a private CA, add sslrootcert=/path/to/ca.pem. Plain connections are only accepted to this machine (127.0.0.1, ::1, localhost or a unix socket).',
        { host, sslMode: d.sslMode },
      );
    case 'unknown-sslmode':
      throw new CustosError('CONFIG_INVALID', `The PostgreSQL URL has an unknown sslmode ${JSON.stringify(String(d.sslMode).slice(0, 32))}.`, 'Use sslmode=verify-full.', { host });
    case 'unknown-parameter':
      throw new CustosError(
        'CONFIG_INVALID',
        `The PostgreSQL URL has parameters this console does not support: ${(d.parameters ?? []).map((p) => p.slice(0, 32)).join(', ')}.`,
        'Remove them. Supported: sslmode, sslrootcert, host (a unix socket folder), application_name, connect_timeout. Client certificate files are not supported; the password comes from the environment.',
        { host, parameters: d.parameters },
      );
    case 'several-hosts':
      throw new CustosError('CONFIG_INVALID', 'The PostgreSQL URL names more than one host.', 'Give exactly one host (a load balancer or proxy address if the database has several).', { host });
    case 'no-host':
      throw new CustosError('CONFIG_INVALID', 'The PostgreSQL URL names no host.', 'Use a URL such as postgres://custos@db.example.com:5432/custos?sslmode=verify-full.');
    case 'bad-port':
      throw new CustosError('CONFIG_INVALID', `The PostgreSQL URL has an invalid port for ${host}.`, 'Use a port from 1 to 65535 (PostgreSQL listens on 5432 by default).', { host });
    case 'unsupported-scheme':
    case 'invalid-url':
      throw new CustosError('CONFIG_INVALID', 'The PostgreSQL URL is not a valid postgres:// address.', 'Use a URL such as postgres://custos@db.example.com:5432/custos?sslmode=verify-full.');
  }
}

/**
 * Parses a PostgreSQL URL under the transport policy and builds the settings for
 * pg. The pg `ssl` option is built here and only here: `rejectUnauthorized: true`
 * and the server name for verify-full; we never hand pg the URL itself, so its own
 * (looser, version-dependent) reading of sslmode cannot apply.
 */
export function postgresConnectionSettings(url: string, tlsOptions: PgTlsOptions = {}): PgConnectionSettings {
  const d = decidePostgresTransport(url);
  if (!d.allowed) refuse(d);
  const u = new URL(url);
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new CustosError('CONFIG_INVALID', 'The PostgreSQL URL has a badly encoded user, password or database name.', 'Percent-encode special characters (for example @ as %40).', { host: d.host });
    }
  };
  const user = u.username === '' ? undefined : dec(u.username);
  const password = u.password === '' ? undefined : dec(u.password);
  const path = u.pathname.replace(/^\//, '');
  const database = path === '' ? null : dec(path);

  const cas: Array<string | Buffer> = [];
  const rootCert = u.searchParams.get('sslrootcert');
  if (rootCert !== null && rootCert !== '' && d.tls !== 'off') {
    try {
      cas.push(readFileSync(rootCert));
    } catch (e) {
      throw new CustosError('CONFIG_INVALID', `The CA certificate file named by sslrootcert cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, 'Point sslrootcert at a readable PEM file with the CA that signed the server certificate.', { host: d.host });
    }
  }
  if (tlsOptions.ca !== undefined) cas.push(...(Array.isArray(tlsOptions.ca) ? tlsOptions.ca : [tlsOptions.ca]));

  let ssl: false | ConnectionOptions = false;
  if (d.tls === 'verify-full') {
    ssl = { rejectUnauthorized: true, ...(isIP(d.host) === 0 ? { servername: d.host } : {}) };
  } else if (d.tls === 'verify-ca') {
    // Loopback only (refused elsewhere): chain checked, host name not.
    ssl = { rejectUnauthorized: true, checkServerIdentity: () => undefined };
  } else if (d.tls === 'encrypt-only') {
    ssl = { rejectUnauthorized: false };
  }
  if (ssl && cas.length > 0) ssl.ca = cas;

  const timeout = u.searchParams.get('connect_timeout');
  const seconds = timeout === null ? 10 : Number(timeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new CustosError('CONFIG_INVALID', 'The PostgreSQL URL has an invalid connect_timeout.', 'Give a number of seconds from 1 to 600.', { host: d.host });
  }
  return {
    host: d.host,
    port: d.port,
    user,
    password,
    database,
    ssl,
    applicationName: (u.searchParams.get('application_name') ?? 'custos').slice(0, 63),
    connectTimeoutMs: Math.round(seconds * 1000),
    local: d.local,
    display: displayOf(d.host, d.port, user, database),
  };
}

/** The same server and credentials, another database (one database per tenant). */
export function withDatabase(settings: PgConnectionSettings, database: string): PgConnectionSettings {
  return { ...settings, database, display: displayOf(settings.host, settings.port, settings.user, database) };
}

/**
 * The PostgreSQL URL from the environment variable named in custos.json
 * (`controlPlane.urlEnv`). The variable's value is never echoed back.
 */
export function postgresUrlFromEnv(variable: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new CustosError('CONFIG_INVALID', 'The name of the environment variable for the PostgreSQL URL is not valid.', 'Use a name such as CUSTOS_CONTROL_PLANE_URL.');
  }
  const value = env[variable];
  if (value === undefined || value.trim() === '') {
    throw new CustosError(
      'CONFIG_INVALID',
      `The environment variable ${variable} is not set, so the console does not know which PostgreSQL database to use.`,
      `Set ${variable} to a URL such as postgres://custos@db.example.com:5432/custos?sslmode=verify-full (the password in the URL or in PGPASSWORD; never in a file in the repository).`,
      { variable },
    );
  }
  return value.trim();
}
