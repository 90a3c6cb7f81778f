/**
 * The tenant directory's rows, fetched page by page as they scroll into view. Lives
 * outside React so that opening a tenant and coming back shows the same list at once
 * (then quietly refreshes what is on screen), and so stale answers — for a search the
 * user has already changed — are dropped rather than shown.
 */
import type { TenantSummary } from '../../../app/api/contract';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { listInput, listKey, type DirectoryQuery } from './directory-query';
import { PAGE_SIZE, pageOf, pagesForRange, pagesToEvict } from './page-cache';

export interface DirectorySnapshot {
  /** The list shown: its key and query. */
  key: string | null;
  query: DirectoryQuery | null;
  /** Rows matching, from the last answer; null before the first one. */
  total: number | null;
  regions: readonly string[];
  pages: ReadonlyMap<number, readonly TenantSummary[]>;
  /** A different list is being fetched; the current one stays visible (dimmed) meanwhile. */
  loadingKey: string | null;
  error: ErrorInfo | null;
  /** The error concerns the whole list (its first page), not one page further down. */
  errorIsFatal: boolean;
}

const EMPTY: DirectorySnapshot = {
  key: null,
  query: null,
  total: null,
  regions: [],
  pages: new Map(),
  loadingKey: null,
  error: null,
  errorIsFatal: false,
};

const MAX_IN_FLIGHT = 4;
const RANGE_DELAY_MS = 40;

export class DirectoryStore {
  private snap: DirectorySnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly inFlight = new Set<number>();
  private readonly failed = new Set<number>();
  /** Pages shown from the cache but not yet re-read since the directory was reopened. */
  private readonly stale = new Set<number>();
  private wanted: [number, number] = [0, -1];
  private rangeTimer: ReturnType<typeof setTimeout> | null = null;

  /** Where the list was scrolled and which row was selected, for coming back. */
  scrollOffset = 0;
  selected: number | null = null;
  /** The directory's address (with its search and filters), for the tenant page's back link. */
  lastHash = '#/tenants';

  constructor(private readonly fetchPage: typeof fetchTenantPage = fetchTenantPage) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): DirectorySnapshot => this.snap;

  private set(patch: Partial<DirectorySnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of [...this.listeners]) fn();
  }

  row(index: number): TenantSummary | null {
    return this.snap.pages.get(pageOf(index))?.[index % PAGE_SIZE] ?? null;
  }

  /** Show `q`: a new key fetches its first page; the same key keeps what is cached. */
  setQuery(q: DirectoryQuery): void {
    const key = listKey(q);
    if (key === this.snap.loadingKey) return;
    if (key === this.snap.key && !this.snap.errorIsFatal) {
      if (this.snap.loadingKey) this.set({ loadingKey: null, query: q });
      return;
    }
    this.set({ loadingKey: key, error: null, errorIsFatal: false });
    void this.loadFirstPage(key, q);
  }

  /** The directory was reopened: what is cached is shown, and re-read as it comes into view. */
  revalidate(): void {
    for (const p of this.snap.pages.keys()) this.stale.add(p);
  }

  private async loadFirstPage(key: string, q: DirectoryQuery): Promise<void> {
    try {
      const res = await this.fetchPage(q, 0);
      if (this.snap.loadingKey !== key) return;
      this.inFlight.clear();
      this.failed.clear();
      this.stale.clear();
      this.scrollOffset = 0;
      this.selected = null;
      this.set({ key, query: q, total: res.total, regions: res.regions, pages: new Map([[0, res.rows]]), loadingKey: null, error: null, errorIsFatal: false });
    } catch (e) {
      if (this.snap.loadingKey !== key) return;
      this.inFlight.clear();
      this.failed.clear();
      this.stale.clear();
      this.set({ key, query: q, total: null, pages: new Map(), loadingKey: null, error: toErrorInfo(e), errorIsFatal: true });
    }
  }

  /** Rows [first, last] are on screen (or about to be): fetch their pages soon. */
  ensureRange(first: number, last: number): void {
    this.wanted = [first, last];
    if (this.rangeTimer) return;
    // Coalesce: a fast scroll through 100,000 rows asks only for where it stops.
    this.rangeTimer = setTimeout(() => {
      this.rangeTimer = null;
      this.fetchWanted();
    }, RANGE_DELAY_MS);
  }

  private fetchWanted(): void {
    const { key, query, total, loadingKey } = this.snap;
    if (key === null || query === null || total === null || loadingKey !== null) return;
    const [first, last] = this.wanted;
    for (const page of pagesForRange(first, last, total)) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) break;
      if (this.inFlight.has(page) || this.failed.has(page)) continue;
      if (this.snap.pages.has(page) && !this.stale.has(page)) continue;
      void this.loadPage(key, query, page);
    }
  }

  private async loadPage(key: string, q: DirectoryQuery, page: number): Promise<void> {
    this.inFlight.add(page);
    try {
      const res = await this.fetchPage(q, page * PAGE_SIZE);
      if (this.snap.key !== key || this.snap.loadingKey !== null) return;
      this.stale.delete(page);
      const pages = new Map(this.snap.pages);
      pages.set(page, res.rows);
      for (const p of pagesToEvict(pages.keys(), pageOf(this.wanted[0]))) pages.delete(p);
      this.set({ pages, total: res.total, regions: res.regions });
    } catch (e) {
      if (this.snap.key !== key) return;
      this.failed.add(page);
      this.set({ error: toErrorInfo(e), errorIsFatal: false });
    } finally {
      if (this.snap.key === key) {
        this.inFlight.delete(page);
        // More pages may be waiting for a free slot.
        this.ensureRange(...this.wanted);
      }
    }
  }

  retry(): void {
    const { query, errorIsFatal } = this.snap;
    this.failed.clear();
    if (errorIsFatal && query) {
      const key = listKey(query);
      this.set({ loadingKey: key, error: null, errorIsFatal: false });
      void this.loadFirstPage(key, query);
      return;
    }
    this.set({ error: null });
    this.ensureRange(...this.wanted);
  }

  /** Sign-out: nothing of the previous session stays in memory. */
  reset(): void {
    if (this.rangeTimer) clearTimeout(this.rangeTimer);
    this.rangeTimer = null;
    this.inFlight.clear();
    this.failed.clear();
    this.stale.clear();
    this.scrollOffset = 0;
    this.selected = null;
    this.lastHash = '#/tenants';
    this.set(EMPTY);
  }
}

export async function fetchTenantPage(q: DirectoryQuery, offset: number) {
  return call('tenants.list', listInput(q, offset, PAGE_SIZE));
}

/** The one directory of this window. */
export const directoryStore = new DirectoryStore();
