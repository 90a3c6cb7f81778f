/**
 * Proposed contract entries for the deletion operations: zod input/output schemas
 * to merge into app/api/contract.ts. No Node imports (the renderer's typecheck reads
 * the contract). Shapes match deletion.service.ts; deletion.contract.test.ts parses
 * real service output with them.
 */
import { z } from 'zod';
import { DELETION_ACTIONS, DELETION_STATUSES, DELETION_VIEW_STATUSES } from './deletion.constants';
import { DELETION_LOCATIONS, DELETION_STEPS } from './deletion.journal';

const tenantId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'not a tenant ID');
const requestId = z.string().min(1).max(80).regex(/^[A-Za-z0-9_-]+$/, 'not a request ID');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');

// ---- inputs --------------------------------------------------------------------------

export const deletionFileInputSchema = z.strictObject({
  tenantId,
  requestReference: z.string().trim().min(1).max(200),
  receivedOn: day,
  requesterContact: z.string().trim().min(1).max(320),
  reason: z.string().trim().min(1).max(2000),
  wantsFinalExport: z.boolean(),
});

export const deletionAmendInputSchema = z.strictObject({
  requestId,
  changes: z
    .strictObject({
      requestReference: z.string().trim().min(1).max(200).optional(),
      receivedOn: day.optional(),
      requesterContact: z.string().trim().min(1).max(320).optional(),
      reason: z.string().trim().min(1).max(2000).optional(),
      wantsFinalExport: z.boolean().optional(),
    })
    .refine((c) => Object.values(c).some((v) => v !== undefined), 'change at least one value'),
});

export const deletionRequestIdInputSchema = z.strictObject({ requestId });
export const deletionRecordFinalExportInputSchema = z.strictObject({ requestId, jobId: z.string().min(1).max(100), location: z.string().min(1).max(1024) });
/** `parametersHash` is the one the request page showed: approval is bound to what the approver saw. */
export const deletionApproveInputSchema = z.strictObject({ requestId, parametersHash: sha256, schedule: z.boolean().optional() });
export const deletionCancelInputSchema = z.strictObject({ requestId, reason: z.string().trim().min(3).max(2000) });
export const deletionHoldInputSchema = z.strictObject({ tenantId, reason: z.string().trim().min(3).max(2000) });
export const deletionReleaseInputSchema = z.strictObject({ tenantId });
export const deletionExecuteInputSchema = z.strictObject({ requestId, confirmSlug: z.string().max(200) });
export const deletionListInputSchema = z.strictObject({
  status: z.enum(DELETION_VIEW_STATUSES).optional(),
  tenantId: tenantId.optional(),
  overdue: z.boolean().optional(),
  sort: z.enum(['dueOn', 'filedAt']).default('dueOn'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
/** A certificate by certificate ID, request ID, or tenant ID (through the tombstone). */
export const deletionCertificateInputSchema = z.strictObject({ id: z.string().min(1).max(80).regex(/^[A-Za-z0-9_-]+$/) });
export const deletionTombstoneInputSchema = z.strictObject({ tenantId });

// ---- outputs -------------------------------------------------------------------------

const totals = z.object({ objects: z.number().int(), bytes: z.number() });
const verification = z.object({
  at: z.string(),
  ok: z.boolean(),
  checks: z.array(z.object({ location: z.string(), target: z.string(), remaining: z.number().int() })),
  leftovers: z.array(z.object({ location: z.string(), key: z.string() })),
  leftoverCount: z.number().int(),
});

export const deletionRequestViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  tenantSlug: z.string().nullable(),
  status: z.enum(DELETION_STATUSES),
  viewStatus: z.enum(DELETION_VIEW_STATUSES),
  legalHold: z.string().nullable(),
  requestReference: z.string(),
  receivedOn: z.string(),
  requesterContact: z.string().nullable(),
  reason: z.string(),
  wantsFinalExport: z.boolean(),
  finalExport: z.object({ jobId: z.string(), location: z.string(), recordedAt: z.string(), recordedBy: z.string() }).nullable(),
  filedBy: z.string(),
  filedAt: z.string(),
  approval: z.object({ by: z.string(), at: z.string(), expiresAt: z.string().nullable(), state: z.enum(['none', 'valid', 'expired', 'mismatch', 'consumed']) }).nullable(),
  parametersHash: sha256,
  scheduledFor: z.string().nullable(),
  countdown: z.object({ scheduledFor: z.string(), remainingMs: z.number(), executable: z.boolean() }).nullable(),
  due: z.object({ dueOn: z.string(), expectedCompletion: z.string(), daysAfterReceipt: z.number().int(), late: z.boolean(), overdue: z.boolean() }),
  cancellation: z.object({ by: z.string(), at: z.string(), reason: z.string() }).nullable(),
  executingStartedAt: z.string().nullable(),
  executedBy: z.string().nullable(),
  completedAt: z.string().nullable(),
  certificateId: z.string().nullable(),
  journal: z
    .object({
      runs: z.number().int(),
      certificateId: z.string(),
      steps: z.array(z.object({ id: z.enum(DELETION_STEPS), label: z.string(), doneAt: z.string().nullable() })),
      totals: z.partialRecord(z.enum(DELETION_LOCATIONS), totals),
      verification: verification.nullable(),
      lastError: z.object({ at: z.string(), code: z.string(), message: z.string() }).nullable(),
    })
    .nullable(),
  availableActions: z.array(z.enum(DELETION_ACTIONS)),
  updatedAt: z.string(),
});
export type DeletionRequestViewOutput = z.infer<typeof deletionRequestViewSchema>;

export const deletionTransitionViewSchema = z.object({
  n: z.number().int(),
  action: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  actor: z.string(),
  at: z.string(),
  note: z.string().nullable(),
});

export const deletionGetOutputSchema = z.object({ request: deletionRequestViewSchema, timeline: z.array(deletionTransitionViewSchema) });
export const deletionListOutputSchema = z.object({ total: z.number().int(), rows: z.array(deletionRequestViewSchema) });
export const deletionHoldOutputSchema = z.object({ tenantId: z.string(), legalHold: z.string().nullable(), request: deletionRequestViewSchema.nullable() });
export const deletionExecuteOutputSchema = z.object({ requestId: z.string(), jobId: z.string() });
export const deletionCertificateOutputSchema = z.object({
  certificateId: z.string(),
  requestId: z.string(),
  tenantId: z.string(),
  /** The canonical JSON, exactly the bytes whose SHA-256 is `jsonSha256`. */
  json: z.string(),
  jsonSha256: sha256,
  pdfBase64: z.string(),
  pdfSha256: sha256,
  createdAt: z.string(),
});
export const deletionTombstoneOutputSchema = z.object({ tenantId: z.string(), requestId: z.string(), certificateId: z.string(), deletedAt: z.string() }).nullable();

/**
 * What the dispatcher may write to the audit log for a deletion operation's input
 * (every call is audited on refusal, and these are audited on success): free-text
 * fields that may carry customer personal data are dropped. Proposed as an
 * `auditInput` hook on OperationDef.
 */
export const DELETION_AUDIT_OMITTED_FIELDS = ['requesterContact', 'reason', 'location'] as const;

export function auditSafeDeletionInput(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if ((DELETION_AUDIT_OMITTED_FIELDS as readonly string[]).includes(k)) {
      out[k] = '[omitted]';
      continue;
    }
    out[k] = k === 'changes' ? auditSafeDeletionInput(v) : v;
  }
  return out;
}
