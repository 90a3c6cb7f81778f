import { describe, expect, it } from 'vitest';
import { passwordChecklist, passwordRulesMet, type PasswordRuleId } from './password-rules';

const unmet = (p: string): PasswordRuleId[] => passwordChecklist(p).filter((r) => !r.met).map((r) => r.id);

describe('password checklist (PRODUCT.md: 8+, lower, upper, digit, special)', () => {
  it.each<[string, PasswordRuleId[]]>([
    ['', ['min_length', 'lowercase', 'uppercase', 'digit', 'special']],
    ['abcdefgh', ['uppercase', 'digit', 'special']],
    ['ABCDEFGH', ['lowercase', 'digit', 'special']],
    ['12345678', ['lowercase', 'uppercase', 'special']],
    ['!!!!!!!!', ['lowercase', 'uppercase', 'digit']],
    ['Aa1!', ['min_length']],
    ['Aa1!xyz', ['min_length']], // 7: one short of the limit
    ['Aa1!xyzw', []], // exactly 8
    ['Kestrel#Harbour42', []],
    ['Kestrel Harbour42', []], // a space is a special character, as on the server
    ['Ärger über 9 Öfen', []], // Unicode letters count as upper/lower
    ['ÄRGER ÜBER 9 ÖFEN', ['lowercase']],
    ['Passwort١٢٣!', []], // Arabic-Indic digits are digits (\p{Nd})
    ['😀😀😀😀Aa1', ['min_length']], // 7 code points, 11 UTF-16 units: counted like the server
    ['😀😀😀😀😀Aa1', []], // the emoji is the special character
  ])('%j → unmet %j', (password, expected) => expect(unmet(password)).toEqual(expected));

  it('normalises compatibility forms (NFKC) like the server: fullwidth letters and digits count', () => {
    // "Ａｂ１!" in fullwidth forms becomes "Ab1!" under NFKC.
    expect(unmet('Ａｂ１!efgh')).toEqual([]);
  });

  it('lists the rules in a stable order with readable labels', () => {
    expect(passwordChecklist('x').map((r) => r.label)).toEqual([
      'At least 8 characters',
      'A lower-case letter',
      'An upper-case letter',
      'A digit',
      'A special character (not a letter or digit)',
    ]);
  });

  it('passwordRulesMet is true only when every rule is met', () => {
    expect(passwordRulesMet('Aa1!xyzw')).toBe(true);
    expect(passwordRulesMet('Aa1!xyz')).toBe(false);
  });
});
