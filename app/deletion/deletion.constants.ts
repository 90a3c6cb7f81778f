/**
 * The deletion feature's words as plain data, free of Node imports so that the
 * API contract (which the renderer's typecheck reads) can use them.
 */
export const DELETION_STATUSES = ['filed', 'approved', 'scheduled', 'executing', 'completed', 'cancelled'] as const;
export type DeletionStatus = (typeof DELETION_STATUSES)[number];
/** What screens show: the stored status, or `on_hold` while the tenant's legal hold blocks an open request. */
export const DELETION_VIEW_STATUSES = [...DELETION_STATUSES, 'on_hold'] as const;
export type DeletionViewStatus = (typeof DELETION_VIEW_STATUSES)[number];
export const OPEN_DELETION_STATUSES: readonly DeletionStatus[] = ['filed', 'approved', 'scheduled', 'executing'];

export const DELETION_ACTIONS = ['file', 'amend', 'recordFinalExport', 'approve', 'schedule', 'cancel', 'hold', 'release', 'execute', 'complete'] as const;
export type DeletionActionType = (typeof DELETION_ACTIONS)[number];

/** Who may do what. `system` is the CLI's `system:<os-user>@<host>`, allowed only to execute an approved request. */
export const DELETION_ROLES: Readonly<Record<DeletionActionType, readonly string[]>> = {
  file: ['account_manager'],
  amend: ['account_manager'],
  recordFinalExport: ['account_manager', 'admin'],
  approve: ['admin'],
  schedule: ['account_manager', 'admin'],
  cancel: ['account_manager', 'admin'],
  hold: ['account_manager', 'admin'],
  // Lifting a protection is stricter than placing it.
  release: ['admin'],
  execute: ['account_manager', 'admin', 'system'],
  complete: ['account_manager', 'admin', 'system'],
};

