import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import { createSecureWindow } from './window.factory';
import { isAppUrl, isSafeExternalUrl } from './window-options';

describe('the window factory (Electron security checklist)', () => {
  it('creates every window isolated, sandboxed, without Node, with web security', () => {
    let seen: BrowserWindowConstructorOptions | null = null;
    // The Electron runtime cannot exist here; a recording constructor stands in for it.
    class Recording {
      constructor(o: BrowserWindowConstructorOptions) {
        seen = o;
      }
    }
    createSecureWindow(Recording as never, '/app/preload.cjs', { width: 1200, height: 800 });
    const wp = seen!.webPreferences!;
    expect(wp).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(wp.enableBlinkFeatures).toBeUndefined();
  });

  it('a secondary window (database connections) changes its chrome, never its webPreferences', () => {
    let seen: BrowserWindowConstructorOptions | null = null;
    class Recording {
      constructor(o: BrowserWindowConstructorOptions) {
        seen = o;
      }
    }
    // Even a caller that smuggles webPreferences past the type gets the factory's own.
    const chrome = { title: 'Database connections', minWidth: 560, modal: true, webPreferences: { sandbox: false, nodeIntegration: true } };
    createSecureWindow(Recording as never, '/app/preload.cjs', { width: 720, height: 640 }, chrome as never);
    expect(seen!).toMatchObject({ title: 'Database connections', minWidth: 560, modal: true, width: 720 });
    expect(seen!.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/app/preload.cjs' });
  });
});

describe('URL policy', () => {
  it.each([
    ['app://custos/index.html', true],
    ['app://custos/#/tenants', true],
    ['app://custos.evil/index.html', false],
    ['app://evil/custos', false],
    ['file:///etc/passwd', false],
    ['https://custos/', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('isAppUrl(%s) = %s', (url, ok) => expect(isAppUrl(url)).toBe(ok));

  it.each([
    ['https://vendor.example/help', true],
    ['http://vendor.example/', false],
    ['file:///C:/Windows/system32/calc.exe', false],
    ['smb://attacker/share', false],
    ['ms-msdt:/id PCWDiagnostic', false],
    ['javascript:alert(1)', false],
    ['https://user:pass@vendor.example/', false],
  ])('isSafeExternalUrl(%s) = %s', (url, ok) => expect(isSafeExternalUrl(url)).toBe(ok));
});

describe('the preload', () => {
  it('exposes exactly custos.call, custos.connections and custos.on; on() listens only to console events', async () => {
    const exposed: Record<string, Record<string, unknown>> = {};
    const invoke = vi.fn(async () => ({ ok: true, value: null }));
    const on = vi.fn();
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (k: string, v: Record<string, unknown>) => (exposed[k] = v) },
      ipcRenderer: { invoke, on, removeListener: vi.fn() },
    }));
    await import('./preload');
    expect(Object.keys(exposed)).toEqual(['custos']);
    expect(Object.keys(exposed.custos!).sort()).toEqual(['call', 'connections', 'on']);
    await (exposed.custos!.call as (op: unknown, i: unknown) => Promise<unknown>)({ toString: () => 'tenants.list' }, {});
    expect(invoke).toHaveBeenCalledWith('custos:call', 'tenants.list', {});
    // The connections screen's channel carries its request as it is; main parses it (parseConnectionsRequest).
    await (exposed.custos!.connections as (r: unknown) => Promise<unknown>)({ action: 'status' });
    expect(invoke).toHaveBeenLastCalledWith('custos:connections', { action: 'status' });
    expect(invoke).toHaveBeenCalledTimes(2);
    const off = (exposed.custos!.on as (e: string, f: () => void) => () => void)('ipc-anything', () => {});
    expect(on).not.toHaveBeenCalled();
    expect(typeof off).toBe('function');
    vi.doUnmock('electron');
  });
});
