/**
 * The queue's last address, so "← Deletion requests" on a request page returns to the
 * same filter and sort (as the directory store does for the tenant directory).
 */
let last = '#/deletions';

export function rememberQueueHash(hash: string): void {
  last = hash;
}

export function lastQueueHash(): string {
  return last;
}
