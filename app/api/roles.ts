/** Staff roles (issue 3). A staff member can hold several. */
export const ROLES = ['support', 'technical', 'account_manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may call an operation.
 * - 'public': no session (sign-in, first-run setup).
 * - 'signed-in': any staff member with a live session (sign-out, own profile).
 * - a list of roles: the caller must hold at least one of them.
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

export const DIRECTORY_ROLES: readonly Role[] = ['support', 'technical', 'account_manager', 'admin'];
export const CONTENT_ROLES: readonly Role[] = ['technical'];
export const ADMIN_ROLES: readonly Role[] = ['admin'];

export function isAllowed(access: Access, roles: readonly Role[] | null): boolean {
  if (access === 'public') return true;
  if (roles === null) return false;
  if (access === 'signed-in') return true;
  return access.some((r) => roles.includes(r));
}
