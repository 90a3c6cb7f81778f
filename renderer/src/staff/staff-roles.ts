/**
 * Staff roles as the console shows them (issue 3). The server enforces the role
 * matrix for every operation; these helpers only decide what to *offer*, never what
 * is allowed. Pure.
 *
 * The renderer may import only types from app/api, so the role list is a Record over
 * the contract's Role type: a new role fails this file's typecheck until added here.
 */
import type { Role } from '../../../app/api/roles';

export type { Role };

export const ROLE_INFO: Record<Role, { label: string; help: string }> = {
  support: { label: 'Support', help: 'Tenant directory and counts, exports, backup status, restore requests.' },
  technical: { label: 'Technical', help: "Plus tenant records (with a justification), live restores, backup verification." },
  account_manager: { label: 'Account manager', help: 'Tenant directory, deletion requests, exports for offboarding tenants.' },
  admin: { label: 'Admin', help: 'Staff accounts, second-person approvals, the audit log.' },
};

export const ROLE_ORDER = Object.keys(ROLE_INFO) as Role[];

export function roleLabel(role: string): string {
  return (ROLE_INFO as Record<string, { label: string } | undefined>)[role]?.label ?? role;
}

export function isAdmin(roles: readonly string[]): boolean {
  return roles.includes('admin');
}

/** Mirrors the contract's CONTENT_ROLES: only technical staff may browse a tenant's records. */
export function canBrowseRecords(roles: readonly string[]): boolean {
  return roles.includes('technical');
}

/** Roles in the console's fixed order, without duplicates or unknown names. */
export function normaliseRoles(roles: Iterable<string>): Role[] {
  const set = new Set(roles);
  return ROLE_ORDER.filter((r) => set.has(r));
}

export function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  const x = normaliseRoles(a);
  const y = normaliseRoles(b);
  return x.length === y.length && x.every((r, i) => r === y[i]);
}

/** A lock counts only while it lasts: an expired `lockedUntil` is history, not a lock. */
export function isLocked(lockedUntil: string | null, now: number): boolean {
  if (!lockedUntil) return false;
  const t = Date.parse(lockedUntil);
  return Number.isFinite(t) && t > now;
}
