import { describe, expect, it } from 'vitest';
import { unmetPasswordRules, type PasswordRule } from './password.policy';

// PRODUCT.md: at least 8 characters with lower, upper, digit, special — plus the
// blocklist and context words SECURITY.md adds. Each row: password, e-mail, unmet rules.
const cases: [string, string, string, PasswordRule[]][] = [
  ['exactly 8, all classes', 'Ab3$efgh', 'ann@vendor.example', []],
  ['7 characters', 'Ab3$efg', 'ann@vendor.example', ['min_length']],
  ['empty', '', 'ann@vendor.example', ['min_length', 'lowercase', 'uppercase', 'digit', 'special']],
  ['no upper', 'ab3$efghij', 'ann@vendor.example', ['uppercase']],
  ['no lower', 'AB3$EFGHIJ', 'ann@vendor.example', ['lowercase']],
  ['no digit', 'Abc$efghij', 'ann@vendor.example', ['digit']],
  ['no special', 'Abc3efghij', 'ann@vendor.example', ['special']],
  ['space counts as special', 'Tall tree 42', 'ann@vendor.example', []],
  ['breached: Password1!', 'Password1!', 'ann@vendor.example', ['common']],
  ['breached: Qwerty123!', 'Qwerty123!', 'ann@vendor.example', ['common']],
  ['breached base word decorated', 'Sunshine2024!', 'ann@vendor.example', ['common']],
  ['breached: Iloveyou1?', 'Iloveyou1?', 'ann@vendor.example', ['common']],
  ['contains e-mail name', 'Annabelle#77x', 'annabelle@vendor.example', ['contains_email_name']],
  ['contains e-mail name, other case', 'xxANNABELLE#7x', 'annabelle@vendor.example', ['contains_email_name']],
  ['contains product name', 'MyCustos#2026', 'ann@vendor.example', ['contains_product_name']],
  ['unicode letters count as lower/upper', 'Żółw#Ćma9xy', 'ann@vendor.example', []],
  ['Greek upper/lower', 'Ωmega#λ42kk', 'ann@vendor.example', []],
  ['emoji is special, code points counted', 'Ab3😀defg', 'ann@vendor.example', []],
  ['7 code points incl. emoji (8 UTF-16 units) is too short', 'Ab3😀def', 'ann@vendor.example', ['min_length']],
  ['CJK has no case', '山田太郎#1234', 'ann@vendor.example', ['lowercase', 'uppercase']],
  ['128 characters accepted (no truncation)', 'Aa1!' + 'x'.repeat(124), 'ann@vendor.example', []],
  ['129 characters accepted', 'Aa1!' + 'y'.repeat(125), 'ann@vendor.example', []],
  ['over the 1024 cap', 'Aa1!' + 'z'.repeat(1021), 'ann@vendor.example', ['max_length']],
  ['long passphrase', 'Correct Horse Battery Staple 9', 'ann@vendor.example', []],
  ['full-width forms normalise (NFKC) to ASCII', 'Ｐａｓｓｗｏｒｄ１！', 'ann@vendor.example', ['common']],
];

describe('staff password rule', () => {
  it.each(cases)('%s', (_name, password, email, expected) => {
    expect(unmetPasswordRules(password, { email }).sort()).toEqual([...expected].sort());
  });

  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it('a difference beyond character 72 matters (no bcrypt-style truncation)', () => {
    const a = 'Aa1!' + 'q'.repeat(80) + 'A';
    const b = 'Aa1!' + 'q'.repeat(80) + 'B';
    expect(a).not.toBe(b);
    expect(unmetPasswordRules(a)).toEqual([]);
    expect(unmetPasswordRules(b)).toEqual([]);
  });
});
