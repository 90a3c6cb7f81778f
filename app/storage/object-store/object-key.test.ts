import { describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES, validateKey, validatePrefix } from './object-key';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('validateKey', () => {
  it.each([
    ['tenants/t1/files/42'],
    ['a'],
    ['.hidden'],
    ['a..b/c.d'],
    ['Report Q1.pdf'],
    ['ünïcödé/✓'],
    ['x'.repeat(MAX_KEY_BYTES)],
  ])('accepts %j', (key) => {
    expect(validateKey(key)).toBe(key);
  });

  it.each([
    [''],
    ['../x'],
    ['a/../b'],
    ['..'],
    ['.'],
    ['./a'],
    ['a/.'],
    ['/abs'],
    ['a//b'],
    ['a/'],
    ['a\\b'],
    ['a\u0000b'],
    ['a\tb'],
    ['a\u007fb'],
    ['a\u0085b'],
    ['\ud800x'],
    ['x'.repeat(MAX_KEY_BYTES + 1)],
    ['é'.repeat(MAX_KEY_BYTES / 2 + 1)], // bytes, not characters
  ])('refuses %j with OBJECT_KEY_INVALID', (key) => {
    expect(code(() => validateKey(key))).toBe('OBJECT_KEY_INVALID');
  });

  it.each([[undefined], [null], [42]])('refuses a non-string %j', (key) => {
    expect(code(() => validateKey(key))).toBe('OBJECT_KEY_INVALID');
  });

  it('shows the refused key escaped, and says what to do', () => {
    try {
      validateKey('a\u0000b');
      expect.unreachable();
    } catch (e) {
      const err = e as { details: { key: string }; hint: string };
      expect(err.details.key).toBe('"a\\u0000b"');
      expect(err.hint).toMatch(/report it/);
    }
  });
});

describe('validatePrefix', () => {
  it.each([[''], ['tenants/'], ['tenants/t1/'], ['tenants/t'], ['t'], ['.hid']])('accepts %j', (prefix) => {
    expect(validatePrefix(prefix)).toBe(prefix);
  });

  it.each([['/'], ['/tenants/'], ['a//'], ['a//b'], ['../'], ['..'], ['a/..'], ['a/./'], ['a\\'], ['a\u0000']])(
    'refuses %j',
    (prefix) => {
      expect(code(() => validatePrefix(prefix))).toBe('OBJECT_KEY_INVALID');
    },
  );
});
