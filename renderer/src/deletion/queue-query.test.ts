import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_QUERY, listInput, parseQueueQuery, queueParams } from './queue-query';

describe('the queue query in the address', () => {
  it.each([
    ['', DEFAULT_QUEUE_QUERY],
    ['status=on_hold', { status: 'on_hold', overdue: false, sort: 'dueOn' }],
    ['status=scheduled&overdue=1&sort=filedAt', { status: 'scheduled', overdue: true, sort: 'filedAt' }],
    ['status=deleted&overdue=yes&sort=name', DEFAULT_QUEUE_QUERY],
    ['status=__proto__', DEFAULT_QUEUE_QUERY],
  ])('%j', (search, q) => expect(parseQueueQuery(new URLSearchParams(search))).toEqual(q));

  it('round-trips and leaves defaults out', () => {
    expect(queueParams(DEFAULT_QUEUE_QUERY).toString()).toBe('');
    const q = { status: 'filed', overdue: true, sort: 'filedAt' } as const;
    expect(parseQueueQuery(queueParams(q))).toEqual(q);
  });

  it('asks the server only for what is set', () => {
    expect(listInput(DEFAULT_QUEUE_QUERY, 0, 100)).toEqual({ sort: 'dueOn', offset: 0, limit: 100 });
    expect(listInput({ status: 'on_hold', overdue: true, sort: 'filedAt' }, 100, 50)).toEqual({ status: 'on_hold', overdue: true, sort: 'filedAt', offset: 100, limit: 50 });
  });
});
