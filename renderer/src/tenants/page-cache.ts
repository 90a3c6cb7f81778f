/**
 * Which pages of the directory to fetch for what is on screen. The directory can hold
 * 100,000 tenants: rows are fetched in pages of PAGE_SIZE as they scroll into view,
 * cached by page, and the pages farthest from the view are dropped past a cap. Pure.
 */
export const PAGE_SIZE = 200;
/** 60 pages × 200 rows: ample for scrolling back and forth, bounded memory. */
export const MAX_CACHED_PAGES = 60;

export function pageOf(index: number, pageSize: number = PAGE_SIZE): number {
  return Math.floor(index / pageSize);
}

/** Pages covering rows [first, last] (inclusive), clamped to the list's total. */
export function pagesForRange(first: number, last: number, total: number, pageSize: number = PAGE_SIZE): number[] {
  if (total <= 0 || last < first) return [];
  const lo = pageOf(Math.max(0, first), pageSize);
  const hi = pageOf(Math.min(total - 1, Math.max(0, last)), pageSize);
  const out: number[] = [];
  for (let p = lo; p <= hi; p++) out.push(p);
  return out;
}

/** Pages to evict so that at most `max` remain, farthest from `focusPage` first. */
export function pagesToEvict(cached: Iterable<number>, focusPage: number, max: number = MAX_CACHED_PAGES): number[] {
  const pages = [...cached];
  if (pages.length <= max) return [];
  return pages.sort((a, b) => Math.abs(b - focusPage) - Math.abs(a - focusPage) || b - a).slice(0, pages.length - max);
}
