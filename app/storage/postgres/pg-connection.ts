import pg from 'pg';
import { CustosError } from '../../shared/errors';
import type { PgConnectionSettings } from './tls.policy';

/**
 * pg pools and clients built from checked settings (tls.policy.ts), with the
 * type parsing both engines agree on, and connection errors turned into errors
 * that carry the fix (CONVENTIONS.md §6).
 */

const INT8_OID = 20;

/**
 * int8 (bigint, COUNT(*), pg_database_size) as a JS number, as better-sqlite3
 * returns SQLite integers, so rows read from either engine compare equal. Set on
 * each pool's own `types`, never on pg's global parser table: other code in the
 * process (and other pools) keep pg's default of strings.
 */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PgClientOptions {
  /** Every transaction read-only (default_transaction_read_only): exports, verification, snapshots. */
  readOnly?: boolean;
}

export function pgClientConfig(settings: PgConnectionSettings, options: PgClientOptions = {}): pg.ClientConfig {
  if (settings.database === null) {
    throw new CustosError('CONFIG_INVALID', `The PostgreSQL URL ${settings.display} names no database.`, 'Add the database name to the URL, e.g. postgres://custos@db.example.com:5432/custos_control_plane.');
  }
  return {
    host: settings.host,
    port: settings.port,
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    database: settings.database,
    ssl: settings.ssl,
    application_name: settings.applicationName,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    types: PG_TYPES,
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  };
}

export function createPgPool(settings: PgConnectionSettings, options: PgClientOptions & { max?: number; idleTimeoutMs?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ ...pgClientConfig(settings, options), max: options.max ?? 10, idleTimeoutMillis: options.idleTimeoutMs ?? 30_000 });
  // An idle client whose server went away (restart, pg_terminate_backend when a
  // database is renamed or dropped) emits 'error' on the pool; without a listener
  // that would crash the process. The pool discards that client by itself.
  pool.on('error', () => {});
  return pool;
}

export async function connectPgClient(settings: PgConnectionSettings, options: PgClientOptions = {}): Promise<pg.Client> {
  const client = new pg.Client(pgClientConfig(settings, options));
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
  return client;
}

export function pgErrorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

const TLS_VERIFY_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/**
 * Why a connection could not be opened, in words for a support person. Returns
 * null for errors that are not about connecting (the caller rethrows those).
 * `what` names the database's role: "the control plane database", "the database of tenant t-000001".
 */
export function describeConnectError(e: unknown, settings: PgConnectionSettings, what: string): CustosError | null {
  const code = pgErrorCode(e);
  const message = e instanceof Error ? e.message : String(e);
  const where = settings.display;
  if (code !== undefined && TLS_VERIFY_CODES.has(code)) {
    return new CustosError(
      'INSECURE_TRANSPORT',
      `The certificate of the PostgreSQL server for ${what} (${where}) could not be verified (${code}).`,
      'Check that the host name in the URL is the one on the server certificate; for a private CA add sslrootcert=/path/to/ca.pem to the URL. Custos does not connect to a server it cannot verify.',
      { host: settings.host, cause: code },
    );
  }
  if (/does not support SSL/i.test(message)) {
    return new CustosError(
      'INSECURE_TRANSPORT',
      `The PostgreSQL server for ${what} (${where}) does not offer TLS, and Custos does not send tenant data unencrypted.`,
      'Enable ssl on the PostgreSQL server (ssl = on with a certificate for its host name), or use a server on this machine.',
      { host: settings.host },
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'ENOENT' || /timeout expired|Connection terminated due to connection timeout/i.test(message)) {
    return new CustosError(
      'CONFIG_INVALID',
      `The PostgreSQL server for ${what} (${where}) is not reachable (${code ?? 'timeout'}).`,
      'Check that the server is running and that host and port in the URL are right; ask the operations team if it is down.',
      { host: settings.host, cause: code ?? 'timeout' },
    );
  }
  if (code === '28P01' || code === '28000') {
    return new CustosError(
      'CONFIG_INVALID',
      `PostgreSQL refused the sign-in for ${what} (${where}).`,
      'Check the user and password: they come from the PostgreSQL URL in the environment variable or PGPASSWORD, never from a file.',
      { host: settings.host, cause: code },
    );
  }
  if (code === '3D000') {
    return new CustosError('CONFIG_INVALID', `The PostgreSQL database for ${what} (${where}) does not exist.`, 'Create the database (an empty one is fine: the console creates its tables), or fix the database name in the URL.', { host: settings.host, cause: code });
  }
  return null;
}

/** Runs the first query of a new pool and turns connection failures into CustosErrors. */
export async function probePool(pool: pg.Pool, settings: PgConnectionSettings, what: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    throw describeConnectError(e, settings, what) ?? e;
  }
}
