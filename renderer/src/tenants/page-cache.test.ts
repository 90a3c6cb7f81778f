import { describe, expect, it } from 'vitest';
import { pageOf, pagesForRange, pagesToEvict } from './page-cache';

describe('pagesForRange', () => {
  it.each<[number, number, number, number[]]>([
    [0, 30, 100_000, [0]],
    [190, 230, 100_000, [0, 1]],
    [199, 199, 100_000, [0]],
    [200, 200, 100_000, [1]],
    [99_980, 100_050, 100_000, [499]], // clamped to the last row
    [0, 30, 0, []], // empty list
    [0, 30, 12, [0]],
    [-5, 3, 100, [0]],
    [10, 5, 100, []],
  ])('rows %i–%i of %i → pages %j', (first, last, total, pages) => expect(pagesForRange(first, last, total)).toEqual(pages));

  it('pageOf', () => {
    expect(pageOf(0)).toBe(0);
    expect(pageOf(199)).toBe(0);
    expect(pageOf(200)).toBe(1);
  });
});

describe('pagesToEvict', () => {
  it('keeps everything under the cap', () => expect(pagesToEvict([1, 2, 3], 2, 3)).toEqual([]));
  it('drops the farthest from the view first', () => expect(pagesToEvict([0, 1, 2, 3, 9, 10], 2, 4).sort((a, b) => a - b)).toEqual([9, 10]));
  it('on a tie, drops the later page', () => expect(pagesToEvict([1, 3, 2], 2, 2)).toEqual([3]));
});
