import { describe, expect, it } from 'vitest';
import { parseWindowState, startUrl, viewToRemember, DEFAULT_WINDOW_STATE } from './window-state';

const ORIGIN = 'app://custos';

describe('window state', () => {
  it('remembers size, position, maximized and the last view, and opens there', () => {
    const view = viewToRemember(`${ORIGIN}/index.html#/tenants/t-000003?tab=backups`, ORIGIN);
    expect(view).toBe('#/tenants/t-000003?tab=backups');
    const state = parseWindowState(JSON.stringify({ width: 1400, height: 900, x: 10, y: 20, maximized: true, lastView: view }));
    expect(state).toEqual({ width: 1400, height: 900, x: 10, y: 20, maximized: true, lastView: '#/tenants/t-000003?tab=backups' });
    expect(startUrl(ORIGIN, state)).toBe(`${ORIGIN}/index.html#/tenants/t-000003?tab=backups`);
  });

  it('never remembers a foreign page, sign-in, or something that is not a route', () => {
    expect(viewToRemember('https://evil.example/#/tenants', ORIGIN)).toBeUndefined();
    expect(viewToRemember(`${ORIGIN}/index.html#/sign-in`, ORIGIN)).toBeUndefined();
    expect(viewToRemember(`${ORIGIN}/index.html#javascript:alert(1)`, ORIGIN)).toBeUndefined();
    expect(viewToRemember('not a url', ORIGIN)).toBeUndefined();
    // The database connections screen lives in its own window; the console window never opens on it.
    expect(viewToRemember(`${ORIGIN}/index.html#/connections`, ORIGIN)).toBeUndefined();
    expect(parseWindowState(JSON.stringify({ width: 1000, height: 700, lastView: '#/connections' })).lastView).toBeUndefined();
  });

  it('an edited or broken state file falls back to defaults and cannot redirect the window', () => {
    expect(parseWindowState('{oops')).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState(JSON.stringify({ width: 10, height: 10 }))).toEqual(DEFAULT_WINDOW_STATE);
    const hostile = parseWindowState(JSON.stringify({ width: 1000, height: 700, lastView: '@evil.example/x' }));
    expect(hostile.lastView).toBeUndefined();
    expect(startUrl(ORIGIN, { ...hostile, lastView: '//evil.example' })).toBe(`${ORIGIN}/index.html`);
  });
});
