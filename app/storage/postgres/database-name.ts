import { CustosError } from '../../shared/errors';

/**
 * PostgreSQL database names for tenant databases (one per tenant). A name comes
 * from the catalogue (`db_location`) or is derived from a tenant ID, and is put in
 * SQL that cannot take parameters (CREATE/DROP/ALTER DATABASE): so it is checked
 * against a strict pattern first and only then quoted, never interpolated raw.
 */

/** PostgreSQL's NAMEDATALEN - 1: longer names are silently truncated by the server, which could merge two tenants. */
export const MAX_DATABASE_NAME_BYTES = 63;

const PATTERN = /^[a-z_][a-z0-9_]*$/;
const RESERVED = new Set(['postgres', 'template0', 'template1']);

export function databaseNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return 'it is empty';
  if (Buffer.byteLength(name, 'utf8') > MAX_DATABASE_NAME_BYTES) return `it is longer than ${MAX_DATABASE_NAME_BYTES} bytes`;
  if (!PATTERN.test(name)) return 'only lower-case letters a-z, digits and _ are allowed, not starting with a digit';
  if (RESERVED.has(name)) return 'it is a PostgreSQL system database';
  return null;
}

/** Throws CONFIG_INVALID unless `name` is a usable tenant database name; returns it. */
export function assertDatabaseName(name: unknown): string {
  const problem = databaseNameProblem(name);
  if (problem !== null) {
    throw new CustosError(
      'CONFIG_INVALID',
      `${JSON.stringify(String(name).slice(0, 80))} is not a usable PostgreSQL tenant database name: ${problem}.`,
      'Tenant database names look like custos_t_000001: lower-case letters, digits and _, at most 63 bytes. Fix the catalogue entry or the name given.',
    );
  }
  return name as string;
}

/** `"name"`, for a name that passed {@link assertDatabaseName} (the pattern admits no quote). */
export function quoteDatabaseName(name: string): string {
  return `"${assertDatabaseName(name)}"`;
}

/** The database of a tenant: `t-000001` → `custos_t_000001`. */
export function tenantDatabaseName(tenantId: string): string {
  const derived = `custos_${tenantId.toLowerCase().replace(/-/g, '_')}`;
  if (databaseNameProblem(derived) !== null) {
    throw new CustosError('CONFIG_INVALID', `No PostgreSQL database name can be derived from tenant ID ${JSON.stringify(tenantId.slice(0, 80))}.`, 'Tenant IDs look like t-000001.', { tenantId: tenantId.slice(0, 80) });
  }
  return derived;
}
