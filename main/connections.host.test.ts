import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkPostgresUrl } from '../app/api';
import { CredentialStore, credentialsForCore } from './credential-store';
import { ConnectionsHost, type Confirmation, type ConnectionsHostDeps, type ConnectionsStatus, type CoreState, type TargetsAnswer } from './connections.host';
import { parseConnectionsRequest } from './ipc-guard';
import { FakeSafeStorage } from './safe-storage.fake';

const PASSWORD = 'Pa55-w0rd-Never-Shown';
const CP = 'CUSTOS_CONTROL_PLANE_URL';
const TN = 'CUSTOS_TENANTS_PG_URL';
const GOOD = `postgres://custos:${PASSWORD}@db.example.com:5432/custos?sslmode=verify-full`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.useRealTimers();
});

function world(options: { state?: CoreState; roles?: string[] | null; env?: NodeJS.ProcessEnv; answer?: number; targets?: TargetsAnswer } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'custos-conn-'));
  dirs.push(dir);
  const safe = new FakeSafeStorage();
  const store = new CredentialStore({ dir, safeStorage: safe, platform: 'linux' });
  const env = options.env ?? {};
  const asked: Confirmation[] = [];
  const restart = vi.fn();
  let state: CoreState = options.state ?? 'running';
  const roles = options.roles === undefined ? ['admin'] : options.roles;
  const deps: ConnectionsHostDeps = {
    store,
    env,
    startup: credentialsForCore(store, env),
    coreState: () => state,
    targets: async () =>
      options.targets ?? {
        ok: true,
        targets: [
          { variable: CP, purpose: 'control-plane' },
          { variable: TN, purpose: 'tenant-databases' },
        ],
      },
    // The real rule, as the core process answers it.
    checkUrl: async (url) => checkPostgresUrl(url),
    consoleStaff: async () => (roles ? { roles } : null),
    confirm: async (c) => {
      asked.push(c);
      return options.answer ?? 1;
    },
    restart,
  };
  const host = new ConnectionsHost(deps);
  const ask = async (payload: unknown) => {
    const parsed = parseConnectionsRequest(payload);
    if (!parsed.ok) return { ok: false as const, error: { code: parsed.code, message: parsed.message } };
    return host.handle(parsed.request);
  };
  return { host, store, safe, asked, restart, ask, setState: (s: CoreState) => (state = s) };
}

describe('database connections screen: who may', () => {
  it('only an admin signed in to the console window while the core runs', async () => {
    for (const roles of [null, ['support', 'technical']]) {
      const w = world({ roles });
      const r = await w.ask({ action: 'status' });
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await w.ask({ action: 'save', variable: CP, url: GOOD })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(w.store.exists()).toBe(false);
      expect(w.asked).toHaveLength(0);
    }
  });

  it('while the core is starting: nobody (try again)', async () => {
    const w = world({ state: 'starting' });
    expect(await w.ask({ action: 'status' })).toMatchObject({ ok: false, error: { code: 'CORE_STARTING' } });
  });

  it('when the core could not start (recovery): the person at the desktop, each change confirmed natively', async () => {
    const w = world({ state: 'failed', roles: null });
    const s = await w.ask({ action: 'status' });
    expect(s).toMatchObject({ ok: true, value: { mode: 'recovery' } });
    expect(await w.ask({ action: 'save', variable: CP, url: GOOD })).toEqual({ ok: true, value: { saved: true, restarting: false } });
    expect(w.asked).toHaveLength(1);
    expect(w.store.read()).toEqual({ [CP]: GOOD });
  });
});

describe('database connections screen: what it does', () => {
  it('status shows host:port/database, user, TLS and the backend — never the URL or the password', async () => {
    const w = world({ env: { [TN]: 'postgres://ops@127.0.0.1/postgres' } });
    w.store.save(CP, GOOD);
    w.store.save('OLD_PG_URL', 'postgres://old@127.0.0.1/old');
    const r = await w.ask({ action: 'status' });
    expect(r.ok).toBe(true);
    const status = (r as { value: ConnectionsStatus }).value;
    expect(status).toMatchObject({ mode: 'running', backend: { name: 'gnome_libsecret' }, canStore: true, refusal: null, storeProblem: null });
    expect(status.connections).toEqual([
      {
        variable: CP,
        purpose: 'control-plane',
        stored: { ok: true, host: 'db.example.com', port: 5432, database: 'custos', user: 'custos', tls: 'verify-full' },
        environmentSet: false,
        atStart: 'none', // saved after this start
        changedSinceStart: false,
      },
      { variable: TN, purpose: 'tenant-databases', stored: null, environmentSet: true, atStart: 'environment', changedSinceStart: false },
      { variable: 'OLD_PG_URL', purpose: null, stored: expect.objectContaining({ ok: true, host: '127.0.0.1' }), environmentSet: false, atStart: 'none', changedSinceStart: false },
    ]);
    const text = JSON.stringify(r);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('postgres://');
  });

  it('save: validated by the TLS policy before anything is asked or stored', async () => {
    const w = world();
    for (const url of [
      `postgres://custos:${PASSWORD}@db.example.com/custos?sslmode=require`,
      `postgres://custos:${PASSWORD}@db.example.com/custos?sslmode=disable`,
      `mysql://custos:${PASSWORD}@db.example.com/custos`,
      'not a url',
    ]) {
      const r = await w.ask({ action: 'save', variable: CP, url });
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
    }
    expect(w.asked).toHaveLength(0);
    expect(w.store.exists()).toBe(false);
  });

  it('save: only a variable custos.json names', async () => {
    const w = world();
    const r = await w.ask({ action: 'save', variable: 'PATH', url: GOOD });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('custos.json does not name PATH') } });
    expect(w.store.exists()).toBe(false);
  });

  it('save: the native dialog names the target without the password; Cancel stores nothing', async () => {
    const w = world({ answer: 2, env: { [CP]: 'postgres://ops@127.0.0.1/x' } });
    expect(await w.ask({ action: 'save', variable: CP, url: GOOD })).toEqual({ ok: true, value: { saved: false, restarting: false } });
    expect(w.store.exists()).toBe(false);
    const c = w.asked[0]!;
    expect(c.detail).toContain('db.example.com:5432/custos');
    expect(c.detail).toContain('verify');
    expect(c.detail).toContain('environment wins');
    expect(JSON.stringify(c)).not.toContain(PASSWORD);
  });

  it('save and restart: stored, then the app restarts after answering', async () => {
    vi.useFakeTimers();
    const w = world({ answer: 0 });
    expect(await w.ask({ action: 'save', variable: CP, url: GOOD })).toEqual({ ok: true, value: { saved: true, restarting: true } });
    expect(w.restart).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(w.restart).toHaveBeenCalledTimes(1);
    const s = (await w.ask({ action: 'status' })) as { value: ConnectionsStatus };
    expect(s.value.connections[0]).toMatchObject({ variable: CP, changedSinceStart: true });
  });

  it('save refused without a real keychain (basic_text): tells to set the environment variable', async () => {
    const w = world();
    w.safe.backendName = 'basic_text';
    const s = (await w.ask({ action: 'status' })) as { value: ConnectionsStatus };
    expect(s.value).toMatchObject({ canStore: false, refusal: { code: 'INSECURE_KEY_STORE' } });
    const r = await w.ask({ action: 'save', variable: CP, url: GOOD });
    expect(r).toMatchObject({ ok: false, error: { code: 'INSECURE_KEY_STORE', hint: expect.stringContaining('environment variable') } });
    expect(w.asked).toHaveLength(0);
  });

  it('forget: confirmed natively, then gone', async () => {
    const w = world({ answer: 0 });
    w.store.save(CP, GOOD);
    expect(await w.ask({ action: 'forget', variable: CP })).toEqual({ ok: true, value: { forgotten: true } });
    expect(w.store.exists()).toBe(false);
    expect(await w.ask({ action: 'forget', variable: CP })).toEqual({ ok: true, value: { forgotten: false } });
  });

  it('an unreadable file: status reports it, save is refused until it is removed', async () => {
    const w = world({ answer: 0 });
    w.store.save(CP, GOOD);
    writeFileSync(w.store.path, 'garbage');
    const s = (await w.ask({ action: 'status' })) as { value: ConnectionsStatus };
    expect(s.value.storeProblem).toMatchObject({ code: 'CREDENTIALS_UNREADABLE' });
    expect(await w.ask({ action: 'save', variable: CP, url: GOOD })).toMatchObject({ ok: false, error: { code: 'CREDENTIALS_UNREADABLE' } });
    expect(await w.ask({ action: 'remove-unreadable' })).toEqual({ ok: true, value: { removed: true } });
    expect(await w.ask({ action: 'save', variable: CP, url: GOOD })).toMatchObject({ ok: true, value: { saved: true } });
    // A readable file is never removed wholesale.
    expect(await w.ask({ action: 'remove-unreadable' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(w.store.read()).toEqual({ [CP]: GOOD });
  });

  it('an unreadable custos.json is reported, and nothing can be stored for it', async () => {
    const w = world({ targets: { ok: false, error: { code: 'CONFIG_INVALID', message: 'custos.json is not valid JSON', hint: 'Fix it.' } } });
    const s = (await w.ask({ action: 'status' })) as { value: ConnectionsStatus };
    expect(s.value.configProblem).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(await w.ask({ action: 'save', variable: CP, url: GOOD })).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID' } });
  });

  it('bad payloads never reach the store', async () => {
    const w = world();
    for (const payload of [{ action: 'save', variable: CP, url: GOOD, extra: 1 }, { action: 'save', variable: 'A B', url: GOOD }, { action: 'forget' }, 'status', null]) {
      expect(await w.ask(payload)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(w.asked).toHaveLength(0);
    expect(w.store.exists()).toBe(false);
  });
});
