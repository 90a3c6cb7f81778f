import { Kysely, PostgresDialect, sql } from 'kysely';
import { CustosError } from '../shared/errors';
import { connectPgClient, createPgPool, probePool } from '../storage/postgres/pg-connection';
import { postgresConnectionSettings, type PgTlsOptions } from '../storage/postgres/tls.policy';
import type { ControlPlane } from './control-plane.port';
import type { ControlPlaneDatabase, ControlPlaneDb } from './control-plane.schema';
import { migrateToLatest } from './migrations';

/**
 * The hosted control plane: one PostgreSQL database shared by every desktop, web
 * host and CLI of a support team (issue 8), with the same schema and migrations
 * as the embedded SQLite one.
 *
 * - The URL passes the transport policy (tls.policy.ts): TLS with verify-full
 *   semantics to anything but this machine. It comes from the environment
 *   (custos.json names the variable), never from a file.
 * - int8 columns (sizes, audit seq, job counters, COUNT(*)) read back as JS
 *   numbers, as on SQLite — set on this pool's own `types`, not pg's globals.
 * - `exclusive` holds a transaction-scoped advisory lock, so two processes
 *   appending to the audit chain (or approving the same request) run one after
 *   the other; the lock is released by COMMIT/ROLLBACK, even if the process dies.
 */

export interface PostgresControlPlaneOptions {
  url: string;
  ssl?: PgTlsOptions;
  /** Connections in the pool (default 10). `exclusive` holds one for its whole transaction. */
  poolSize?: number;
}

/**
 * First key of the two-key advisory lock: Custos's own key space ('Cust'), so a
 * lock name's hash can never collide with single-key advisory locks that other
 * software (or kysely's migration lock) takes on the same database.
 */
export const ADVISORY_LOCK_SPACE = 0x43757374;
/** Key space of tenant job locks ('Cusu'): session-level, so apart from the transaction-level names above. */
export const TENANT_LOCK_SPACE = 0x43757375;

export async function openPostgresControlPlane(options: PostgresControlPlaneOptions): Promise<ControlPlane> {
  const settings = postgresConnectionSettings(options.url, options.ssl);
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 100) {
    throw new CustosError('CONFIG_INVALID', 'The control plane pool size must be a whole number from 1 to 100.', 'For example 10.');
  }
  const pool = createPgPool(settings, { max: poolSize });
  try {
    // A readable error (unreachable, TLS, password, no such database) before kysely's migrator wraps it.
    await probePool(pool, settings, 'the control plane');
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
  const db: ControlPlaneDb = new Kysely<ControlPlaneDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    // kysely's Migrator takes its own advisory lock: two consoles starting at once migrate once.
    await migrateToLatest(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw e;
  }

  let closed: Promise<void> | null = null;
  return {
    engine: 'postgres',
    location: settings.display,
    db,
    exclusive(lockName, fn) {
      return db.transaction().execute(async (trx) => {
        // Read committed: every statement after the lock sees what the previous holder committed.
        await sql`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_SPACE}::int4, hashtext(${lockName}))`.execute(trx);
        return fn(trx);
      });
    },
    async tryTenantLock(tenantId, mode) {
      // A session-level lock lives as long as its connection: one connection per
      // running job, outside the pool, so a long export never starves the pool and a
      // dead process's locks go with its connections.
      const client = await connectPgClient(settings);
      try {
        const fn = mode === 'shared' ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock';
        const { rows } = await client.query<{ ok: boolean }>(`SELECT ${fn}($1::int4, hashtext($2)) AS ok`, [TENANT_LOCK_SPACE, tenantId]);
        if (rows[0]?.ok) {
          let released = false;
          return async () => {
            if (released) return;
            released = true;
            await client.end().catch(() => {});
          };
        }
      } catch (e) {
        await client.end().catch(() => {});
        throw e;
      }
      await client.end().catch(() => {});
      return null;
    },
    close() {
      // db.destroy() ends the pool; twice would throw "Called end on pool more than once".
      closed ??= db.destroy();
      return closed;
    },
  };
}
