/**
 * Contract entries for restore (issue 6): zod schemas merged into app/api/contract.ts.
 * No Node imports (the renderer's typecheck reads the contract).
 */
import { z } from 'zod';
import { ENTITY_ORDER } from '../schema/crm.schema';

const tenantId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'not a tenant ID');
const requestId = z.string().min(1).max(80).regex(/^r-[A-Za-z0-9-]+$/, 'not a restore request ID');
const sandboxId = z.string().min(1).max(80).regex(/^sb-[A-Za-z0-9-]+$/, 'not a sandbox ID');
const snapshotId = z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/, 'not a snapshot ID');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const ticket = z.string().trim().min(1, 'the customer ticket reference is required').max(200);
const reason = z.string().trim().min(1, 'a reason is required').max(2000);
export const restoreEntitySchema = z.enum(ENTITY_ORDER as unknown as [string, ...string[]]);

export const RESTORE_KINDS = ['live', 'records', 'rollback'] as const;
export type RestoreKind = (typeof RESTORE_KINDS)[number];
/**
 * requested → approved → running → completed | failed (a failed one may run again: it resumes)
 * requested | approved → cancelled;  completed → rolled_back (by a rollback request)
 */
export const RESTORE_STATUSES = ['requested', 'approved', 'running', 'completed', 'failed', 'cancelled', 'rolled_back'] as const;
export type RestoreStatus = (typeof RESTORE_STATUSES)[number];

const candidate = z.object({ snapshotId: z.string(), takenAt: z.string(), verification: z.enum(['pending', 'verified']), daysFromDay: z.number().int() });
const unusable = z.object({ snapshotId: z.string(), takenAt: z.string(), reason: z.string() });
const band = z.enum(['daily', 'weekly', 'monthly', 'quarterly']);

export const restorePlanOutputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exact'), day: z.string(), snapshot: candidate, sameDay: z.array(candidate), band, explanation: z.string(), unusable: z.array(unusable) }),
  z.object({ kind: z.literal('nearest'), day: z.string(), before: candidate.nullable(), after: candidate.nullable(), band, explanation: z.string(), unusable: z.array(unusable) }),
]);

export const sandboxViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  snapshotId: z.string(),
  snapshotTakenAt: z.string(),
  status: z.enum(['opening', 'ready', 'failed', 'removed']),
  bytes: z.number().nullable(),
  createdBy: z.string(),
  ticket: z.string(),
  jobId: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  error: z.string().nullable(),
});
export type SandboxView = z.infer<typeof sandboxViewSchema>;

export const entityComparisonSchema = z.object({
  entity: z.string(),
  label: z.string(),
  snapshot: z.number().int(),
  live: z.number().int(),
  onlySnapshot: z.number().int(),
  onlyLive: z.number().int(),
  changed: z.number().int(),
});

export const diffFilterSchema = z.enum(['all', 'onlySnapshot', 'onlyLive', 'changed']);

export const recordRefSchema = z.object({ entity: restoreEntitySchema, id: z.number().int().min(1) });

export const selectionPlanViewSchema = z.object({
  insert: z.record(z.string(), z.number().int()),
  insertIds: z.record(z.string(), z.array(z.number().int())),
  addedParents: z.array(recordRefSchema),
  addedChildren: z.array(recordRefSchema),
  conflicts: z.array(z.object({ entity: z.string(), id: z.number().int(), reason: z.string() })),
  refusals: z.array(z.object({ entity: z.string(), id: z.number().int(), reason: z.string() })),
  totalRows: z.number().int(),
  fingerprint: z.string(),
});
export type SelectionPlanView = z.infer<typeof selectionPlanViewSchema>;

export const restoreRequestViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  kind: z.enum(RESTORE_KINDS),
  status: z.enum(RESTORE_STATUSES),
  snapshotId: z.string(),
  snapshotTakenAt: z.string(),
  day: z.string().nullable(),
  ticket: z.string(),
  reason: z.string(),
  sandboxId: z.string().nullable(),
  plan: selectionPlanViewSchema.nullable(),
  rollbackOf: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  jobId: z.string().nullable(),
  startedBy: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  safetySnapshotId: z.string().nullable(),
  rollbackUntil: z.string().nullable(),
  rolledBackBy: z.string().nullable(),
  canRollBack: z.boolean(),
  steps: z.array(z.object({ id: z.string(), label: z.string(), doneAt: z.string().nullable() })),
  result: z
    .object({
      rowCounts: z.record(z.string(), z.number()),
      inserted: z.record(z.string(), z.number()).nullable(),
      missingFiles: z.array(z.object({ fileId: z.number().int(), objectKey: z.string() })),
      missingFileCount: z.number().int(),
      runs: z.number().int(),
    })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
});
export type RestoreRequestView = z.infer<typeof restoreRequestViewSchema>;

// ---- inputs ----------------------------------------------------------------------------

export const restorePlanInputSchema = z.strictObject({ tenantId, day });
export const restoreTenantInputSchema = z.strictObject({ tenantId });
export const restoreOpenSandboxInputSchema = z.strictObject({ tenantId, snapshotId });
export const restoreSandboxInputSchema = z.strictObject({ tenantId, sandboxId });
export const restoreSandboxRecordsInputSchema = z.strictObject({
  tenantId,
  sandboxId,
  entity: restoreEntitySchema,
  filter: diffFilterSchema.default('all'),
  afterId: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(200).default(50),
});
export const restorePreviewSelectionInputSchema = z.strictObject({ tenantId, sandboxId, selection: z.array(recordRefSchema).min(1).max(10_000) });
export const restoreRequestInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('live'), tenantId, snapshotId, day: day.optional(), ticket, reason }),
  z.strictObject({ kind: z.literal('records'), tenantId, sandboxId, selection: z.array(recordRefSchema).min(1).max(10_000), ticket, reason }),
]);
export const restoreRequestIdInputSchema = z.strictObject({ requestId });
export const restoreRunInputSchema = z.strictObject({ tenantId, requestId });
export const restoreCancelInputSchema = z.strictObject({ requestId, reason });
export const restoreRollbackInputSchema = z.strictObject({ tenantId, requestId, reason });
export const restoreListInputSchema = z.strictObject({ tenantId: tenantId.optional(), limit: z.number().int().min(1).max(200).default(50) });

/** Free text (ticket, reason) stays in the request row, not in every audit record's input copy. */
export function auditSafeRestoreInput(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const { reason: _r, selection, ...rest } = input as Record<string, unknown>;
  return { ...rest, ...(Array.isArray(selection) ? { selection: selection.slice(0, 100), selectionSize: selection.length } : {}) };
}
