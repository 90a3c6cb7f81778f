/**
 * Errors that carry the fix (CONVENTIONS.md §6, §14).
 *
 * Error identity is the string `code`, because `instanceof` does not survive a
 * process boundary (IPC, HTTP, utilityProcess). Every message is written for a
 * support person; `hint` says what to do next.
 */
export type ErrorCode =
  // transport / dispatcher
  | 'UNKNOWN_OPERATION'
  | 'INVALID_INPUT'
  | 'NOT_SIGNED_IN'
  | 'SESSION_EXPIRED'
  | 'FORBIDDEN'
  | 'INTERNAL'
  // identity
  | 'SIGN_IN_FAILED'
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_DISABLED'
  | 'PASSWORD_RULES'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'SETUP_ALREADY_DONE'
  | 'SETUP_REQUIRED'
  | 'STAFF_EXISTS'
  | 'STAFF_NOT_FOUND'
  | 'GRANT_REQUIRED'
  // tenants
  | 'TENANT_NOT_FOUND'
  | 'TENANT_SCHEMA_UNEXPECTED'
  | 'TENANT_DATABASE_MISSING'
  | 'TENANT_BUSY'
  | 'TENANT_DELETED'
  // object store
  | 'OBJECT_NOT_FOUND'
  | 'OBJECT_KEY_INVALID'
  | 'BUCKET_OUTSIDE_EEA'
  | 'INSECURE_TRANSPORT'
  | 'OBJECT_STORE_UNREACHABLE'
  // control plane / config
  | 'CONFIG_INVALID'
  | 'DATA_DIR_UNUSABLE'
  // jobs
  | 'JOB_CANCELLED'
  | 'JOB_NOT_FOUND'
  // exports
  | 'EXPORT_DESTINATION_INVALID'
  | 'EXPORT_BILLING_REFERENCE_REQUIRED'
  | 'EXPORT_VERIFY_FAILED'
  // backups / restore
  | 'SNAPSHOT_NOT_FOUND'
  | 'SNAPSHOT_CHECKSUM_MISMATCH'
  | 'SNAPSHOT_CORRUPT'
  | 'SNAPSHOT_INCOMPLETE'
  | 'SNAPSHOT_SCHEMA_UNSUPPORTED'
  | 'RESTORE_REFUSED'
  | 'APPROVAL_INVALID'
  // deletion
  | 'DELETION_TRANSITION_REFUSED'
  | 'DELETION_VERIFY_FAILED'
  | 'LEGAL_HOLD';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  hint?: string;
  /** Machine-readable details safe to show staff (never customer personal data). */
  details?: Record<string, unknown>;
}

export class CustosError extends Error implements ErrorInfo {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, hint?: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CustosError';
    this.code = code;
    if (hint !== undefined) this.hint = hint;
    if (details !== undefined) this.details = details;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.hint !== undefined) info.hint = this.hint;
    if (this.details !== undefined) info.details = this.details;
    return info;
  }
}

export function isCustosError(e: unknown): e is CustosError {
  return e instanceof CustosError;
}

/** Turns anything thrown into the wire shape; unknown errors never leak internals. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof CustosError) return e.toInfo();
  if (e && typeof e === 'object' && 'name' in e && (e as Error).name === 'AbortError') {
    return { code: 'JOB_CANCELLED', message: 'The operation was cancelled.' };
  }
  return {
    code: 'INTERNAL',
    message: 'Something went wrong inside the console.',
    hint: 'Try again; if it keeps happening, send the console log to the engineering team.',
  };
}

/** One envelope across every wire (CONVENTIONS.md §14). */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
