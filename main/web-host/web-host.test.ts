import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { connect } from 'node:net';
import { openConsole, type ConsoleCore } from '../../app/api';
import { startWebHost, type WebHost } from './web-host';

/** Raw HTTP so that Host and Origin can be forged the way an attacker would. */
function raw(host: WebHost, opts: { path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path: opts.path, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (e) => (opts.body && opts.body.length > 1024 * 1024 ? resolve({ status: 413, headers: {}, body: '' }) : reject(e)));
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe('web host: as strict as the Electron shell', () => {
  let dir: string;
  let core: ConsoleCore;
  let host: WebHost;
  let hostHeader: string;
  let origin: string;
  let hostCookie: string;

  const call = (op: string, input: unknown, cookie: string, extra: Record<string, string> = {}) =>
    raw(host, {
      path: '/api/call',
      method: 'POST',
      headers: { Host: hostHeader, Origin: origin, 'Content-Type': 'application/json', Cookie: cookie, ...extra },
      body: JSON.stringify({ op, input }),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-webhost-'));
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Custos</title>');
    writeFileSync(join(dir, 'secret.txt'), 'do not serve');
    core = await openConsole({ dataDir: join(dir, 'data'), seedDemo: false, identity: { kdf: { memoryCost: 1024, timeCost: 1, parallelism: 1 } } });
    host = await startWebHost({ core, rendererDir });
    hostHeader = `127.0.0.1:${host.port}`;
    origin = host.origin;
    const ex = await raw(host, { path: `/?token=${host.token}`, headers: { Host: hostHeader } });
    expect(ex.status).toBe(303);
    const setCookie = String(ex.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    hostCookie = setCookie.split(';')[0]!;
  });
  afterAll(async () => {
    await host?.close();
    await core?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only', () => {
    expect(host.url.startsWith('http://127.0.0.1:')).toBe(true);
  });

  it('refuses a request without the token cookie', async () => {
    const r = await raw(host, { path: '/', headers: { Host: hostHeader } });
    expect(r.status).toBe(401);
    const api = await call('setup.status', {}, '');
    expect(api.status).toBe(401);
  });

  it('refuses a wrong token', async () => {
    const r = await raw(host, { path: '/?token=guess', headers: { Host: hostHeader } });
    expect(r.status).toBe(401);
  });

  it('refuses a rebinding Host header even with the token', async () => {
    const r = await raw(host, { path: '/', headers: { Host: `evil.example:${host.port}`, Cookie: hostCookie } });
    expect(r.status).toBe(421);
  });

  it('refuses a foreign or missing Origin on API calls (CSRF from another local page)', async () => {
    const foreign = await call('setup.status', {}, hostCookie, { Origin: 'http://127.0.0.1:9999' });
    expect(foreign.status).toBe(403);
    const none = await raw(host, { path: '/api/call', method: 'POST', headers: { Host: hostHeader, 'Content-Type': 'application/json', Cookie: hostCookie }, body: '{"op":"setup.status","input":{}}' });
    expect(none.status).toBe(403);
  });

  it('refuses form posts and oversized bodies', async () => {
    const form = await raw(host, { path: '/api/call', method: 'POST', headers: { Host: hostHeader, Origin: origin, 'Content-Type': 'text/plain', Cookie: hostCookie }, body: '{}' });
    expect(form.status).toBe(415);
    const big = await call('session.signIn', { email: 'a', password: 'x'.repeat(2 * 1024 * 1024) }, hostCookie);
    expect(big.status).toBe(413);
  });

  it('serves only the renderer folder (no traversal)', async () => {
    const ok = await raw(host, { path: '/', headers: { Host: hostHeader, Cookie: hostCookie } });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-security-policy']).toContain("default-src 'none'");
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const r = await raw(host, { path: p, headers: { Host: hostHeader, Cookie: hostCookie } });
      expect(r.body).not.toContain('do not serve');
    }
  });

  it('first admin, session cookie, role refusal and sign-out over HTTP', async () => {
    const status = JSON.parse((await call('setup.status', {}, hostCookie)).body);
    expect(status).toMatchObject({ ok: true, value: { needsFirstAdmin: true } });

    const created = await call('setup.createFirstAdmin', { email: 'root@vendor.example', displayName: 'Root', password: 'Kestrel#Harbour42' }, hostCookie);
    const body = JSON.parse(created.body);
    expect(body.ok).toBe(true);
    expect(created.body).not.toContain('custos_session'); // token only in the cookie
    const sessionCookie = String(created.headers['set-cookie']).split(';')[0]!;
    expect(String(created.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const both = `${hostCookie}; ${sessionCookie}`;

    const me = JSON.parse((await call('session.current', {}, both)).body);
    expect(me.value.staff.roles).toEqual(['admin']);

    // An admin is not a technical staff member: content operations are refused with a clear message.
    const grant = JSON.parse((await call('grants.open', { tenantId: 't-1', reason: 'a good reason here', ticket: 'SUP-1' }, both)).body);
    expect(grant).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(grant.error.hint).toContain('technical');

    const out = await call('session.signOut', {}, both);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    const after = JSON.parse((await call('tenants.list', {}, both)).body);
    expect(after).toMatchObject({ ok: false, error: { code: 'SESSION_EXPIRED' } });
  });

  it('a session cookie alone (without the host token) gets nowhere', async () => {
    const r = await call('session.current', {}, 'custos_session=whatever');
    expect(r.status).toBe(401);
  });
});

describe('web host shutdown', () => {
  it('is not held by a connection the browser opened but has not used yet (preconnect)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-webhost-close-'));
    try {
      mkdirSync(join(dir, 'renderer'));
      writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Custos</title>');
      const core = await openConsole({ dataDir: join(dir, 'data'), seedDemo: false, identity: { kdf: { memoryCost: 1024, timeCost: 1, parallelism: 1 } } });
      const host = await startWebHost({ core, rendererDir: join(dir, 'renderer') });
      const socket = connect(host.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      const ended = new Promise((r) => socket.once('close', r));
      // Before the fix this never resolved while the socket stayed open (the test timed out).
      await host.close();
      await ended;
      await core.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
