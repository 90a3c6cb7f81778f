/**
 * The queue's filter and sort, kept in the address (#/deletions?status=…&overdue=1&sort=filedAt)
 * so "back" from a request returns to the same view. Pure.
 */
import type { OpInput } from '../api/client';
import { isViewStatus } from './deletion-format';
import type { DeletionViewStatus } from './deletion-types';

export type QueueSort = 'dueOn' | 'filedAt';

export interface QueueQuery {
  status: DeletionViewStatus | null;
  overdue: boolean;
  sort: QueueSort;
}

export const DEFAULT_QUEUE_QUERY: QueueQuery = { status: null, overdue: false, sort: 'dueOn' };

export function parseQueueQuery(params: URLSearchParams): QueueQuery {
  const status = params.get('status');
  const sort = params.get('sort');
  return {
    status: isViewStatus(status) ? status : null,
    overdue: params.get('overdue') === '1',
    sort: sort === 'filedAt' ? 'filedAt' : 'dueOn',
  };
}

export function queueParams(q: QueueQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.status) p.set('status', q.status);
  if (q.overdue) p.set('overdue', '1');
  if (q.sort !== 'dueOn') p.set('sort', q.sort);
  return p;
}

/** The deletion.list input for one page of the queue. */
export function listInput(q: QueueQuery, offset: number, limit: number): OpInput<'deletion.list'> {
  return {
    ...(q.status ? { status: q.status } : {}),
    ...(q.overdue ? { overdue: true } : {}),
    sort: q.sort,
    offset,
    limit,
  };
}
