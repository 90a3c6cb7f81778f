import { describe, expect, it } from 'vitest';
import { checkPayload, senderIsTrusted } from './ipc-guard';

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
