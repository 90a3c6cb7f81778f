/**
 * Which backup actions to *offer* (the server's role matrix decides what is allowed,
 * and its refusal is shown as it comes). Mirrors the contract's access lists for
 * backups.snapshotNow (support, technical, admin) and backups.verify / prunePreview /
 * pruneApply (technical, admin); the renderer may import only types from app/.
 */
import { useEffect, useState } from 'react';
import type { Role } from '../../../app/api/roles';
import { call } from '../api/client';
import { useSession } from '../staff/session-context';

const SNAPSHOT_ROLES: readonly Role[] = ['support', 'technical', 'admin'];
const VERIFY_ROLES: readonly Role[] = ['technical', 'admin'];
const PRUNE_ROLES: readonly Role[] = ['technical', 'admin'];

const holds = (roles: readonly string[], allowed: readonly Role[]) => allowed.some((r) => roles.includes(r));

export function canSnapshot(roles: readonly string[]): boolean {
  return holds(roles, SNAPSHOT_ROLES);
}
export function canVerify(roles: readonly string[]): boolean {
  return holds(roles, VERIFY_ROLES);
}
export function canPrune(roles: readonly string[]): boolean {
  return holds(roles, PRUNE_ROLES);
}

/**
 * The signed-in staff member's roles: from the shell's session context when it provides
 * one, else asked once from the server. null while unknown (offer nothing yet).
 */
export function useStaffRoles(): readonly string[] | null {
  const session = useSession();
  const [asked, setAsked] = useState<readonly string[] | null>(null);
  const fromContext = session?.staff.roles ?? null;
  useEffect(() => {
    if (fromContext) return;
    let live = true;
    call('session.current', {}).then(
      (s) => live && setAsked(s?.staff.roles ?? []),
      () => live && setAsked([]),
    );
    return () => {
      live = false;
    };
  }, [fromContext]);
  return fromContext ?? asked;
}
