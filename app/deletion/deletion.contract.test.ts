/** The proposed contract schemas match what the operations really return (the dispatcher refuses output it cannot vouch for). */
import { join } from 'node:path';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleFixture, type ConsoleFixture } from '../testing/console-fixture';
import {
  auditSafeDeletionInput,
  deletionCertificateOutputSchema,
  deletionExecuteOutputSchema,
  deletionFileInputSchema,
  deletionGetOutputSchema,
  deletionHoldOutputSchema,
  deletionListInputSchema,
  deletionListOutputSchema,
  deletionRequestViewSchema,
  deletionTombstoneOutputSchema,
} from './deletion.contract';
import { actors, ensureDeletionSchema, seedTenantData } from './deletion.fixture';
import { createDeletionOperations, type DeletionOperations } from './deletion.operations';
import { createDeletionService, type DeletionService } from './deletion.service';

let fx: ConsoleFixture;
let ops: DeletionOperations;
let service: DeletionService;

beforeAll(async () => {
  fx = await consoleFixture(['t-000001']);
  const s = fx.core.services;
  await ensureDeletionSchema(s.controlPlane.db);
  await seedTenantData(s.objectStore, 't-000001', { tenantsDir: s.tenantDbs.dir, sandboxRoot: join(fx.dataDir, 'sandboxes') });
  // The console's own wiring (its clock is the fixture's ManualClock).
  service = createDeletionService(s);
  ops = createDeletionOperations(service);
});
afterAll(async () => {
  await fx.core.services.jobs.idle();
  await fx.close();
});

/** Parses strictly: a key the service returns but the schema lacks would be silently stripped. */
function strictParse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.parse(value);
  expect(parsed).toEqual(value);
  return parsed;
}

describe('deletion contract schemas', () => {
  it('describe every output along the whole lifecycle', async () => {
    const audit: { tenantId?: string | null } = {};
    const input = deletionFileInputSchema.parse({ tenantId: 't-000001', requestReference: 'R-1', receivedOn: '2026-06-28', requesterContact: 'Jo <jo@customer.example>', reason: 'leaving', wantsFinalExport: true });
    const filed = strictParse(deletionRequestViewSchema, await ops['deletion.file'](input, actors.am, audit));
    expect(audit.tenantId).toBe('t-000001');
    strictParse(deletionHoldOutputSchema, await ops['deletion.hold']({ tenantId: 't-000001', reason: 'court' }, actors.am));
    strictParse(deletionHoldOutputSchema, await ops['deletion.release']({ tenantId: 't-000001' }, actors.admin));
    const approved = strictParse(deletionRequestViewSchema, await ops['deletion.approve']({ requestId: filed.id, parametersHash: filed.parametersHash }, actors.admin));
    expect(approved.status).toBe('approved');
    strictParse(deletionRequestViewSchema, await ops['deletion.recordFinalExport']({ requestId: filed.id, jobId: 'j-1', location: 'exports/t-000001/2026-06-29-final/package.tar.gz' }, actors.am));
    strictParse(deletionListOutputSchema, await ops['deletion.list'](deletionListInputSchema.parse({}), actors.am));
    fx.clock.advance(7 * 86_400_000);
    const exec = strictParse(deletionExecuteOutputSchema, await ops['deletion.execute']({ requestId: filed.id, confirmSlug: 'tenant-000001' }, actors.am));
    await fx.core.services.jobs.idle();
    expect((await fx.core.services.jobs.get(exec.jobId)).state).toBe('succeeded');
    const got = strictParse(deletionGetOutputSchema, await ops['deletion.get']({ requestId: filed.id }, actors.am));
    expect(got.request.status).toBe('completed');
    expect(got.timeline.map((t) => t.action)).toEqual(['file', 'hold', 'release', 'approve', 'recordFinalExport', 'schedule', 'execute', 'complete']);
    const cert = strictParse(deletionCertificateOutputSchema, await ops['deletion.certificate']({ id: 't-000001' }, actors.am));
    expect(Buffer.from(cert.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    strictParse(deletionTombstoneOutputSchema, await ops['deletion.tombstone']({ tenantId: 't-000001' }, actors.am));
  });

  it('keep free text out of the audited input', () => {
    expect(auditSafeDeletionInput({ tenantId: 't-1', requesterContact: 'Jo', reason: 'r', requestReference: 'R-1' })).toEqual({ tenantId: 't-1', requesterContact: '[omitted]', reason: '[omitted]', requestReference: 'R-1' });
    expect(auditSafeDeletionInput({ requestId: 'dr-1', changes: { requesterContact: 'Jo', receivedOn: '2026-01-01' } })).toEqual({ requestId: 'dr-1', changes: { requesterContact: '[omitted]', receivedOn: '2026-01-01' } });
  });
});
