/**
 * The tenant directory: server-side search, filters and sort over the whole fleet,
 * virtualised so 100,000 tenants scroll smoothly — only the rows on screen exist in
 * the DOM, and their pages (200 rows) are fetched as they come into view.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { flexRender, getCoreRowModel, useReactTable, type Row } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TenantPlan, TenantSortColumn, TenantStatus, TenantSummary } from '../../../app/api/contract';
import { buildHash, navigate, parseHash, replaceHash } from '../shell/router';
import { ErrorMessage } from '../ui/ErrorMessage';
import { plural } from '../ui/format';
import { COLUMN_LAYOUT, DIRECTORY_COLUMNS, GRID_MIN_WIDTH, GRID_TEMPLATE, type DirectoryRow } from './directory-columns';
import { DEFAULT_QUERY, PLANS, PLAN_LABEL, STATUSES, STATUS_LABEL, directoryParams, hasFilters, listKey, parseDirectoryQuery, toggleSort, type DirectoryQuery } from './directory-query';
import { directoryStore as store } from './directory-store';

const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 36;
const SEARCH_DEBOUNCE_MS = 200;
const SKELETON_ROWS = 12;

export function tenantHash(tenantId: string): string {
  return buildHash(['tenants', tenantId]);
}

export function TenantDirectory() {
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);

  // The address holds the search and filters; what the store shows for the same key is reused.
  const initial = useMemo(() => parseDirectoryQuery(parseHash(window.location.hash).params), []);
  const [restoring] = useState(() => snap.key === listKey(initial) && snap.total !== null);
  const [q, setQ] = useState<DirectoryQuery>(initial);
  const [search, setSearch] = useState(initial.query);
  const [selected, setSelectedState] = useState<number | null>(restoring ? store.selected : null);
  const setSelected = useCallback((i: number | null) => {
    store.selected = i;
    setSelectedState(i);
  }, []);

  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (restoring) store.revalidate();
  }, [restoring]);

  // Debounced server-side search: one request per pause in typing, not per key.
  useEffect(() => {
    if (search === q.query) return;
    const t = setTimeout(() => setQ((prev) => ({ ...prev, query: search })), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [search, q.query]);

  useEffect(() => {
    store.setQuery(q);
    const hash = buildHash(['tenants'], directoryParams(q));
    store.lastHash = hash;
    replaceHash(hash);
  }, [q]);

  const total = snap.total ?? 0;
  const loadingNew = snap.loadingKey !== null;

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The sticky header sits inside the scroll element, above the rows.
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    initialOffset: restoring ? store.scrollOffset : 0,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    store.ensureRange(first, last);
  }, [first, last, snap.key, snap.pages]);

  // A new list starts at its top with nothing selected.
  const shownKey = useRef(snap.key);
  useEffect(() => {
    if (shownKey.current !== snap.key) {
      shownKey.current = snap.key;
      virtualizer.scrollToOffset(0);
      setSelected(null);
    }
  }, [snap.key, virtualizer, setSelected]);

  // Back from a tenant: put the focus where the keyboard left it.
  useEffect(() => {
    if (restoring && store.selected !== null) scrollRef.current?.focus({ preventScroll: true });
    else searchRef.current?.focus();
  }, [restoring]);

  // snap.pages is what store.row() reads: a new page means new rows.
  const pages = snap.pages;
  const rows: DirectoryRow[] = useMemo(() => (pages ? items.map((v) => ({ index: v.index, tenant: store.row(v.index) })) : []), [items, pages]);
  const table = useReactTable({
    data: rows,
    columns: DIRECTORY_COLUMNS,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => String(r.index),
    manualSorting: true,
    enableMultiSort: false,
    state: { sorting: [{ id: q.sort, desc: q.direction === 'desc' }] },
  });

  const open = useCallback(
    (index: number) => {
      const t = store.row(index);
      if (!t) return;
      setSelected(index);
      navigate(tenantHash(t.id));
    },
    [setSelected],
  );

  const move = useCallback(
    (delta: number) => {
      if (total === 0) return;
      const from = store.selected ?? (delta > 0 ? -1 : total);
      const to = Math.max(0, Math.min(total - 1, from + delta));
      setSelected(to);
      virtualizer.scrollToIndex(to, { align: 'auto' });
    },
    [total, virtualizer, setSelected],
  );

  // Keyboard: '/' focuses the search; ↑/↓ (also from the search box) move the selection; Enter opens.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = e.target instanceof HTMLElement ? e.target : null;
      const tag = t?.tagName;
      const editable = !!t && (t.isContentEditable || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT');
      const inSearch = t === searchRef.current;
      const inGrid = t === scrollRef.current;
      if (e.key === '/' && !editable) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      if (editable && !inSearch) return;
      // Keys that mean something on a focused button or link stay theirs, except ↑/↓.
      const free = inSearch || inGrid || !t || t === document.body;
      const page = Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 400) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
      const go = (delta: number) => {
        e.preventDefault();
        move(delta);
        // Enter then opens the selected row, wherever the arrows were pressed.
        if (!inSearch && !inGrid) scrollRef.current?.focus({ preventScroll: true });
      };
      switch (e.key) {
        case 'ArrowDown':
          return go(1);
        case 'ArrowUp':
          return go(-1);
        case 'PageDown':
          return free && !inSearch ? go(page) : undefined;
        case 'PageUp':
          return free && !inSearch ? go(-page) : undefined;
        case 'Home':
          return free && !inSearch ? go(-total) : undefined;
        case 'End':
          return free && !inSearch ? go(total) : undefined;
        case 'Enter': {
          if (!free) return;
          // A search that narrowed the fleet to one tenant opens it without selecting first.
          const target = store.selected ?? (total === 1 ? 0 : null);
          if (target !== null) {
            e.preventDefault();
            open(target);
          }
          break;
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [move, open, total]);

  const clearFilters = () => {
    setSearch('');
    setQ((prev) => ({ ...DEFAULT_QUERY, sort: prev.sort, direction: prev.direction }));
    searchRef.current?.focus();
  };
  const setFilter = (patch: Partial<DirectoryQuery>) => setQ((prev) => ({ ...prev, query: search, ...patch }));

  const regions = useMemo(() => {
    const list = [...snap.regions];
    if (q.region && !list.includes(q.region)) list.push(q.region);
    return list;
  }, [snap.regions, q.region]);

  const onSearchKey = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && search) {
      e.preventDefault();
      setSearch('');
    }
  };

  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const filtered = hasFilters(q);
  const fatal = snap.error && snap.errorIsFatal ? snap.error : null;
  const firstLoad = snap.total === null && !fatal;
  const empty = snap.total === 0 && !loadingNew;
  const activeId = selected !== null && items.some((v) => v.index === selected) ? `tenant-row-${selected}` : undefined;

  return (
    <section className="directory" aria-labelledby="directory-title">
      <header className="page-header">
        <div>
          <h1 className="page-title" id="directory-title">
            Tenants
          </h1>
          <p className="page-subtitle" data-testid="tenant-count" aria-live="polite">
            {snap.total === null ? (fatal ? '—' : 'Loading…') : filtered ? `${plural(snap.total, 'tenant')} match` : plural(snap.total, 'tenant')}
          </p>
        </div>
        <p className="keyboard-hint" aria-hidden="true">
          <kbd>/</kbd> search · <kbd>↑</kbd>
          <kbd>↓</kbd> select · <kbd>Enter</kbd> open
        </p>
      </header>

      <div className="toolbar" role="search">
        <label className="toolbar__search">
          <span className="visually-hidden">Search tenants by name, slug or ID</span>
          <input
            ref={searchRef}
            type="search"
            className="input input--search"
            placeholder="Search name, slug or ID"
            data-testid="tenant-search"
            value={search}
            maxLength={200}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={onSearchKey}
            aria-controls="tenant-grid"
          />
        </label>
        <label className="toolbar__filter">
          <span className="toolbar__label">Plan</span>
          <select className="select" data-testid="filter-plan" value={q.plan ?? ''} onChange={(e) => setFilter({ plan: (e.target.value || null) as TenantPlan | null })}>
            <option value="">All plans</option>
            {PLANS.map((p) => (
              <option key={p} value={p}>
                {PLAN_LABEL[p]}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar__filter">
          <span className="toolbar__label">Status</span>
          <select className="select" data-testid="filter-status" value={q.status ?? ''} onChange={(e) => setFilter({ status: (e.target.value || null) as TenantStatus | null })}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar__filter">
          <span className="toolbar__label">Region</span>
          <select className="select" data-testid="filter-region" value={q.region ?? ''} onChange={(e) => setFilter({ region: e.target.value || null })}>
            <option value="">All regions</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        {filtered ? (
          <button type="button" className="button button--ghost" onClick={clearFilters}>
            Clear filters
          </button>
        ) : null}
      </div>

      {snap.error && !fatal ? (
        <ErrorMessage error={snap.error} title="Some rows could not be loaded">
          <button type="button" className="button button--small" onClick={() => store.retry()}>
            Try again
          </button>
        </ErrorMessage>
      ) : null}

      {fatal ? (
        <ErrorMessage error={fatal} title="The tenant directory could not be loaded">
          <button type="button" className="button button--small" onClick={() => store.retry()}>
            Try again
          </button>
        </ErrorMessage>
      ) : empty ? (
        <div className="empty-state">
          <p className="empty-state__title">{q.query.trim() ? `No tenants match “${q.query.trim()}”` : filtered ? 'No tenants match these filters' : 'The catalogue has no tenants yet'}</p>
          {filtered ? (
            <>
              <p className="empty-state__text">Search looks at each tenant's name, slug and ID{q.plan || q.status || q.region ? ', within the filters set above' : ''}.</p>
              <button type="button" className="button" onClick={clearFilters}>
                Clear filters
              </button>
            </>
          ) : null}
        </div>
      ) : (
        <div
          ref={scrollRef}
          id="tenant-grid"
          className={loadingNew ? 'grid grid--busy' : 'grid'}
          role="grid"
          aria-label="Tenants"
          aria-rowcount={snap.total === null ? -1 : snap.total + 1}
          aria-colcount={DIRECTORY_COLUMNS.length}
          aria-busy={loadingNew || firstLoad}
          aria-activedescendant={activeId}
          tabIndex={0}
          onScroll={(e) => {
            store.scrollOffset = e.currentTarget.scrollTop;
          }}
        >
          <div className="grid__header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: GRID_TEMPLATE, minWidth: GRID_MIN_WIDTH }}>
            {headers.map((h) => {
              const id = h.column.id as TenantSortColumn;
              const sorted = h.column.getIsSorted();
              return (
                <div
                  key={h.id}
                  role="columnheader"
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                  className={COLUMN_LAYOUT[id].numeric ? 'grid__th grid__th--numeric' : 'grid__th'}
                >
                  <button type="button" className="sort-button" onClick={() => setQ((prev) => toggleSort({ ...prev, query: search }, id))}>
                    <span>{flexRender(h.column.columnDef.header, h.getContext())}</span>
                    {sorted ? (
                      <span className="sort-indicator" aria-hidden="true">
                        {sorted === 'desc' ? '▼' : '▲'}
                      </span>
                    ) : null}
                  </button>
                </div>
              );
            })}
          </div>
          {firstLoad ? (
            <div className="grid__body" style={{ minWidth: GRID_MIN_WIDTH }}>
              {Array.from({ length: SKELETON_ROWS }, (_, i) => (
                <div key={i} className="grid__row grid__row--placeholder" style={{ gridTemplateColumns: GRID_TEMPLATE }} aria-hidden="true">
                  {DIRECTORY_COLUMNS.map((c) => (
                    <div key={c.id} className="grid__td">
                      <span className="skeleton" />
                    </div>
                  ))}
                </div>
              ))}
            </div>
          ) : (
            <div className="grid__body grid__body--virtual" style={{ height: virtualizer.getTotalSize(), minWidth: GRID_MIN_WIDTH }}>
              {table.getRowModel().rows.map((row, i) => {
                const v = items[i];
                if (!v) return null;
                return <DirectoryRowView key={v.key} row={row} index={v.index} top={v.start - HEADER_HEIGHT} tenant={row.original.tenant} selected={selected === v.index} onOpen={open} />;
              })}
            </div>
          )}
        </div>
      )}
    </section>
  );
}

interface RowViewProps {
  row: Row<DirectoryRow>;
  index: number;
  /** Offset from the top of the rows; fixed per index, so scrolling re-renders only rows that enter. */
  top: number;
  tenant: TenantSummary | null;
  selected: boolean;
  onOpen: (index: number) => void;
}

/**
 * One row. Cells read only `tenant`, so a row whose tenant, position and selection are
 * unchanged skips rendering even though react-table hands over a new Row object each
 * frame: a fast scroll renders only the rows coming into view.
 */
const DirectoryRowView = memo(
  function DirectoryRowView({ row, index, top, tenant, selected, onOpen }: RowViewProps) {
    const style = { transform: `translateY(${top}px)`, gridTemplateColumns: GRID_TEMPLATE };
    if (!tenant) {
      return (
        <div className="grid__row grid__row--placeholder" role="row" aria-rowindex={index + 2} data-testid="tenant-row-placeholder" style={style}>
          {row.getVisibleCells().map((cell) => (
            <div key={cell.id} role="gridcell" className="grid__td">
              <span className="skeleton" />
            </div>
          ))}
        </div>
      );
    }
    return (
      <div
        id={`tenant-row-${index}`}
        className={selected ? 'grid__row grid__row--selected' : 'grid__row'}
        role="row"
        aria-rowindex={index + 2}
        aria-selected={selected}
        data-testid="tenant-row"
        data-tenant-id={tenant.id}
        style={style}
        onClick={() => onOpen(index)}
      >
        {row.getVisibleCells().map((cell) => (
          <div key={cell.id} role="gridcell" className={COLUMN_LAYOUT[cell.column.id as TenantSortColumn].numeric ? 'grid__td grid__td--numeric' : 'grid__td'}>
            {flexRender(cell.column.columnDef.cell, cell.getContext())}
          </div>
        ))}
      </div>
    );
  },
  (a, b) => a.tenant === b.tenant && a.index === b.index && a.top === b.top && a.selected === b.selected && a.onOpen === b.onOpen,
);
