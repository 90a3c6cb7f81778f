import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TenantSummary } from '../../../app/api/contract';
import { ApiError } from '../api/client';
import { DEFAULT_QUERY, type DirectoryQuery } from './directory-query';
import { DirectoryStore } from './directory-store';
import { PAGE_SIZE } from './page-cache';

type Page = { total: number; offset: number; rows: TenantSummary[]; regions: string[] };

function tenant(i: number, tag = ''): TenantSummary {
  return {
    id: `t-${i}${tag}`,
    slug: `tenant-${i}`,
    name: `Tenant ${i}`,
    plan: 'commercial',
    status: 'active',
    region: 'eu-west-1',
    createdAt: '2024-01-01T00:00:00Z',
    dpaVersion: '2024-11',
    dpaAcceptedAt: '2024-01-02T00:00:00Z',
    dbEngine: 'sqlite',
    dbSizeBytes: 1000,
    attachmentCount: 0,
    attachmentBytes: 0,
    lastSnapshotAt: null,
  };
}

/** A fake `tenants.list`: every call waits until the test resolves it. */
function fakeServer(total: number) {
  const pending: { q: DirectoryQuery; offset: number; resolve: (p: Page) => void; reject: (e: unknown) => void }[] = [];
  const fetch = vi.fn((q: DirectoryQuery, offset: number) => new Promise<Page>((resolve, reject) => pending.push({ q, offset, resolve, reject })));
  const answer = async (match: (c: { q: DirectoryQuery; offset: number }) => boolean, tag = '') => {
    const i = pending.findIndex(match);
    if (i < 0) throw new Error('no such pending call');
    const [c] = pending.splice(i, 1);
    const rows = Array.from({ length: Math.max(0, Math.min(PAGE_SIZE, total - c!.offset)) }, (_, k) => tenant(c!.offset + k, tag));
    c!.resolve({ total, offset: c!.offset, rows, regions: ['eu-west-1'] });
    await Promise.resolve();
    await Promise.resolve();
  };
  return { fetch, pending, answer };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('DirectoryStore', () => {
  it('loads the first page, then the pages that scroll into view, once each', async () => {
    const server = fakeServer(100_000);
    const store = new DirectoryStore(server.fetch);
    store.setQuery(DEFAULT_QUERY);
    expect(store.getSnapshot().loadingKey).not.toBeNull();
    await server.answer((c) => c.offset === 0);
    expect(store.getSnapshot().total).toBe(100_000);
    expect(store.row(0)?.id).toBe('t-0');
    expect(store.row(200)).toBeNull();

    store.ensureRange(190, 230);
    store.ensureRange(190, 231); // coalesced with the previous request
    await vi.advanceTimersByTimeAsync(50);
    expect(server.pending.map((c) => c.offset)).toEqual([200]);
    await server.answer((c) => c.offset === 200);
    expect(store.row(230)?.id).toBe('t-230');

    store.ensureRange(195, 235);
    await vi.advanceTimersByTimeAsync(50);
    expect(server.pending).toHaveLength(0); // both pages cached
  });

  it('drops an answer for a search the user has already changed', async () => {
    const server = fakeServer(500);
    const store = new DirectoryStore(server.fetch);
    store.setQuery({ ...DEFAULT_QUERY, query: 'ac' });
    store.setQuery({ ...DEFAULT_QUERY, query: 'acme' });
    await server.answer((c) => c.q.query === 'acme', '-acme');
    await server.answer((c) => c.q.query === 'ac', '-ac'); // arrives late
    const snap = store.getSnapshot();
    expect(snap.query?.query).toBe('acme');
    expect(store.row(0)?.id).toBe('t-0-acme');
  });

  it('keeps showing the previous list while the next one loads', async () => {
    const server = fakeServer(500);
    const store = new DirectoryStore(server.fetch);
    store.setQuery(DEFAULT_QUERY);
    await server.answer(() => true);
    store.setQuery({ ...DEFAULT_QUERY, plan: 'trial' });
    const during = store.getSnapshot();
    expect(during.loadingKey).not.toBeNull();
    expect(during.total).toBe(500);
    expect(store.row(0)).not.toBeNull();
  });

  it('a failed first page is a fatal error with the server message; retry asks again', async () => {
    const server = fakeServer(10);
    const store = new DirectoryStore(server.fetch);
    store.setQuery(DEFAULT_QUERY);
    server.pending.shift()!.reject(new ApiError({ code: 'FORBIDDEN', message: 'Your roles do not allow it.', hint: 'Ask an admin.' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getSnapshot()).toMatchObject({ errorIsFatal: true, error: { code: 'FORBIDDEN', message: 'Your roles do not allow it.', hint: 'Ask an admin.' } });
    store.retry();
    expect(server.pending).toHaveLength(1);
    await server.answer(() => true);
    expect(store.getSnapshot()).toMatchObject({ error: null, total: 10 });
  });

  it('a failed later page is not retried in a loop, only on retry()', async () => {
    const server = fakeServer(1000);
    const store = new DirectoryStore(server.fetch);
    store.setQuery(DEFAULT_QUERY);
    await server.answer(() => true);
    store.ensureRange(400, 420);
    await vi.advanceTimersByTimeAsync(50);
    server.pending.shift()!.reject(new ApiError({ code: 'CORE_UNREACHABLE', message: 'down' }));
    await vi.advanceTimersByTimeAsync(200);
    expect(server.pending).toHaveLength(0);
    expect(store.getSnapshot()).toMatchObject({ errorIsFatal: false, error: { code: 'CORE_UNREACHABLE' } });
    store.retry();
    await vi.advanceTimersByTimeAsync(50);
    expect(server.pending.map((c) => c.offset)).toEqual([400]);
  });

  it('reopened, it shows the cache at once and re-reads only what comes into view', async () => {
    const server = fakeServer(1000);
    const store = new DirectoryStore(server.fetch);
    store.setQuery(DEFAULT_QUERY);
    await server.answer(() => true);
    store.revalidate();
    store.setQuery(DEFAULT_QUERY); // same key: no new first-page load
    expect(store.getSnapshot().loadingKey).toBeNull();
    expect(store.row(5)).not.toBeNull();
    store.ensureRange(0, 30);
    await vi.advanceTimersByTimeAsync(50);
    expect(server.pending.map((c) => c.offset)).toEqual([0]);
  });

  it('reset() forgets everything (sign-out)', async () => {
    const server = fakeServer(10);
    const store = new DirectoryStore(server.fetch);
    store.setQuery(DEFAULT_QUERY);
    await server.answer(() => true);
    store.lastHash = '#/tenants?q=x';
    store.reset();
    expect(store.getSnapshot()).toMatchObject({ key: null, total: null });
    expect(store.row(0)).toBeNull();
    expect(store.lastHash).toBe('#/tenants');
  });
});
