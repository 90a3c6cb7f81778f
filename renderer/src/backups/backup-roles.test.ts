import { describe, expect, it } from 'vitest';
import { canPrune, canSnapshot, canVerify } from './backup-roles';

// Mirrors the contract's access lists: snapshotNow for support/technical/admin, verify and prune for technical/admin.
describe('which backup actions to offer', () => {
  it.each([
    [['support'], true, false, false],
    [['technical'], true, true, true],
    [['account_manager'], false, false, false],
    [['admin'], true, true, true],
    [['account_manager', 'support'], true, false, false],
    [[], false, false, false],
  ])('%j: snapshot %s, verify %s, prune %s', (roles, snap, verify, prune) => {
    expect(canSnapshot(roles)).toBe(snap);
    expect(canVerify(roles)).toBe(verify);
    expect(canPrune(roles)).toBe(prune);
  });
});
