/**
 * The records a staff member ticks in a sandbox's "only in snapshot" views, across
 * entities, as the list restore.previewSelection and restore.request take. Immutable
 * (each change returns a new selection, so React sees it), pure, tested.
 */
import type { RecordRef } from './restore-types';

/** The server takes at most this many picks; more is a whole-database restore in disguise. */
export const MAX_SELECTION = 10_000;

export type Selection = ReadonlyMap<string, ReadonlySet<number>>;

export const EMPTY_SELECTION: Selection = new Map();

export function isSelected(s: Selection, entity: string, id: number): boolean {
  return s.get(entity)?.has(id) ?? false;
}

function withIds(s: Selection, entity: string, ids: readonly number[], on: boolean): Selection {
  const next = new Map(s);
  const set = new Set(s.get(entity) ?? []);
  for (const id of ids) {
    if (on) set.add(id);
    else set.delete(id);
  }
  if (set.size === 0) next.delete(entity);
  else next.set(entity, set);
  return next;
}

export function toggle(s: Selection, entity: string, id: number): Selection {
  return withIds(s, entity, [id], !isSelected(s, entity, id));
}

/** Ticks or unticks all of `ids` (the header checkbox of a page). */
export function setMany(s: Selection, entity: string, ids: readonly number[], on: boolean): Selection {
  return withIds(s, entity, ids, on);
}

/** all | some | none of `ids` ticked: the header checkbox's state (checked / indeterminate). */
export function pageState(s: Selection, entity: string, ids: readonly number[]): 'all' | 'some' | 'none' {
  if (ids.length === 0) return 'none';
  const n = ids.filter((id) => isSelected(s, entity, id)).length;
  return n === 0 ? 'none' : n === ids.length ? 'all' : 'some';
}

export function selectionSize(s: Selection): number {
  let n = 0;
  for (const ids of s.values()) n += ids.size;
  return n;
}

export function countFor(s: Selection, entity: string): number {
  return s.get(entity)?.size ?? 0;
}

/**
 * The selection as the API takes it: entities in `order` (the server's dependency
 * order; unknown ones last, by name), IDs ascending — so the same picks always give
 * the same request, and the same plan fingerprint.
 */
export function toRefs(s: Selection, order: readonly string[] = []): RecordRef[] {
  const rank = (e: string) => {
    const i = order.indexOf(e);
    return i < 0 ? order.length : i;
  };
  const entities = [...s.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return entities.flatMap((entity) => [...(s.get(entity) ?? [])].sort((a, b) => a - b).map((id) => ({ entity, id })));
}
