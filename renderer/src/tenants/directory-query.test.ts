import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, directoryParams, hasFilters, listInput, listKey, parseDirectoryQuery, toggleSort, type DirectoryQuery } from './directory-query';

const q = (over: Partial<DirectoryQuery> = {}): DirectoryQuery => ({ ...DEFAULT_QUERY, ...over });

describe('directory query in the address', () => {
  it.each<[string, DirectoryQuery]>([
    ['', DEFAULT_QUERY],
    ['q=acme', q({ query: 'acme' })],
    ['plan=trial&status=suspended&region=eu-west-1', q({ plan: 'trial', status: 'suspended', region: 'eu-west-1' })],
    ['sort=dbSizeBytes&dir=desc', q({ sort: 'dbSizeBytes', direction: 'desc' })],
    // Hostile or stale values fall back to defaults instead of reaching the server.
    ['plan=enterprise&status=__proto__&sort=constructor&dir=sideways', DEFAULT_QUERY],
    ['sort=toString', DEFAULT_QUERY],
  ])('%j parses', (search, expected) => expect(parseDirectoryQuery(new URLSearchParams(search))).toEqual(expected));

  it.each<DirectoryQuery>([
    DEFAULT_QUERY,
    q({ query: 'a&b=c <script>' }),
    q({ plan: 'commercial', region: 'eu-central-1', sort: 'createdAt', direction: 'desc' }),
    q({ direction: 'desc' }),
  ])('round-trips %j', (value) => expect(parseDirectoryQuery(directoryParams(value))).toEqual(value));

  it('leaves defaults out of the address', () => expect(directoryParams(DEFAULT_QUERY).toString()).toBe(''));
});

describe('list input and identity', () => {
  it('trims the search and omits empty filters', () => {
    expect(listInput(q({ query: '  acme ' }), 400, 200)).toEqual({ query: 'acme', sort: 'name', direction: 'asc', offset: 400, limit: 200 });
    expect(listInput(q({ query: '   ', plan: 'trial' }), 0, 200)).toEqual({ plan: 'trial', sort: 'name', direction: 'asc', offset: 0, limit: 200 });
  });

  it('same list, same key; any change, new key', () => {
    expect(listKey(q({ query: 'acme ' }))).toBe(listKey(q({ query: 'acme' })));
    expect(listKey(q({ direction: 'desc' }))).not.toBe(listKey(q()));
    expect(listKey(q({ region: 'x' }))).not.toBe(listKey(q()));
  });

  it.each<[DirectoryQuery, string, Pick<DirectoryQuery, 'sort' | 'direction'>]>([
    [q(), 'name', { sort: 'name', direction: 'desc' }],
    [q({ direction: 'desc' }), 'name', { sort: 'name', direction: 'asc' }],
    [q({ direction: 'desc' }), 'region', { sort: 'region', direction: 'asc' }],
  ])('toggleSort(%j, %s)', (from, column, expected) => {
    const next = toggleSort(from, column as DirectoryQuery['sort']);
    expect({ sort: next.sort, direction: next.direction }).toEqual(expected);
  });

  it('knows when filters are set', () => {
    expect(hasFilters(q())).toBe(false);
    expect(hasFilters(q({ query: '  ' }))).toBe(false);
    expect(hasFilters(q({ status: 'deleted' }))).toBe(true);
    expect(hasFilters(q({ sort: 'slug' }))).toBe(false); // sorting is not filtering
  });
});
