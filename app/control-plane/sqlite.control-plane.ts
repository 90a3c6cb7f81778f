import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { ControlPlane } from './control-plane.port';
import type { ControlPlaneDatabase, ControlPlaneDb } from './control-plane.schema';
import { migrateToLatest } from './migrations';

/**
 * The embedded control plane: one SQLite file. WAL lets the web host, the CLI and
 * a job read while another writes; busy_timeout lets two processes queue instead
 * of failing on a lock.
 */
export async function openSqliteControlPlane(path: string): Promise<ControlPlane> {
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  const db: ControlPlaneDb = new Kysely<ControlPlaneDatabase>({ dialect: new SqliteDialect({ database: raw }) });
  await migrateToLatest(db);

  return {
    engine: 'sqlite',
    location: path,
    db,
    async tryTenantLock() {
      return async () => {};
    },
    async exclusive(_lockName, fn) {
      // kysely's SQLite driver runs one connection behind a mutex, so within this
      // process transactions are already serial; BEGIN IMMEDIATE takes SQLite's
      // write lock up front so two processes cannot both read the same chain head.
      return db.connection().execute(async (conn) => {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`COMMIT`.execute(conn);
          return result;
        } catch (e) {
          await sql`ROLLBACK`.execute(conn);
          throw e;
        }
      });
    },
    async close() {
      await db.destroy();
    },
  };
}
