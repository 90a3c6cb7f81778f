/**
 * The deletion operations as the dispatcher's handlers will call them: one
 * function per proposed contract entry, taking the parsed input and the caller
 * (HandlerContext.actor) and returning the contract's output shape. Wiring a
 * handler is then one line:
 *
 *   'deletion.file': (input, ctx) => ops['deletion.file'](input, ctx.actor, ctx.audit),
 *
 * `audit` (HandlerContext.audit) receives the tenant ID so the dispatcher's record
 * names the tenant even for operations addressed by request ID.
 */
import type { z } from 'zod';
import type { AuditActor } from '../audit/audit.chain';
import type {
  deletionAmendInputSchema,
  deletionApproveInputSchema,
  deletionCancelInputSchema,
  deletionCertificateInputSchema,
  deletionCertificateOutputSchema,
  deletionExecuteInputSchema,
  deletionExecuteOutputSchema,
  deletionFileInputSchema,
  deletionGetOutputSchema,
  deletionHoldInputSchema,
  deletionHoldOutputSchema,
  deletionListInputSchema,
  deletionListOutputSchema,
  deletionRecordFinalExportInputSchema,
  deletionReleaseInputSchema,
  deletionRequestIdInputSchema,
  deletionRequestViewSchema,
  deletionTombstoneInputSchema,
  deletionTombstoneOutputSchema,
} from './deletion.contract';
import type { DeletionService } from './deletion.service';

type In<S extends z.ZodType> = z.output<S>;
type Out<S extends z.ZodType> = z.input<S>;
type AuditFacts = { tenantId?: string | null };
type Op<I extends z.ZodType, O extends z.ZodType> = (input: In<I>, actor: AuditActor, audit?: AuditFacts) => Promise<Out<O>>;

export interface DeletionOperations {
  'deletion.list': Op<typeof deletionListInputSchema, typeof deletionListOutputSchema>;
  'deletion.get': Op<typeof deletionRequestIdInputSchema, typeof deletionGetOutputSchema>;
  'deletion.file': Op<typeof deletionFileInputSchema, typeof deletionRequestViewSchema>;
  'deletion.amend': Op<typeof deletionAmendInputSchema, typeof deletionRequestViewSchema>;
  'deletion.recordFinalExport': Op<typeof deletionRecordFinalExportInputSchema, typeof deletionRequestViewSchema>;
  'deletion.approve': Op<typeof deletionApproveInputSchema, typeof deletionRequestViewSchema>;
  'deletion.schedule': Op<typeof deletionRequestIdInputSchema, typeof deletionRequestViewSchema>;
  'deletion.cancel': Op<typeof deletionCancelInputSchema, typeof deletionRequestViewSchema>;
  'deletion.hold': Op<typeof deletionHoldInputSchema, typeof deletionHoldOutputSchema>;
  'deletion.release': Op<typeof deletionReleaseInputSchema, typeof deletionHoldOutputSchema>;
  'deletion.execute': Op<typeof deletionExecuteInputSchema, typeof deletionExecuteOutputSchema>;
  'deletion.certificate': Op<typeof deletionCertificateInputSchema, typeof deletionCertificateOutputSchema>;
  'deletion.tombstone': Op<typeof deletionTombstoneInputSchema, typeof deletionTombstoneOutputSchema>;
}

export function createDeletionOperations(service: DeletionService): DeletionOperations {
  /** Names the tenant in the dispatcher's audit record for operations addressed by request. */
  const note = async <T extends { tenantId: string }>(audit: AuditFacts | undefined, p: Promise<T>): Promise<T> => {
    const v = await p;
    if (audit) audit.tenantId = v.tenantId;
    return v;
  };
  return {
    'deletion.list': (input, actor) => service.list(input, actor),
    'deletion.get': async (input, actor, audit) => {
      const request = await note(audit, service.get(input.requestId, actor));
      return { request, timeline: await service.timeline(input.requestId) };
    },
    'deletion.file': (input, actor, audit) => note(audit, service.file(input, actor)),
    'deletion.amend': (input, actor, audit) => note(audit, service.amend(input.requestId, input.changes, actor)),
    'deletion.recordFinalExport': (input, actor, audit) => note(audit, service.recordFinalExport(input.requestId, { jobId: input.jobId, location: input.location }, actor)),
    'deletion.approve': (input, actor, audit) =>
      note(audit, service.approve(input.requestId, { parametersHash: input.parametersHash, ...(input.schedule !== undefined ? { schedule: input.schedule } : {}) }, actor)),
    'deletion.schedule': (input, actor, audit) => note(audit, service.schedule(input.requestId, actor)),
    'deletion.cancel': (input, actor, audit) => note(audit, service.cancel(input.requestId, { reason: input.reason }, actor)),
    'deletion.hold': async (input, actor) => service.hold(input.tenantId, { reason: input.reason }, actor),
    'deletion.release': async (input, actor) => ({ ...(await service.release(input.tenantId, actor)), legalHold: null }),
    'deletion.execute': async (input, actor, audit) => {
      // The job's own records (job.start/job.end) follow its progress; the caller gets the job to watch.
      const { requestId, jobId, done } = await service.execute(input.requestId, { confirmSlug: input.confirmSlug }, actor);
      done.catch(() => {});
      if (audit) audit.tenantId = (await service.get(requestId)).tenantId;
      return { requestId, jobId };
    },
    'deletion.certificate': async (input, _actor, audit) => {
      const c = await service.certificate(input.id);
      if (audit) audit.tenantId = c.tenantId;
      return { certificateId: c.certificateId, requestId: c.requestId, tenantId: c.tenantId, json: c.json, jsonSha256: c.jsonSha256, pdfBase64: c.pdf.toString('base64'), pdfSha256: c.pdfSha256, createdAt: c.createdAt };
    },
    'deletion.tombstone': (input) => service.tombstone(input.tenantId),
  };
}
