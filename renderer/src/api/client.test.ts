import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, canManageConnections, connectionsRequest, onEvent, onSessionLost, type ConsoleEvent } from './client';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function stubFetch(body: unknown, status = 200) {
  const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('web host transport', () => {
  it('POSTs {op, input} as JSON to /api/call with same-origin credentials and unwraps the value', async () => {
    const fetch = stubFetch({ ok: true, value: { needsFirstAdmin: true, dataLocation: '/d', productVersion: '0.1.0' } });
    const out = await call('setup.status', {});
    expect(out.needsFirstAdmin).toBe(true);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/call');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(String(init.body))).toEqual({ op: 'setup.status', input: {} });
  });

  it('throws the envelope error as ApiError with code, message, hint and details — also on a 4xx', async () => {
    stubFetch({ ok: false, error: { code: 'ACCOUNT_LOCKED', message: 'Account locked until 10:42.', hint: 'Wait, or ask an admin.', details: { until: 'x' } } }, 403);
    const e = await call('session.signIn', { email: 'a@b.c', password: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ code: 'ACCOUNT_LOCKED', message: 'Account locked until 10:42.', hint: 'Wait, or ask an admin.', details: { until: 'x' } });
  });

  it.each(['NOT_SIGNED_IN', 'SESSION_EXPIRED'])('%s tells the app the session is lost (and still throws)', async (code) => {
    stubFetch({ ok: false, error: { code, message: 'Sign in again.', hint: 'Your session ended.' } }, 401);
    const lost = vi.fn();
    const off = onSessionLost(lost);
    await expect(call('tenants.list', {})).rejects.toMatchObject({ code });
    off();
    expect(lost).toHaveBeenCalledWith({ message: 'Sign in again.', hint: 'Your session ended.' });
  });

  it('other errors do not end the session', async () => {
    stubFetch({ ok: false, error: { code: 'FORBIDDEN', message: 'No.' } }, 200);
    const lost = vi.fn();
    const off = onSessionLost(lost);
    await expect(call('tenants.list', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    off();
    expect(lost).not.toHaveBeenCalled();
  });

  it('a network failure or a non-JSON answer becomes a readable error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(call('setup.status', {})).rejects.toMatchObject({ code: 'CORE_UNREACHABLE' });
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>', { status: 502 })));
    await expect(call('setup.status', {})).rejects.toMatchObject({ code: 'CORE_UNREACHABLE', message: expect.stringContaining('HTTP 502') });
    stubFetch({ hello: 'world' });
    await expect(call('setup.status', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('listens to /api/events and delivers each JSON data line as a ConsoleEvent; closes with the last listener', () => {
    const sources: FakeEventSource[] = [];
    class FakeEventSource {
      static CLOSED = 2;
      readyState = 0;
      onopen: (() => void) | null = null;
      onmessage: ((m: { data: string }) => void) | null = null;
      onerror: (() => void) | null = null;
      closed = false;
      constructor(readonly url: string, readonly init?: EventSourceInit) {
        sources.push(this);
      }
      close() {
        this.closed = true;
      }
    }
    vi.stubGlobal('EventSource', FakeEventSource);
    const got: ConsoleEvent[] = [];
    const off = onEvent((e) => got.push(e));
    expect(sources).toHaveLength(1);
    expect(sources[0]!.url).toBe('/api/events');
    const job = { type: 'job', jobId: 'j1', kind: 'export', tenantId: 't-1', state: 'running', phase: 'companies', done: 1, total: 2, bytesDone: 0, bytesTotal: null, etaSeconds: null };
    sources[0]!.onmessage?.({ data: JSON.stringify(job) });
    sources[0]!.onmessage?.({ data: 'not json' });
    sources[0]!.onmessage?.({ data: JSON.stringify({ type: 'unknown' }) });
    expect(got).toEqual([job]);
    off();
    expect(sources[0]!.closed).toBe(true);
  });

  it('reconnects when the browser gives up on the stream', () => {
    vi.useFakeTimers();
    const sources: { readyState: number; onerror: (() => void) | null; close(): void }[] = [];
    class FakeEventSource {
      static CLOSED = 2;
      readyState = 0;
      onopen = null;
      onmessage = null;
      onerror: (() => void) | null = null;
      constructor() {
        sources.push(this);
      }
      close() {}
    }
    vi.stubGlobal('EventSource', FakeEventSource);
    const off = onEvent(() => {});
    sources[0]!.readyState = 2;
    sources[0]!.onerror?.();
    vi.advanceTimersByTime(1000);
    expect(sources).toHaveLength(2);
    off();
  });
});

describe('Electron transport (window.custos)', () => {
  it('calls custos.call(op, input) and unwraps the envelope; never touches fetch', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const custos = { call: vi.fn(async () => ({ ok: true, value: null })), on: vi.fn(() => () => {}) };
    vi.stubGlobal('window', { custos });
    await expect(call('session.current', {})).resolves.toBeNull();
    expect(custos.call).toHaveBeenCalledWith('session.current', {});
    expect(fetch).not.toHaveBeenCalled();
  });

  it("subscribes with custos.on('event', fn); a session-ended event reports the session lost", () => {
    let push: ((p: unknown) => void) | null = null;
    const unsubscribe = vi.fn();
    const custos = {
      call: vi.fn(),
      on: vi.fn((_name: string, fn: (p: unknown) => void) => {
        push = fn;
        return unsubscribe;
      }),
    };
    vi.stubGlobal('window', { custos });
    const lost = vi.fn();
    const offLost = onSessionLost(lost);
    const got: ConsoleEvent[] = [];
    const off = onEvent((e) => got.push(e));
    expect(custos.on).toHaveBeenCalledWith('event', expect.any(Function));
    push!({ type: 'session-ended', reason: 'disabled' });
    expect(got).toEqual([{ type: 'session-ended', reason: 'disabled' }]);
    expect(lost).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('disabled') }));
    off();
    offLost();
    expect(unsubscribe).toHaveBeenCalled();
  });

  it('a rejected IPC call becomes CORE_UNREACHABLE', async () => {
    vi.stubGlobal('window', { custos: { call: vi.fn(async () => Promise.reject(new Error('ipc gone'))), on: vi.fn() } });
    await expect(call('setup.status', {})).rejects.toMatchObject({ code: 'CORE_UNREACHABLE' });
  });
});

describe('the desktop-only database connections channel', () => {
  it('is offered only where the desktop bridge has it (never under the web host)', async () => {
    expect(canManageConnections()).toBe(false);
    await expect(connectionsRequest({ action: 'status' })).rejects.toMatchObject({ code: 'DESKTOP_ONLY' });
    vi.stubGlobal('window', { custos: { call: vi.fn(), on: vi.fn() } });
    expect(canManageConnections()).toBe(false);
    vi.stubGlobal('window', { custos: { call: vi.fn(), on: vi.fn(), connections: vi.fn() } });
    expect(canManageConnections()).toBe(true);
  });

  it('unwraps the envelope and throws its error; never goes over fetch', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const connections = vi
      .fn()
      .mockResolvedValueOnce({ ok: true, value: { mode: 'running' } })
      .mockResolvedValueOnce({ ok: false, error: { code: 'FORBIDDEN', message: 'Only an admin…', hint: 'Sign in as an admin.' } })
      .mockResolvedValueOnce('garbage')
      .mockRejectedValueOnce(new Error('ipc gone'));
    vi.stubGlobal('window', { custos: { call: vi.fn(), on: vi.fn(), connections } });
    await expect(connectionsRequest({ action: 'status' })).resolves.toEqual({ mode: 'running' });
    expect(connections).toHaveBeenCalledWith({ action: 'status' });
    await expect(connectionsRequest({ action: 'status' })).rejects.toMatchObject({ code: 'FORBIDDEN', hint: 'Sign in as an admin.' });
    await expect(connectionsRequest({ action: 'status' })).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(connectionsRequest({ action: 'status' })).rejects.toMatchObject({ code: 'CORE_UNREACHABLE' });
    expect(fetch).not.toHaveBeenCalled();
  });
});
