import { describe, expect, it } from 'vitest';
import { EMPTY_SELECTION, countFor, isSelected, pageState, selectionSize, setMany, toRefs, toggle } from './restore-selection';

const ORDER = ['colleagues', 'companies', 'persons', 'spaces', 'opportunities', 'tasks', 'activities', 'opportunity_lines', 'files', 'custom_field_definitions', 'custom_field_values'];

describe('ticking records in a sandbox', () => {
  it('toggles one record, without changing the selection it came from', () => {
    const a = toggle(EMPTY_SELECTION, 'opportunities', 1);
    expect(isSelected(a, 'opportunities', 1)).toBe(true);
    expect(isSelected(EMPTY_SELECTION, 'opportunities', 1)).toBe(false);
    const b = toggle(a, 'opportunities', 1);
    expect(selectionSize(b)).toBe(0);
    expect([...b.keys()]).toEqual([]);
  });

  it('ticks and unticks a page, and says whether all, some or none of it is ticked', () => {
    const ids = [3, 4, 5];
    let s = toggle(EMPTY_SELECTION, 'persons', 4);
    expect(pageState(s, 'persons', ids)).toBe('some');
    s = setMany(s, 'persons', ids, true);
    expect(pageState(s, 'persons', ids)).toBe('all');
    expect(countFor(s, 'persons')).toBe(3);
    s = setMany(s, 'persons', ids, false);
    expect(pageState(s, 'persons', ids)).toBe('none');
    expect(pageState(s, 'persons', [])).toBe('none');
  });

  it('keeps ticks across entities and gives them in dependency order, IDs ascending', () => {
    let s = toggle(EMPTY_SELECTION, 'opportunity_lines', 9);
    s = toggle(s, 'opportunities', 12);
    s = toggle(s, 'opportunities', 3);
    s = toggle(s, 'companies', 5);
    s = toggle(s, 'zz_unknown', 1);
    expect(selectionSize(s)).toBe(5);
    expect(toRefs(s, ORDER)).toEqual([
      { entity: 'companies', id: 5 },
      { entity: 'opportunities', id: 3 },
      { entity: 'opportunities', id: 12 },
      { entity: 'opportunity_lines', id: 9 },
      { entity: 'zz_unknown', id: 1 },
    ]);
  });
});
