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
  it('exposes exactly custos.call and custos.on, and on() listens only to console events', async () => {
    const exposed: Record<string, Record<string, unknown>> = {};
    const invoke = vi.fn(async () => ({ ok: true, value: null }));
    const on = vi.fn();
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (k: string, v: Record<string, unknown>) => (exposed[k] = v) },
      ipcRenderer: { invoke, on, removeListener: vi.fn() },
    }));
    await import('./preload');
    expect(Object.keys(exposed)).toEqual(['custos']);
    expect(Object.keys(exposed.custos!).sort()).toEqual(['call', 'on']);
    await (exposed.custos!.call as (op: unknown, i: unknown) => Promise<unknown>)({ toString: () => 'tenants.list' }, {});
    expect(invoke).toHaveBeenCalledWith('custos:call', 'tenants.list', {});
    const off = (exposed.custos!.on as (e: string, f: () => void) => () => void)('ipc-anything', () => {});
    expect(on).not.toHaveBeenCalled();
    expect(typeof off).toBe('function');
    vi.doUnmock('electron');
  });
});
