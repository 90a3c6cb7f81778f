import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS_FILE, CredentialStore, CredentialStoreError, credentialsForCore, describeStartup } from './credential-store';
import { FakeSafeStorage } from './safe-storage.fake';

// The one mock this feature allows: Electron's safeStorage cannot run here (no Electron binary).
const PASSWORD = 'S3cret-Pa55word!';
const CP_URL = `postgres://custos:${PASSWORD}@db.example.com:5432/custos?sslmode=verify-full`;
const TENANTS_URL = `postgresql://tenants:${PASSWORD}x@pg.example.com:6432/postgres?sslmode=verify-full`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function userData(): string {
  const d = mkdtempSync(join(tmpdir(), 'custos-userdata-'));
  dirs.push(d);
  return join(d, 'Custos'); // not created yet: the store creates it
}
function setup(platform: NodeJS.Platform = 'linux') {
  const safe = new FakeSafeStorage();
  const dir = userData();
  const store = new CredentialStore({ dir, safeStorage: safe, platform });
  return { safe, dir, store };
}

describe('the OS-keychain store of PostgreSQL URLs', () => {
  it('round trip: save, read back, replace, forget', () => {
    const { store } = setup();
    expect(store.exists()).toBe(false);
    expect(store.read()).toEqual({});
    store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
    store.save('CUSTOS_TENANTS_PG_URL', TENANTS_URL);
    expect(store.read()).toEqual({ CUSTOS_CONTROL_PLANE_URL: CP_URL, CUSTOS_TENANTS_PG_URL: TENANTS_URL });
    const replaced = CP_URL.replace('db.example.com', 'db2.example.com');
    store.save('CUSTOS_CONTROL_PLANE_URL', replaced);
    expect(store.read().CUSTOS_CONTROL_PLANE_URL).toBe(replaced);
    expect(store.forget('CUSTOS_CONTROL_PLANE_URL')).toBe(true);
    expect(store.forget('CUSTOS_CONTROL_PLANE_URL')).toBe(false);
    expect(store.read()).toEqual({ CUSTOS_TENANTS_PG_URL: TENANTS_URL });
    expect(store.forget('CUSTOS_TENANTS_PG_URL')).toBe(true);
    expect(store.exists()).toBe(false); // nothing left: no file left
  });

  it('the file holds ciphertext only: no URL, password, host, user or variable name bytes; mode 0600; no temp files left', () => {
    const { store, dir } = setup();
    store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
    store.save('CUSTOS_TENANTS_PG_URL', TENANTS_URL);
    const bytes = readFileSync(store.path);
    for (const needle of [CP_URL, TENANTS_URL, PASSWORD, 'db.example.com', 'custos:', 'postgres', 'CUSTOS_CONTROL_PLANE_URL', 'sslmode']) {
      expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
      expect(bytes.toString('latin1').toLowerCase().includes(needle.toLowerCase()), needle).toBe(false);
    }
    if (process.platform !== 'win32') {
      expect(statSync(store.path).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o077).toBe(0);
    }
    expect(readdirSync(dir)).toEqual([CREDENTIALS_FILE]);
  });

  it('refuses to store when encryption is not available, saying to use the environment variable', () => {
    const { store, safe } = setup();
    safe.available = false;
    const e = (() => {
      try {
        store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(CredentialStoreError);
    expect(e).toMatchObject({ code: 'ENCRYPTION_UNAVAILABLE', hint: expect.stringContaining('environment variable') });
    expect(store.exists()).toBe(false);
  });

  it.each(['basic_text', 'unknown'])("refuses Linux's %s backend (a key built into the app, not a keychain)", (backend) => {
    const { store, safe } = setup('linux');
    safe.backendName = backend;
    expect(store.refusal()).toMatchObject({ code: 'INSECURE_KEY_STORE', hint: expect.stringContaining('environment variable') });
    expect(() => store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL)).toThrow(/not an OS keychain|not stored/);
    expect(store.exists()).toBe(false);
  });

  it('macOS and Windows use their keychain without asking for a Linux backend', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const { store, safe } = setup(platform);
      safe.getSelectedStorageBackend = () => {
        throw new Error('Linux only');
      };
      expect(store.refusal()).toBeNull();
      expect(store.backend().name).toBe(platform === 'darwin' ? 'keychain' : 'dpapi');
      store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
      expect(store.read()).toEqual({ CUSTOS_CONTROL_PLANE_URL: CP_URL });
    }
  });

  it('never writes a URL that the backend "encrypted" by copying it', () => {
    const { store, safe } = setup();
    safe.encryptString = (s: string) => Buffer.from(s, 'utf8');
    safe.decryptString = (b: Buffer) => b.toString('utf8');
    expect(() => store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL)).toThrow(CredentialStoreError);
    expect(store.exists()).toBe(false);
  });

  it('stores only a variable name and a postgres URL', () => {
    const { store } = setup();
    expect(() => store.save('NOT A NAME', CP_URL)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => store.save('__proto__x;', CP_URL)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => store.save('CUSTOS_CONTROL_PLANE_URL', 'https://db.example.com/')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => store.save('CUSTOS_CONTROL_PLANE_URL', '')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('at start: the stored URLs go into the core environment, the environment wins', () => {
  it('fills unset variables from the store (an empty variable counts as unset)', () => {
    const { store } = setup();
    store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
    store.save('CUSTOS_TENANTS_PG_URL', TENANTS_URL);
    const s = credentialsForCore(store, { PATH: '/usr/bin', CUSTOS_TENANTS_PG_URL: '  ' });
    expect(s.env).toEqual({ CUSTOS_CONTROL_PLANE_URL: CP_URL, CUSTOS_TENANTS_PG_URL: TENANTS_URL });
    expect(s.fromStore.sort()).toEqual(['CUSTOS_CONTROL_PLANE_URL', 'CUSTOS_TENANTS_PG_URL']);
    expect(s.problem).toBeNull();
  });

  it('an environment variable that is already set wins over the stored URL', () => {
    const { store } = setup();
    store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
    const opsUrl = 'postgres://ops@127.0.0.1:5432/custos';
    const env = { CUSTOS_CONTROL_PLANE_URL: opsUrl };
    const s = credentialsForCore(store, env);
    expect(s.env).toEqual({});
    expect(s.environmentWins).toEqual(['CUSTOS_CONTROL_PLANE_URL']);
    expect(env.CUSTOS_CONTROL_PLANE_URL).toBe(opsUrl); // the caller's environment is never modified
    expect(describeStartup(s)).toContain('wins');
  });

  it('no file: nothing to add, no problem', () => {
    const { store } = setup();
    expect(credentialsForCore(store, {})).toEqual({ env: {}, fromStore: [], environmentWins: [], problem: null });
  });

  it.each([
    ['garbage bytes', (path: string) => writeFileSync(path, randomBytes(64))],
    ['an empty file', (path: string) => writeFileSync(path, Buffer.alloc(0))],
    ['a plain-text file someone wrote by hand', (path: string) => writeFileSync(path, JSON.stringify({ CUSTOS_CONTROL_PLANE_URL: CP_URL }))],
  ])('a corrupt file (%s) gives a clear error, does not throw, and falls back to the environment', (_what, damage) => {
    const { store } = setup();
    store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
    damage(store.path);
    const s = credentialsForCore(store, { CUSTOS_TENANTS_PG_URL: TENANTS_URL });
    expect(s.env).toEqual({});
    expect(s.problem).toBeInstanceOf(CredentialStoreError);
    expect(s.problem).toMatchObject({ code: 'CREDENTIALS_UNREADABLE', message: expect.stringContaining(store.path), hint: expect.stringContaining('environment') });
    // The message never quotes what was in the file.
    expect(s.problem!.message).not.toContain(PASSWORD);
    expect(s.problem!.message).not.toContain('db.example.com');
    expect(describeStartup(s)).toContain('using the environment');
    // It can be replaced: saving over an unreadable file is refused until it is removed.
    expect(() => store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL)).toThrow(expect.objectContaining({ code: 'CREDENTIALS_UNREADABLE' }));
    store.removeFile();
    store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
    expect(credentialsForCore(store, {}).env).toEqual({ CUSTOS_CONTROL_PLANE_URL: CP_URL });
  });

  it('a file from another account or computer (other key) is unreadable, not an exception', () => {
    const { store, safe } = setup();
    store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
    safe.rotateKey();
    expect(credentialsForCore(store, {}).problem).toMatchObject({ code: 'CREDENTIALS_UNREADABLE' });
  });

  it('a keychain that is unavailable at start is reported, and the core starts on the environment', () => {
    const { store, safe } = setup();
    store.save('CUSTOS_CONTROL_PLANE_URL', CP_URL);
    safe.available = false;
    const s = credentialsForCore(store, { CUSTOS_CONTROL_PLANE_URL: 'postgres://x@127.0.0.1/x' });
    expect(s.env).toEqual({});
    expect(s.problem).toMatchObject({ code: 'CREDENTIALS_UNREADABLE', message: expect.stringContaining('not available') });
  });
});
