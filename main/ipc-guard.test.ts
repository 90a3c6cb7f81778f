import { describe, expect, it } from 'vitest';
import { checkPayload, parseConnectionsRequest, senderIsTrusted, senderIsWindow } from './ipc-guard';

describe('IPC sender check (fail closed)', () => {
  const main = { url: 'app://custos/index.html' };
  const sender = { mainFrame: main };
  it('accepts only our own top frame', () => {
    expect(senderIsTrusted(main, sender)).toBe(true);
  });
  it('refuses an iframe, even on our origin', () => {
    expect(senderIsTrusted({ url: 'app://custos/index.html' }, sender)).toBe(false);
  });
  it('refuses a top frame that navigated away', () => {
    const nav = { url: 'https://evil.example/' };
    expect(senderIsTrusted(nav, { mainFrame: nav })).toBe(false);
  });
  it('refuses a look-alike origin and missing frames', () => {
    const look = { url: 'app://custos.evil/index.html' };
    expect(senderIsTrusted(look, { mainFrame: look })).toBe(false);
    expect(senderIsTrusted(null, sender)).toBe(false);
    expect(senderIsTrusted(main, null)).toBe(false);
  });
});

describe('IPC payload check', () => {
  it('refuses non-string and oversized operations and payloads', () => {
    expect(checkPayload('tenants.list', {})).toEqual({ ok: true });
    expect(checkPayload({ toString: () => 'x' }, {})).toMatchObject({ ok: false, code: 'UNKNOWN_OPERATION' });
    expect(checkPayload('x'.repeat(101), {})).toMatchObject({ ok: false });
    expect(checkPayload('tenants.list', { big: 'y'.repeat(2 * 1024 * 1024) })).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(checkPayload('tenants.list', cyclic)).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });
});

describe('the connections channel: only the connections window', () => {
  const frame = { url: 'app://custos/index.html#/connections' };
  const sender = { mainFrame: frame, id: 7 };
  it('accepts the top frame of the one window that shows the screen', () => {
    expect(senderIsWindow(frame, sender, 7)).toBe(true);
  });
  it('refuses the console window, a closed screen, an iframe and a foreign page', () => {
    expect(senderIsWindow(frame, sender, 3)).toBe(false);
    expect(senderIsWindow(frame, sender, null)).toBe(false);
    expect(senderIsWindow({ url: frame.url }, sender, 7)).toBe(false);
    const evil = { url: 'https://evil.example/#/connections' };
    expect(senderIsWindow(evil, { mainFrame: evil, id: 7 }, 7)).toBe(false);
    expect(senderIsWindow(frame, { mainFrame: frame }, 7)).toBe(false);
  });
});

describe('connections request parsing (strict)', () => {
  const url = 'postgres://custos:pw@db.example.com:5432/custos?sslmode=verify-full';
  it('accepts exactly the fields of each action', () => {
    expect(parseConnectionsRequest({ action: 'status' })).toEqual({ ok: true, request: { action: 'status' } });
    expect(parseConnectionsRequest({ action: 'save', variable: 'CUSTOS_CONTROL_PLANE_URL', url: ` ${url} ` })).toEqual({
      ok: true,
      request: { action: 'save', variable: 'CUSTOS_CONTROL_PLANE_URL', url },
    });
    expect(parseConnectionsRequest({ action: 'forget', variable: 'CUSTOS_TENANTS_PG_URL' })).toEqual({ ok: true, request: { action: 'forget', variable: 'CUSTOS_TENANTS_PG_URL' } });
    expect(parseConnectionsRequest({ action: 'remove-unreadable' })).toEqual({ ok: true, request: { action: 'remove-unreadable' } });
  });

  const proto = JSON.parse('{"action":"status","__proto__":{"admin":true}}') as unknown;
  const inherited = Object.create({ action: 'status' }) as unknown;
  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', 'status'],
    ['an array', [{ action: 'status' }]],
    ['an unknown action', { action: 'dump' }],
    ['an inherited action name', { action: 'toString' }],
    ['an action from the prototype chain', inherited],
    ['a __proto__ key', proto],
    ['an extra field', { action: 'status', url }],
    ['a save without a URL', { action: 'save', variable: 'CUSTOS_CONTROL_PLANE_URL' }],
    ['a save with a non-string URL', { action: 'save', variable: 'CUSTOS_CONTROL_PLANE_URL', url: { toString: () => url } }],
    ['an empty URL', { action: 'save', variable: 'CUSTOS_CONTROL_PLANE_URL', url: '   ' }],
    ['an oversized URL', { action: 'save', variable: 'CUSTOS_CONTROL_PLANE_URL', url: url + 'x'.repeat(5000) }],
    ['control characters', { action: 'save', variable: 'CUSTOS_CONTROL_PLANE_URL', url: url + '\nX-Injected: 1' }],
    ['a variable that is not a name', { action: 'save', variable: 'PATH=/tmp', url }],
    ['a numeric variable', { action: 'forget', variable: 42 }],
    ['a variable starting with a digit', { action: 'forget', variable: '1ABC' }],
    ['a class instance', new (class Req { action = 'status'; })()],
    ['a symbol key', { action: 'status', [Symbol('x')]: 1 }],
  ])('refuses %s', (_what, payload) => {
    expect(parseConnectionsRequest(payload)).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });
});
