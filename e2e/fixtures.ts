import { test as base, expect, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';

export const ADMIN = { email: 'root@vendor.example', name: 'Rita Root', password: 'Kestrel#Harbour42' };
export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface ConsoleServer {
  url: string;
  origin: string;
  dataDir: string;
  /** Reads the control plane directly (the test's independent view of the truth). */
  controlPlane<T>(fn: (db: Database.Database) => T): T;
  tenantDb<T>(dbLocation: string, fn: (db: Database.Database) => T): T;
  /** Writes custos.json changes and restarts the server on the same data folder. */
  restart(configPatch?: Record<string, unknown>): Promise<void>;
}

async function startServer(dataDir: string, demoTenants: number, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string }> {
  const urlFile = join(dataDir, '..', `url-${Date.now()}.txt`);
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'custos.mjs'), 'serve', '--data-dir', dataDir, '--port', '0', '--url-file', urlFile, '--demo-tenants', String(demoTenants)], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  const deadline = Date.now() + 90_000;
  while (!existsSync(urlFile)) {
    if (child.exitCode !== null) throw new Error(`custos serve exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('custos serve did not start within 90 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url: readFileSync(urlFile, 'utf8').trim() };
}

/** A console whose tenants live on PostgreSQL (issue 8), with one snapshot of t-000001 taken today. */
export interface PgConsoleServer {
  url: string;
  dataDir: string;
  /** The server every tenant database of this run is on, and this run's database name prefix. */
  serverUrl: string;
  dbPrefix: string;
  /** One statement against a tenant database (its catalogue name). */
  query<R extends Record<string, unknown>>(database: string, text: string, values?: unknown[]): Promise<R[]>;
}

export const PG_SERVER_URL = process.env.CUSTOS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function custos(args: string[], env: NodeJS.ProcessEnv): void {
  execFileSync(process.execPath, [join(repoRoot, 'bin', 'custos.mjs'), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function pgClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

export const test = base.extend<{}, { server: ConsoleServer; pgServer: PgConsoleServer }>({
  pgServer: [
    async ({}, use) => {
      const root = mkdtempSync(join(tmpdir(), 'custos-e2e-pg-'));
      const dataDir = join(root, 'data');
      // This run's own database names: other runs (and a demo fleet) on the same server are never touched.
      const dbPrefix = `custos_e2e_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}_`;
      const env = { CUSTOS_TENANTS_PG_URL: PG_SERVER_URL };
      const dropAll = async () => {
        const c = await pgClient(PG_SERVER_URL);
        try {
          const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [dbPrefix]);
          for (const r of rows) if (/^custos_e2e_[a-z0-9_]+$/.test(r.datname)) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
        } finally {
          await c.end();
        }
      };
      let child: ChildProcess | null = null;
      try {
        custos(['demo', 'seed', '--engine', 'postgres', '--url', PG_SERVER_URL, '--db-prefix', dbPrefix, '--tenants', '3', '--data-dir', dataDir], env);
        custos(['--data-dir', dataDir, 'backup', 'run', '--tenant', 't-000001'], env);
        const started = await startServer(dataDir, 3, env);
        child = started.child;
        await use({
          url: started.url,
          dataDir,
          serverUrl: PG_SERVER_URL,
          dbPrefix,
          async query(database, text, values = []) {
            const u = new URL(PG_SERVER_URL);
            u.pathname = `/${database}`;
            const c = await pgClient(u.toString());
            try {
              return (await c.query(text, values)).rows;
            } finally {
              await c.end();
            }
          },
        });
      } finally {
        if (child) {
          child.kill('SIGTERM');
          await new Promise((r) => (child!.exitCode !== null ? r(null) : child!.once('exit', r)));
        }
        await dropAll();
        rmSync(root, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  server: [
    async ({}, use) => {
      const root = mkdtempSync(join(tmpdir(), 'custos-e2e-'));
      const dataDir = join(root, 'data');
      let { child, url } = await startServer(dataDir, 24);
      const server: ConsoleServer = {
        get url() {
          return url;
        },
        get origin() {
          return new URL(url).origin;
        },
        dataDir,
        controlPlane(fn) {
          const db = new Database(join(dataDir, 'control-plane.sqlite'), { readonly: true });
          try {
            return fn(db);
          } finally {
            db.close();
          }
        },
        tenantDb(dbLocation, fn) {
          const db = new Database(join(dataDir, 'tenants', dbLocation), { readonly: true });
          try {
            return fn(db);
          } finally {
            db.close();
          }
        },
        async restart(configPatch) {
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
          if (configPatch) {
            const path = join(dataDir, 'custos.json');
            const cfg = JSON.parse(readFileSync(path, 'utf8'));
            writeFileSync(path, JSON.stringify({ ...cfg, ...configPatch }, null, 2));
          }
          ({ child, url } = await startServer(dataDir, 24));
        },
      };
      await use(server);
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(root, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 180_000 },
  ],
});

export { expect };

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(repoRoot, 'e2e', 'screenshots', `${name}.png`), fullPage: false });
}

/** Opens the console URL (token → cookie) and lands on first-run setup or sign-in. */
export async function openConsole(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(server.url);
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}

/** Signs in as the admin (creating it on a fresh console) if needed; each test has a fresh browser context. */
export async function ensureSignedIn(page: Page, email = ADMIN.email, password = ADMIN.password): Promise<void> {
  const form = page.getByTestId('signin-form');
  const setup = page.getByTestId('setup-form');
  const directory = page.getByTestId('tenant-search');
  await expect(form.or(directory).or(setup)).toBeVisible();
  if (await setup.isVisible()) {
    await setup.getByLabel(/e-?mail/i).fill(ADMIN.email);
    await setup.getByLabel(/name/i).fill(ADMIN.name);
    await setup.getByLabel(/^password/i).first().fill(ADMIN.password);
    await setup.getByLabel(/confirm|repeat/i).fill(ADMIN.password);
    await setup.getByRole('button', { name: /create/i }).click();
    await expect(directory).toBeVisible();
    return;
  }
  if (await form.isVisible()) {
    await signIn(page, email, password);
    await expect(page.getByTestId('account-menu')).toBeVisible();
    await gotoTenants(page);
  }
}

/** Signs out through the UI and waits for the sign-in form. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('signin-form')).toBeVisible();
  // The last staff member's notices go with them.
  await expect(page.locator('.toast')).toHaveCount(0);
}

/** Creates a staff member on the Staff screen; returns the temporary password shown for hand-over. */
export async function addStaff(page: Page, email: string, name: string, roles: string[], temporaryPassword: string): Promise<void> {
  await page.getByTestId('nav-staff').click();
  await page.getByTestId('staff-add').click();
  await page.getByTestId('staff-add-email').fill(email);
  await page.getByTestId('staff-add-name').fill(name);
  for (const r of ['support', 'technical', 'account_manager', 'admin']) await page.getByTestId(`staff-role-${r}`).setChecked(roles.includes(r));
  await page.getByTestId('staff-add-password').fill(temporaryPassword);
  await page.getByTestId('staff-add-submit').click();
  await expect(page.getByTestId('staff-password-handover')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator(`[data-testid="staff-row"][data-email="${email}"]`)).toBeVisible();
}

/** First sign-in with a temporary password: choose a new one. */
export async function firstSignIn(page: Page, email: string, temporaryPassword: string, newPassword: string): Promise<void> {
  await signIn(page, email, temporaryPassword);
  const form = page.getByTestId('change-password-form');
  await expect(form).toBeVisible();
  await form.getByLabel(/current/i).fill(temporaryPassword);
  await form.getByLabel(/^new password/i).fill(newPassword);
  await form.getByLabel(/confirm/i).fill(newPassword);
  await form.getByRole('button', { name: /change password/i }).click();
  await expect(page.getByTestId('account-menu')).toBeVisible();
  await gotoTenants(page);
}

/** The directory, whatever screen the last session left the address on. */
export async function gotoTenants(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Tenants', exact: true }).click();
  await expect(page.getByTestId('tenant-search')).toBeVisible();
}
