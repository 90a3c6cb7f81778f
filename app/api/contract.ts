/**
 * The Console API contract (ARCHITECTURE.md): every operation's name, input and
 * output schema, who may call it and whether it is audited. Electron IPC, the web
 * host, the CLI and the renderer client are all derived from this one table
 * (CONVENTIONS.md §1). The renderer imports only the *types* from here.
 *
 * Nothing in this file may import Node modules: the renderer's typecheck reads it.
 */
import { z } from 'zod';
import { DIRECTORY_ROLES, ADMIN_ROLES, CONTENT_ROLES, ROLES, type Access } from './roles';
import {
  auditSafeDeletionInput,
  deletionFileInputSchema,
  deletionAmendInputSchema,
  deletionRequestIdInputSchema,
  deletionRecordFinalExportInputSchema,
  deletionApproveInputSchema,
  deletionCancelInputSchema,
  deletionHoldInputSchema,
  deletionReleaseInputSchema,
  deletionExecuteInputSchema,
  deletionListInputSchema,
  deletionCertificateInputSchema,
  deletionTombstoneInputSchema,
  deletionRequestViewSchema,
  deletionGetOutputSchema,
  deletionListOutputSchema,
  deletionHoldOutputSchema,
  deletionExecuteOutputSchema,
  deletionCertificateOutputSchema,
  deletionTombstoneOutputSchema,
} from '../deletion/deletion.contract';
import {
  auditSafeRestoreInput,
  restorePlanInputSchema,
  restorePlanOutputSchema,
  restoreTenantInputSchema,
  restoreOpenSandboxInputSchema,
  restoreSandboxInputSchema,
  restoreSandboxRecordsInputSchema,
  restorePreviewSelectionInputSchema,
  restoreRequestInputSchema,
  restoreRequestIdInputSchema,
  restoreRunInputSchema,
  restoreCancelInputSchema,
  restoreRollbackInputSchema,
  restoreListInputSchema,
  sandboxViewSchema,
  entityComparisonSchema,
  selectionPlanViewSchema,
  restoreRequestViewSchema,
} from '../restore/restore.contract';

export interface OperationDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string;
  input: I;
  output: O;
  access: Access;
  /**
   * Audited operations write one audit record per call. Every refused or failed
   * call of any operation is audited too; unaudited reads (directory paging, job
   * polling) would otherwise flood the log with noise.
   */
  audited: boolean;
  /**
   * The CLI may call it as `system:<os-user>@<host>` without a staff session
   * (what cron/systemd runs on a server). Everything else needs a signed-in staff member.
   */
  system?: boolean;
  /**
   * Allowed while the caller must still change a reset password (sign-out,
   * change password, current session). Everything else is refused until then.
   */
  beforePasswordChange?: boolean;
  /**
   * Shows a tenant's records (not counts): the dispatcher requires the caller's
   * live justification grant for the input's tenantId (issue 3).
   */
  requiresGrant?: boolean;
  /**
   * What of the input goes into the audit record, when some fields may carry
   * customer personal data (a requester's contact, free-text reasons).
   */
  auditInput?: (input: unknown) => unknown;
}

function op<I extends z.ZodType, O extends z.ZodType>(def: OperationDef<I, O>): OperationDef<I, O> {
  return def;
}

// ---- shared value schemas -------------------------------------------------

export const roleSchema = z.enum(ROLES);
export const tenantIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'not a tenant ID');

export const staffViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  failedAttempts: z.number().int(),
  createdAt: z.string(),
  lastSignInAt: z.string().nullable(),
});
export type StaffView = z.infer<typeof staffViewSchema>;

export const TENANT_PLANS = ['trial', 'commercial'] as const;
export const TENANT_STATUSES = ['active', 'suspended', 'offboarding', 'restoring', 'deleted'] as const;
export type TenantPlan = (typeof TENANT_PLANS)[number];
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export const tenantSummarySchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  plan: z.enum(TENANT_PLANS),
  status: z.enum(TENANT_STATUSES),
  region: z.string(),
  createdAt: z.string(),
  dpaVersion: z.string().nullable(),
  dpaAcceptedAt: z.string().nullable(),
  dbEngine: z.enum(['sqlite', 'postgres']),
  dbSizeBytes: z.number(),
  attachmentCount: z.number().int(),
  attachmentBytes: z.number(),
  lastSnapshotAt: z.string().nullable(),
});
export type TenantSummary = z.infer<typeof tenantSummarySchema>;

export const TENANT_SORT_COLUMNS = [
  'name',
  'slug',
  'plan',
  'status',
  'region',
  'createdAt',
  'dpaAcceptedAt',
  'dbSizeBytes',
  'attachmentCount',
  'attachmentBytes',
  'lastSnapshotAt',
] as const;
export type TenantSortColumn = (typeof TENANT_SORT_COLUMNS)[number];

export const tenantListInputSchema = z.object({
  query: z.string().max(200).optional(),
  plan: z.enum(TENANT_PLANS).optional(),
  status: z.enum(TENANT_STATUSES).optional(),
  region: z.string().max(64).optional(),
  sort: z.enum(TENANT_SORT_COLUMNS).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type TenantListInput = z.input<typeof tenantListInputSchema>;

export const entityCountSchema = z.object({ entity: z.string(), label: z.string(), count: z.number().int() });

export const tenantStatsSchema = z.object({
  tenantId: z.string(),
  schemaVersion: z.number().int(),
  counts: z.array(entityCountSchema),
  /** Activities (history) per kind of owner: persons, companies, opportunities, spaces. */
  historyBySubject: z.array(entityCountSchema),
  customFields: z.array(
    z.object({ entity: z.string(), key: z.string(), label: z.string(), type: z.string(), valueCount: z.number().int() }),
  ),
  dbSizeBytes: z.number(),
  missingObjects: z.number().int().nullable(),
});
export type TenantStats = z.infer<typeof tenantStatsSchema>;

export const tenantDetailSchema = tenantSummarySchema.extend({
  storage: z.object({
    database: z.string(),
    attachments: z.string(),
    backups: z.string(),
    exports: z.string(),
  }),
  freeExportUsedAt: z.string().nullable(),
  legalHold: z.string().nullable(),
});
export type TenantDetail = z.infer<typeof tenantDetailSchema>;

export const sessionInfoSchema = z.object({
  staff: staffViewSchema,
  expiresAt: z.string(),
});

export const grantSchema = z.object({
  id: z.string(),
  staffId: z.string(),
  staffEmail: z.string().nullable(),
  tenantId: z.string(),
  reason: z.string(),
  ticket: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  live: z.boolean(),
});
export type GrantView = z.infer<typeof grantSchema>;

export const auditRecordSchema = z.object({
  seq: z.number().int(),
  eventId: z.string(),
  ts: z.string(),
  actor: z.object({ staffId: z.string().nullable(), label: z.string(), roles: z.array(z.string()), sessionId: z.string().nullable(), transport: z.string() }),
  action: z.string(),
  tenantId: z.string().nullable(),
  justification: z.object({ reason: z.string(), ticket: z.string() }).nullable(),
  grantId: z.string().nullable(),
  approvalIds: z.array(z.string()),
  params: z.unknown(),
  outcome: z.object({ status: z.enum(['ok', 'refused', 'failed']), code: z.string().optional() }),
  appVersion: z.string(),
});
export type AuditRecordView = z.infer<typeof auditRecordSchema>;

export const auditFilterSchema = z.object({
  actor: z.string().max(254).optional(),
  tenantId: tenantIdSchema.optional(),
  action: z.string().max(100).optional(),
  outcome: z.enum(['ok', 'refused', 'failed']).optional(),
  from: z.string().datetime().optional(),
  to: z.string().datetime().optional(),
});

export const chainStatusSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  problem: z.string().nullable(),
  problemSeq: z.number().int().nullable(),
  /** Chain heads written to the object store and checked against the chain. */
  anchors: z.number().int(),
});

const newPassword = z.string().min(1).max(1024);
const staffIdSchema = z.string().min(1).max(80);
/** A customer ticket reference, e.g. SUP-1234 or #4711: letters, digits and - _ # / . only. */
export const ticketSchema = z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9#][A-Za-z0-9_#/.-]*$/, 'use a ticket reference like SUP-1234');

export const jobViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  tenantId: z.string().nullable(),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  phase: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  bytesDone: z.number(),
  bytesTotal: z.number().nullable(),
  actor: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  etaSeconds: z.number().nullable(),
  result: z.unknown(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() }).nullable(),
});
export type JobView = z.infer<typeof jobViewSchema>;
const jobIdSchema = z.string().regex(/^j-[0-9a-f-]{36}$/, 'not a job ID');

// ---- backups (issue 5) ----
export const complianceGapSchema = z.object({
  from: z.string(),
  to: z.string(),
  fromKind: z.enum(['snapshot', 'tenant-created']),
  toKind: z.enum(['snapshot', 'now']),
  fromSnapshotId: z.string().nullable(),
  toSnapshotId: z.string().nullable(),
  hours: z.number(),
  band: z.string(),
  allowedHours: z.number(),
  ok: z.boolean(),
});
export const complianceReportSchema = z.object({
  checkedAt: z.string(),
  compliant: z.boolean(),
  neverBackedUp: z.boolean(),
  newestAt: z.string().nullable(),
  newestAgeHours: z.number().nullable(),
  newestVerifiedAt: z.string().nullable(),
  violations: z.array(complianceGapSchema),
  gaps: z.array(complianceGapSchema).optional(),
  bands: z.array(z.object({ band: z.string(), largestGapHours: z.number().nullable(), allowedHours: z.number(), ok: z.boolean() })),
  flags: z.array(z.unknown()),
  counts: z.object({ total: z.number(), verified: z.number(), pending: z.number(), failed: z.number(), future: z.number() }),
});
export type ComplianceReportView = z.infer<typeof complianceReportSchema>;
export const snapshotRowSchema = z.object({
  snapshotId: z.string(),
  takenAt: z.string(),
  state: z.string(),
  compressedBytes: z.number().nullable(),
  rawBytes: z.number().nullable(),
  schemaVersion: z.number().nullable(),
  verification: z.enum(['pending', 'verified', 'failed']),
  lastVerifiedAt: z.string().nullable(),
  held: z.boolean(),
  /** The prune plan's decision and why (BACKUPS.md: say why each kept snapshot is kept). */
  plan: z.enum(['keep', 'prune']),
  planReasons: z.array(z.string()),
  band: z.string(),
});
export type SnapshotRowView = z.infer<typeof snapshotRowSchema>;
export const verificationSchema = z.object({
  id: z.string(),
  snapshotId: z.string(),
  checkedAt: z.string(),
  outcome: z.enum(['ok', 'failed']),
  code: z.string().nullable(),
  message: z.string(),
  hint: z.string().nullable(),
  requestedBy: z.string(),
});
export const fleetHealthSchema = z.object({
  checkedAt: z.string(),
  tenants: z.number(),
  compliant: z.number(),
  nonCompliant: z.number(),
  neverBackedUp: z.number(),
  stale: z.number(),
  quarantinedSnapshots: z.number(),
  verification: z.object({ withVerifiedSnapshot: z.number(), verifiedWithin7Days: z.number() }),
  rows: z.array(
    z.object({
      tenantId: z.string(),
      name: z.string(),
      slug: z.string(),
      compliant: z.boolean(),
      neverBackedUp: z.boolean(),
      newestAt: z.string().nullable(),
      newestAgeHours: z.number().nullable(),
      violations: z.number(),
      worstGapHours: z.number(),
      worstGapRatio: z.number(),
      snapshots: z.number(),
      verified: z.number(),
      failed: z.number(),
    }),
  ),
});
export type FleetHealthView = z.infer<typeof fleetHealthSchema>;
const snapshotIdSchema = z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/, 'not a snapshot ID');
const jobStarted = z.object({ jobId: z.string() });

// ---- exports (issue 4) ----
export const exportProfileSchema = z.enum(['advanced', 'basic']);
export const exportFormatSchema = z.enum(['csv', 'xlsx']);
export const exportLedgerRowSchema = z.object({
  id: z.string(),
  jobId: z.string().nullable(),
  profile: z.string(),
  formats: z.array(z.string()),
  billing: z.string(),
  billingReference: z.string().nullable(),
  actor: z.string(),
  destination: z.string(),
  location: z.string().nullable(),
  sha256sumsDigest: z.string().nullable(),
  state: z.string(),
  warnings: z.number(),
  bytes: z.number(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ExportLedgerRow = z.infer<typeof exportLedgerRowSchema>;
const exportBillingSchema = z.object({ status: z.enum(['free', 'billable']), reason: z.string().nullable(), reasonText: z.string().nullable() });

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

// ---- the table --------------------------------------------------------------

export const contract = {
  'setup.status': op({
    summary: 'Whether the console still needs its first admin account.',
    input: empty,
    output: z.object({ needsFirstAdmin: z.boolean(), dataLocation: z.string(), productVersion: z.string() }),
    access: 'public',
    audited: false,
  }),
  'setup.createFirstAdmin': op({
    summary: 'Create the first admin account on a fresh control plane, and sign in as it.',
    input: z.object({
      email: z.string().email().max(254),
      displayName: z.string().min(1).max(120),
      password: z.string().min(1).max(1024),
    }),
    output: sessionInfoSchema,
    access: 'public',
    audited: true,
  }),
  'session.signIn': op({
    summary: 'Sign in with e-mail and password.',
    input: z.object({ email: z.string().max(254), password: z.string().max(1024) }),
    output: sessionInfoSchema,
    access: 'public',
    audited: true,
  }),
  'session.signOut': op({
    summary: 'End this session.',
    input: empty,
    output: ok,
    access: 'signed-in',
    audited: true,
    beforePasswordChange: true,
  }),
  'session.current': op({
    summary: 'The signed-in staff member, or null.',
    input: empty,
    output: sessionInfoSchema.nullable(),
    access: 'public',
    audited: false,
    beforePasswordChange: true,
  }),
  'tenants.list': op({
    summary: 'The tenant directory: search, filter, sort, page.',
    input: tenantListInputSchema,
    output: z.object({
      total: z.number().int(),
      offset: z.number().int(),
      rows: z.array(tenantSummarySchema),
      regions: z.array(z.string()),
    }),
    access: DIRECTORY_ROLES,
    audited: false,
  }),
  'tenants.get': op({
    summary: "A tenant's catalogue record.",
    input: z.object({ tenantId: tenantIdSchema }),
    output: tenantDetailSchema,
    access: DIRECTORY_ROLES,
    audited: true,
  }),
  'tenants.stats': op({
    summary: "Counts of every entity in a tenant's database, and its custom fields (no records).",
    input: z.object({ tenantId: tenantIdSchema }),
    output: tenantStatsSchema,
    access: DIRECTORY_ROLES,
    audited: true,
  }),
  'session.changePassword': op({
    summary: 'Change your own password.',
    input: z.object({ currentPassword: z.string().max(1024), newPassword }),
    output: staffViewSchema,
    access: 'signed-in',
    audited: true,
    beforePasswordChange: true,
  }),
  'session.signOutEverywhere': op({
    summary: 'End all your sessions on every desktop.',
    input: empty,
    output: z.object({ ended: z.number().int() }),
    access: 'signed-in',
    audited: true,
    beforePasswordChange: true,
  }),

  'staff.list': op({
    summary: 'List staff accounts.',
    input: empty,
    output: z.array(staffViewSchema),
    access: ADMIN_ROLES,
    audited: false,
  }),
  'staff.create': op({
    summary: 'Create a staff account with a temporary password (changed at first sign-in).',
    input: z.object({
      email: z.string().email().max(254),
      displayName: z.string().trim().min(1).max(120),
      roles: z.array(roleSchema).min(1),
      temporaryPassword: newPassword,
    }),
    output: staffViewSchema,
    access: ADMIN_ROLES,
    audited: true,
  }),
  'staff.setStatus': op({
    summary: 'Enable or disable a staff account (disabling ends its sessions at once).',
    input: z.object({ staffId: staffIdSchema, status: z.enum(['active', 'disabled']) }),
    output: staffViewSchema,
    access: ADMIN_ROLES,
    audited: true,
  }),
  'staff.setRoles': op({
    summary: "Change a staff member's roles.",
    input: z.object({ staffId: staffIdSchema, roles: z.array(roleSchema).min(1) }),
    output: staffViewSchema,
    access: ADMIN_ROLES,
    audited: true,
  }),
  'staff.resetPassword': op({
    summary: 'Set a temporary password that must be changed at next sign-in.',
    input: z.object({ staffId: staffIdSchema, temporaryPassword: newPassword }),
    output: staffViewSchema,
    access: ADMIN_ROLES,
    audited: true,
  }),
  'staff.unlock': op({
    summary: 'Unlock an account locked after failed sign-ins.',
    input: z.object({ staffId: staffIdSchema }),
    output: staffViewSchema,
    access: ADMIN_ROLES,
    audited: true,
  }),

  'grants.open': op({
    summary: "Open time-boxed access to a tenant's records, with a justification.",
    input: z.object({
      tenantId: tenantIdSchema,
      reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(500),
      ticket: ticketSchema,
      minutes: z.number().int().min(5).max(240).optional(),
    }),
    output: grantSchema,
    access: CONTENT_ROLES,
    audited: true,
  }),
  'grants.list': op({
    summary: "Justified-access grants on a tenant (live and recent).",
    input: z.object({ tenantId: tenantIdSchema }),
    output: z.array(grantSchema),
    access: DIRECTORY_ROLES,
    audited: false,
  }),
  'grants.revoke': op({
    summary: 'End a justified-access grant now.',
    input: z.object({ tenantId: tenantIdSchema, grantId: z.string().max(80) }),
    output: ok,
    access: [...CONTENT_ROLES, ...ADMIN_ROLES],
    audited: true,
  }),
  'tenants.records': op({
    summary: "Browse one entity's records in a tenant's live database (needs a justification grant).",
    input: z.object({
      tenantId: tenantIdSchema,
      entity: z.enum(['colleagues', 'companies', 'persons', 'spaces', 'opportunities', 'tasks', 'activities', 'opportunity_lines', 'files', 'custom_field_definitions', 'custom_field_values']),
      afterId: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(200).default(50),
    }),
    output: z.object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())), nextAfterId: z.number().int().nullable() }),
    access: CONTENT_ROLES,
    audited: true,
    requiresGrant: true,
  }),

  'audit.list': op({
    summary: 'Read the audit log, newest first, filtered.',
    input: auditFilterSchema.extend({ beforeSeq: z.number().int().min(1).optional(), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({ records: z.array(auditRecordSchema) }),
    access: ADMIN_ROLES,
    audited: false,
  }),
  'audit.exportCsv': op({
    summary: 'Export the filtered audit log as CSV.',
    input: auditFilterSchema,
    output: z.object({ fileName: z.string(), csv: z.string(), rows: z.number().int(), truncated: z.boolean() }),
    access: ADMIN_ROLES,
    audited: true,
  }),
  'audit.verify': op({
    summary: 'Walk the audit hash chain and report the first broken record.',
    input: empty,
    output: chainStatusSchema,
    access: ADMIN_ROLES,
    audited: true,
    system: true,
  }),
  'jobs.list': op({
    summary: 'Recent jobs, for a tenant or all.',
    input: z.object({ tenantId: tenantIdSchema.optional(), kind: z.string().max(40).optional(), limit: z.number().int().min(1).max(200).default(50) }),
    output: z.array(jobViewSchema),
    access: DIRECTORY_ROLES,
    audited: false,
  }),
  'jobs.get': op({
    summary: 'One job with its progress or result.',
    input: z.object({ jobId: jobIdSchema }),
    output: jobViewSchema,
    access: DIRECTORY_ROLES,
    audited: false,
  }),
  'jobs.cancel': op({
    summary: 'Cancel a running job (its partial output is removed).',
    input: z.object({ jobId: jobIdSchema }),
    output: z.object({ cancelled: z.boolean() }),
    access: DIRECTORY_ROLES,
    audited: true,
  }),
  'backups.tenant': op({
    summary: "A tenant's snapshots with compliance, the prune plan's decisions and verification state.",
    input: z.object({ tenantId: tenantIdSchema }),
    output: z.object({
      snapshots: z.array(snapshotRowSchema),
      compliance: complianceReportSchema,
      prunable: z.number().int(),
      verifications: z.array(verificationSchema),
    }),
    access: DIRECTORY_ROLES,
    audited: false,
  }),
  'backups.fleetHealth': op({
    summary: 'Backup health of the whole fleet: compliant, non-compliant, never backed up, worst gaps, verification coverage.',
    input: empty,
    output: fleetHealthSchema,
    access: DIRECTORY_ROLES,
    audited: false,
  }),
  'backups.snapshotNow': op({
    summary: "Take a snapshot of a tenant's database now (and verify it).",
    input: z.object({ tenantId: tenantIdSchema }),
    output: jobStarted,
    access: ['support', 'technical', 'admin'],
    audited: true,
    system: true,
  }),
  'backups.verify': op({
    summary: 'Test-restore a snapshot in a sandbox: checksums, SQLite integrity, schema version, row counts.',
    input: z.object({ tenantId: tenantIdSchema, snapshotId: snapshotIdSchema }),
    output: jobStarted,
    access: ['technical', 'admin'],
    audited: true,
    system: true,
  }),
  'backups.prunePreview': op({
    summary: 'What the retention plan would prune now, with a token for the apply step.',
    input: z.object({ tenantId: tenantIdSchema }),
    output: z.object({ prune: z.array(z.string()), keep: z.number().int(), token: z.string(), promiseKept: z.boolean() }),
    access: ['technical', 'admin'],
    audited: true,
  }),
  'backups.pruneApply': op({
    summary: 'Delete the snapshots the previewed plan prunes (refused if anything changed since the preview).',
    input: z.object({ tenantId: tenantIdSchema, token: z.string().regex(/^[0-9a-f]{64}$/) }),
    output: jobStarted,
    access: ['technical', 'admin'],
    audited: true,
    system: true,
  }),
  'exports.preview': op({
    summary: 'Before an export: free or billable, size estimate, default destination.',
    input: z.object({ tenantId: tenantIdSchema, profile: exportProfileSchema }),
    output: z.object({ billing: exportBillingSchema, estimateBytes: z.number(), defaultFolder: z.string(), objectStore: z.string() }),
    access: ['support', 'technical', 'account_manager'],
    audited: false,
  }),
  'exports.start': op({
    summary: "Run a tenant's export (every list, ID-linked, CSV + XLSX, attachments in .tar.gz volumes).",
    input: z.object({
      tenantId: tenantIdSchema,
      profile: exportProfileSchema,
      formats: z.array(exportFormatSchema).min(1).max(2),
      destination: z.discriminatedUnion('kind', [z.object({ kind: z.literal('folder'), path: z.string().min(1).max(4096) }), z.object({ kind: z.literal('objectStore') })]),
      neutraliseFormulas: z.boolean().default(true),
      billingReference: z.string().trim().max(120).optional(),
    }),
    output: z.object({ jobId: z.string(), billing: z.object({ status: z.enum(['free', 'billable']) }) }),
    access: ['support', 'technical', 'account_manager'],
    audited: true,
    system: true,
  }),
  'exports.ledger': op({
    summary: "A tenant's export ledger: who, when, profile, free or billable, package checksum.",
    input: z.object({ tenantId: tenantIdSchema }),
    output: z.array(exportLedgerRowSchema),
    access: DIRECTORY_ROLES,
    audited: false,
  }),

  // ---- deletion requests (issue 7) ----
  'deletion.list': op({ summary: 'The deletion request queue.', input: deletionListInputSchema, output: deletionListOutputSchema, access: ['account_manager', 'admin'], audited: false }),
  'deletion.get': op({ summary: 'A deletion request with its timeline.', input: deletionRequestIdInputSchema, output: deletionGetOutputSchema, access: ['account_manager', 'admin'], audited: false }),
  'deletion.file': op({ summary: "File a leaving customer's deletion request.", input: deletionFileInputSchema, output: deletionRequestViewSchema, access: ['account_manager'], audited: true, auditInput: auditSafeDeletionInput }),
  'deletion.amend': op({ summary: 'Correct a deletion request (an approved one goes back to filed).', input: deletionAmendInputSchema, output: deletionRequestViewSchema, access: ['account_manager'], audited: true, auditInput: auditSafeDeletionInput }),
  'deletion.recordFinalExport': op({ summary: "Record the customer's final export (required before scheduling when asked for).", input: deletionRecordFinalExportInputSchema, output: deletionRequestViewSchema, access: ['account_manager', 'admin'], audited: true, auditInput: auditSafeDeletionInput }),
  'deletion.approve': op({ summary: 'Approve a deletion request (an admin who did not file it).', input: deletionApproveInputSchema, output: deletionRequestViewSchema, access: ['admin'], audited: true }),
  'deletion.schedule': op({ summary: 'Schedule an approved deletion after the grace period.', input: deletionRequestIdInputSchema, output: deletionRequestViewSchema, access: ['account_manager', 'admin'], audited: true }),
  'deletion.cancel': op({ summary: 'Cancel a deletion request before it executes.', input: deletionCancelInputSchema, output: deletionRequestViewSchema, access: ['account_manager', 'admin'], audited: true, auditInput: auditSafeDeletionInput }),
  'deletion.hold': op({ summary: 'Put a legal hold on a tenant (blocks approval and execution).', input: deletionHoldInputSchema, output: deletionHoldOutputSchema, access: ['account_manager', 'admin'], audited: true, auditInput: auditSafeDeletionInput }),
  'deletion.release': op({ summary: "Lift a tenant's legal hold.", input: deletionReleaseInputSchema, output: deletionHoldOutputSchema, access: ['admin'], audited: true }),
  'deletion.execute': op({ summary: "Permanently delete all of a tenant's data (type the tenant slug to confirm).", input: deletionExecuteInputSchema, output: deletionExecuteOutputSchema, access: ['account_manager', 'admin'], audited: true, system: true }),
  'deletion.certificate': op({ summary: 'The certificate of deletion (PDF and JSON).', input: deletionCertificateInputSchema, output: deletionCertificateOutputSchema, access: ['account_manager', 'admin'], audited: true }),
  'deletion.tombstone': op({ summary: "A deleted tenant's tombstone.", input: deletionTombstoneInputSchema, output: deletionTombstoneOutputSchema, access: DIRECTORY_ROLES, audited: false }),

  // ---- restore (issue 6) ----
  'restore.plan': op({ summary: "Find the snapshot that holds a tenant's data as of a day.", input: restorePlanInputSchema, output: restorePlanOutputSchema, access: ['support', 'technical', 'admin'], audited: false }),
  'restore.sandboxes': op({ summary: "A tenant's open restore sandboxes.", input: restoreTenantInputSchema, output: z.array(sandboxViewSchema), access: ['technical', 'admin'], audited: false }),
  'restore.openSandbox': op({ summary: 'Restore a snapshot into a read-only sandbox (download, verify, open).', input: restoreOpenSandboxInputSchema, output: z.object({ jobId: z.string(), sandboxId: z.string() }), access: CONTENT_ROLES, audited: true, requiresGrant: true }),
  'restore.closeSandbox': op({ summary: 'Close a sandbox and delete its copy of the tenant database.', input: restoreSandboxInputSchema, output: ok, access: ['technical', 'admin'], audited: true }),
  'restore.compare': op({ summary: 'Compare a sandbox with the live database, per entity.', input: restoreSandboxInputSchema, output: z.array(entityComparisonSchema), access: CONTENT_ROLES, audited: true, requiresGrant: true }),
  'restore.sandboxRecords': op({
    summary: "Browse a sandbox's records (all, or only those deleted since, created since, or changed).",
    input: restoreSandboxRecordsInputSchema,
    output: z.object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())), changedColumns: z.record(z.string(), z.array(z.string())), nextAfterId: z.number().int().nullable() }),
    access: CONTENT_ROLES,
    audited: true,
    requiresGrant: true,
  }),
  'restore.previewSelection': op({ summary: 'What a selective restore would insert: the selection closed over references, conflicts and refusals.', input: restorePreviewSelectionInputSchema, output: selectionPlanViewSchema, access: CONTENT_ROLES, audited: true, requiresGrant: true }),
  'restore.request': op({ summary: 'Request a live or selective restore (needs a second staff member\'s approval).', input: restoreRequestInputSchema, output: restoreRequestViewSchema, access: ['support', 'technical'], audited: true, auditInput: auditSafeRestoreInput }),
  'restore.approve': op({ summary: 'Approve a restore request (technical or admin, not the requester).', input: restoreRequestIdInputSchema, output: restoreRequestViewSchema, access: ['technical', 'admin'], audited: true }),
  'restore.cancel': op({ summary: 'Cancel a restore request before it runs.', input: restoreCancelInputSchema, output: restoreRequestViewSchema, access: ['support', 'technical', 'admin'], audited: true, auditInput: auditSafeRestoreInput }),
  'restore.run': op({ summary: 'Run an approved restore (safety snapshot, atomic swap, verification); a failed one resumes.', input: restoreRunInputSchema, output: jobStarted, access: CONTENT_ROLES, audited: true, requiresGrant: true }),
  'restore.rollback': op({ summary: 'Roll a completed restore back to its safety snapshot (within the rollback period).', input: restoreRollbackInputSchema, output: z.object({ jobId: z.string(), requestId: z.string() }), access: CONTENT_ROLES, audited: true, requiresGrant: true, auditInput: auditSafeRestoreInput }),
  'restore.list': op({ summary: 'Restore requests, for a tenant or all.', input: restoreListInputSchema, output: z.array(restoreRequestViewSchema), access: ['support', 'technical', 'admin'], audited: false }),
  'restore.get': op({ summary: 'One restore request with its steps and result.', input: restoreRequestIdInputSchema, output: restoreRequestViewSchema, access: ['support', 'technical', 'admin'], audited: false }),
} satisfies Record<string, OperationDef>;

export type Contract = typeof contract;
export type OpName = keyof Contract;
export type OpInput<N extends OpName> = z.input<Contract[N]['input']>;
export type OpOutput<N extends OpName> = z.output<Contract[N]['output']>;

export const OP_NAMES = Object.keys(contract) as OpName[];

// ---- events pushed to the renderer -------------------------------------------

export interface JobProgressEvent {
  type: 'job';
  jobId: string;
  kind: string;
  tenantId: string | null;
  state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  phase: string;
  done: number;
  total: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  etaSeconds: number | null;
  /** What is being worked on now (a list name, a snapshot ID); never customer data. */
  item?: string;
  message?: string;
}
export interface SessionEndedEvent {
  type: 'session-ended';
  reason: 'signed-out' | 'expired' | 'disabled';
}
export type ConsoleEvent = JobProgressEvent | SessionEndedEvent;
