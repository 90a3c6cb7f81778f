import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleFixture, type ConsoleFixture } from '../testing/console-fixture';
import type { CallContext } from '../api/dispatcher';
import { verifyExport } from './export.verify';

type Env = { envelope: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } } };
const val = async <T>(p: Promise<Env>): Promise<T> => {
  const r = await p;
  if (!r.envelope.ok) throw new Error(`${r.envelope.error.code}: ${r.envelope.error.message}`);
  return r.envelope.value as T;
};

describe('export through the contract: job, ledger, free-export rule, destination checks', () => {
  let fx: ConsoleFixture;
  let support: CallContext;
  let out: string;
  beforeAll(async () => {
    fx = await consoleFixture(['t-000001']);
    support = await fx.as(['support']);
    out = mkdtempSync(join(tmpdir(), 'custos-export-test-'));
  });
  afterAll(async () => {
    await fx?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const waitJob = async (jobId: string) => {
    for (;;) {
      const j = await val<{ state: string; result: unknown; error: unknown }>(fx.core.dispatch(support, 'jobs.get', { jobId }));
      if (j.state !== 'running') return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('the first advanced export of a commercial tenant is free, verified, in the ledger; the next one is billable', async () => {
    const preview = await val<{ billing: { status: string } }>(fx.core.dispatch(support, 'exports.preview', { tenantId: 't-000001', profile: 'advanced' }));
    expect(preview.billing.status).toBe('free');
    const { jobId } = await val<{ jobId: string }>(fx.core.dispatch(support, 'exports.start', { tenantId: 't-000001', profile: 'advanced', formats: ['csv', 'xlsx'], destination: { kind: 'folder', path: out } }));
    const job = await waitJob(jobId);
    expect(job.state).toBe('succeeded');
    const result = job.result as { location: string; sha256sumsDigest: string };
    expect(existsSync(join(result.location, 'SHA256SUMS'))).toBe(true);
    await verifyExport(result.location);
    expect(readdirSync(out).filter((n) => n.includes('partial'))).toEqual([]);

    const ledger = await val<{ state: string; billing: string; sha256sumsDigest: string }[]>(fx.core.dispatch(support, 'exports.ledger', { tenantId: 't-000001' }));
    expect(ledger[0]).toMatchObject({ state: expect.stringMatching(/^completed/), billing: 'free', sha256sumsDigest: result.sha256sumsDigest });

    const again = await val<{ billing: { status: string; reason: string } }>(fx.core.dispatch(support, 'exports.preview', { tenantId: 't-000001', profile: 'advanced' }));
    expect(again.billing).toMatchObject({ status: 'billable', reason: 'free_export_used' });
    const refused = await fx.core.dispatch(support, 'exports.start', { tenantId: 't-000001', profile: 'advanced', formats: ['csv'], destination: { kind: 'folder', path: out } });
    expect(refused.envelope.ok ? 'ok' : refused.envelope.error.code).toBe('EXPORT_BILLING_REFERENCE_REQUIRED');
    // The audit trail has the job's end with the package digest.
    const end = await fx.core.services.audit.query({ action: 'job.end:export', limit: 1 });
    expect(JSON.stringify(end[0]?.params)).toContain(result.sha256sumsDigest);
  });

  it('refuses a destination that does not exist or is not writable before starting', async () => {
    const r = await fx.core.dispatch(support, 'exports.start', { tenantId: 't-000001', profile: 'basic', formats: ['xlsx'], destination: { kind: 'folder', path: join(out, 'missing', 'deeper') } });
    expect(r.envelope.ok ? 'ok' : r.envelope.error.code).toBe('EXPORT_DESTINATION_INVALID');
  });
});
