import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Throwaway PostgreSQL databases for tests (ARCHITECTURE.md: tests use the real
 * engines on loopback). PostgreSQL always runs on 127.0.0.1:5432 on these
 * machines and in CI (`.ci/run` starts it), so a suite never skips: if the server
 * is down, it fails with a message that says how to start it.
 *
 * Each run gets a random prefix `custos_test_<time>_<random>`; `database` is
 * created empty, `name(label)` gives more names under the same prefix (tenant
 * databases made by the code under test), and `close()` drops every database with
 * the prefix. Databases left by a run that crashed are dropped by a later run once
 * they are a few hours old.
 *
 * Override the server with CUSTOS_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const STALE_AFTER_S = 6 * 3600;

export interface TestPostgres {
  /** The maintenance URL (database `postgres`): for admin code under test. */
  serverUrl: string;
  /** The throwaway database created for this run. */
  database: string;
  /** URL of {@link database}. */
  url: string;
  /** Another database name under this run's prefix (not created), e.g. `name('tenant')`. */
  name(label: string): string;
  /** URL of any database on the same server. */
  urlFor(database: string): string;
  /** Drops every database of this run (connections to them are terminated). */
  close(): Promise<void>;
}

function serverUrl(): string {
  return process.env.CUSTOS_TEST_PG_URL ?? DEFAULT_TEST_PG_URL;
}

function urlWithDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    const u = new URL(url);
    const code = (e as { code?: string }).code ?? (e as Error).message;
    throw new Error(
      `PostgreSQL is not answering on ${u.hostname}:${u.port || 5432} as ${u.username || 'the current user'} (${code}). ` +
        'The PostgreSQL tests need it (they never skip). Start it with ' +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` ' +
        '(CI does this in .ci/run), or point CUSTOS_TEST_PG_URL at a server.',
    );
  }
  return client;
}

async function dropDatabases(client: pg.Client, names: string[]): Promise<void> {
  for (const n of names) {
    if (!/^custos_test_[a-z0-9_]+$/.test(n)) continue; // never anything that is not ours
    await client.query(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
  }
}

/** Creates this run's throwaway database; the caller closes it in afterAll. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const base = serverUrl();
  const client = await adminClient(base);
  const now = Math.floor(Date.now() / 1000);
  const prefix = `custos_test_${now.toString(36)}_${randomBytes(4).toString('hex')}`;
  const database = `${prefix}_main`;
  try {
    // Leftovers of crashed runs (the time is in the name), old enough not to be a run in progress.
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'custos\\_test\\_%'");
    const stale = rows
      .map((r) => r.datname)
      .filter((n) => {
        const t = /^custos_test_([a-z0-9]+)_/.exec(n);
        return t !== null && now - parseInt(t[1] as string, 36) > STALE_AFTER_S;
      });
    await dropDatabases(client, stale).catch(() => {});
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end().catch(() => {});
  }

  let closed = false;
  return {
    serverUrl: base,
    database,
    url: urlWithDatabase(base, database),
    name(label) {
      const clean = label.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      const n = `${prefix}_${clean}`;
      if (n.length > 63) throw new Error(`test database name too long: ${n}`);
      return n;
    },
    urlFor(db) {
      return urlWithDatabase(base, db);
    },
    async close() {
      if (closed) return;
      closed = true;
      const c = await adminClient(base);
      try {
        const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`${prefix}_`]);
        await dropDatabases(
          c,
          rows.map((r) => r.datname),
        );
      } finally {
        await c.end().catch(() => {});
      }
    },
  };
}
