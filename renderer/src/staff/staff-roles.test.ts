import { describe, expect, it } from 'vitest';
import { canBrowseRecords, isAdmin, isLocked, normaliseRoles, roleLabel, sameRoles } from './staff-roles';
import { generateTemporaryPassword } from './temporary-password';
import { passwordRulesMet } from '../ui/password-rules';

describe('roles', () => {
  it.each<[string[], boolean, boolean]>([
    [['admin'], true, false],
    [['support'], false, false],
    [['technical'], false, true],
    [['support', 'technical', 'admin'], true, true],
    [['account_manager'], false, false],
    [[], false, false],
  ])('%j → admin %s, browse %s', (roles, admin, browse) => {
    expect(isAdmin(roles)).toBe(admin);
    expect(canBrowseRecords(roles)).toBe(browse);
  });

  it('orders, dedupes and drops unknown roles', () => {
    expect(normaliseRoles(['admin', 'support', 'admin', 'root'])).toEqual(['support', 'admin']);
  });

  it('compares role sets regardless of order', () => {
    expect(sameRoles(['admin', 'support'], ['support', 'admin'])).toBe(true);
    expect(sameRoles(['admin'], ['admin', 'support'])).toBe(false);
  });

  it('labels known roles and passes unknown ones through', () => {
    expect(roleLabel('account_manager')).toBe('Account manager');
    expect(roleLabel('system')).toBe('system');
  });
});

describe('isLocked', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it.each<[string | null, boolean]>([
    [null, false],
    ['2025-03-01T12:15:00Z', true],
    ['2025-03-01T12:00:00.001Z', true],
    ['2025-03-01T12:00:00Z', false], // exactly at the end: unlocked
    ['2025-03-01T11:59:00Z', false],
    ['not a date', false],
  ])('%s → %s', (until, locked) => expect(isLocked(until, now)).toBe(locked));
});

describe('generateTemporaryPassword', () => {
  it('always meets the composition rule', () => {
    for (let i = 0; i < 500; i++) expect(passwordRulesMet(generateTemporaryPassword())).toBe(true);
  });

  it('has the asked length, at least 8', () => {
    expect([...generateTemporaryPassword(20)]).toHaveLength(20);
    expect([...generateTemporaryPassword(4)]).toHaveLength(8);
  });

  it('meets the rule even with the least random source', () => {
    expect(passwordRulesMet(generateTemporaryPassword(16, () => 0))).toBe(true);
  });

  it('avoids look-alike characters', () => {
    for (let i = 0; i < 200; i++) expect(generateTemporaryPassword()).not.toMatch(/[0O1lI]/);
  });
});
