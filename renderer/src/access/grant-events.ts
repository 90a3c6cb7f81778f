import type { GrantView } from './grant-time';

/**
 * A grant opened anywhere on the page (the restore panel's justification dialog, the
 * Access card's own) is announced, so the Access card shows it without a reload.
 */
const EVENT = 'custos:grant-opened';

export function announceGrant(g: GrantView): void {
  window.dispatchEvent(new CustomEvent<GrantView>(EVENT, { detail: g }));
}

export function onGrantOpened(fn: (g: GrantView) => void): () => void {
  const listener = (e: Event) => fn((e as CustomEvent<GrantView>).detail);
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
