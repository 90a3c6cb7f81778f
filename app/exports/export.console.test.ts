import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { consoleFixture, fixtureDatabaseName, TENANT_ENGINES, type ConsoleFixture } from '../testing/console-fixture';
import type { CallContext } from '../api/dispatcher';
import { generateTenant } from '../demo';
import { verifyExport } from './export.verify';

type Env = { envelope: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } } };
const val = async <T>(p: Promise<Env>): Promise<T> => {
  const r = await p;
  if (!r.envelope.ok) throw new Error(`${r.envelope.error.code}: ${r.envelope.error.message}`);
  return r.envelope.value as T;
};

describe.each(TENANT_ENGINES)('export through the contract, tenant on %s: job, ledger, free-export rule, destination checks', (engine) => {
  let fx: ConsoleFixture;
  let support: CallContext;
  let out: string;
  beforeAll(async () => {
    fx = await consoleFixture(['t-000001'], { tenantEngine: engine });
    support = await fx.as(['support']);
    out = mkdtempSync(join(tmpdir(), 'custos-export-test-'));
  });
  afterAll(async () => {
    await fx?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const waitJob = (jobId: string) => fx.waitJob(support, jobId);

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
    // The persons list holds the tenant's one person, whichever engine it came from.
    const persons = readFileSync(join(result.location, 'csv', 'persons.csv'), 'utf8');
    expect(persons).toContain('Bo');
    // A PostgreSQL tenant is exported from a dump of one instant, which is gone afterwards.
    const copies = join(fx.dataDir, 'tmp', 'tenant-copies', 't-000001');
    expect(existsSync(copies) ? readdirSync(copies) : []).toEqual([]);

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

/** Every file of an export package under its path in the package, with its bytes. */
function packageFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

describe('the export of a PostgreSQL tenant equals the export of the same data on SQLite', () => {
  let fx: ConsoleFixture;
  let support: CallContext;
  let out: string;
  beforeAll(async () => {
    fx = await consoleFixture([], { tenantEngine: 'postgres' });
    support = await fx.as(['support']);
    out = mkdtempSync(join(tmpdir(), 'custos-export-engines-'));
  });
  afterAll(async () => {
    await fx?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const waitJob = (jobId: string) => fx.waitJob(support, jobId);

  const exportTo = async (tenantId: string, dir: string): Promise<string> => {
    mkdirSync(dir);
    const { jobId } = await val<{ jobId: string }>(
      fx.core.dispatch(support, 'exports.start', { tenantId, profile: 'advanced', formats: ['csv'], destination: { kind: 'folder', path: dir }, billingReference: 'PO-1' }),
    );
    const job = await waitJob(jobId);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    return (job.result as { location: string }).location;
  };

  it('same CSV bytes and attachments, from the demo tenant with dangling references, missing and damaged files', async () => {
    const s = fx.core.services;
    // The demo's integrity tenant (index 1): dangling references, a missing object, a damaged one.
    const record = await generateTenant({ tenantsDir: s.tenantDbs.dir, objectStore: s.objectStore, index: 1, size: 'small', seed: 5, asOf: new Date('2026-06-01T00:00:00Z') });
    await s.catalogue.upsertMany([record], fx.clock.now());
    const fromSqlite = await exportTo(record.id, join(out, 'sqlite'));

    // The same tenant moved to PostgreSQL: same rows, same objects; the catalogue now points at the database.
    const name = fixtureDatabaseName(fx.pg!, record.id);
    await (await s.tenantDbs.postgresAdmin()).loadFromSqlite(s.tenantDbs.pathOf(record), name, { tenantId: record.id });
    await s.controlPlane.db.updateTable('tenants').set({ db_engine: 'postgres', db_location: name }).where('id', '=', record.id).execute();
    rmSync(s.tenantDbs.pathOf(record));
    fx.clock.advance(60_000);
    const fromPostgres = await exportTo(record.id, join(out, 'postgres'));
    await verifyExport(fromPostgres);

    const a = packageFiles(fromSqlite);
    const b = packageFiles(fromPostgres);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    const csvs = [...a.keys()].filter((k) => k.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThanOrEqual(8);
    for (const k of csvs) expect(b.get(k)!.equals(a.get(k)!), k).toBe(true);
    // Attachments too (same bytes from the store; the tenant's rows say which).
    const attachments = [...a.keys()].filter((k) => k.startsWith('attachments/'));
    for (const k of attachments) expect(b.get(k)!.equals(a.get(k)!), k).toBe(true);
    // The report names the same problems (dangling references, missing and damaged files).
    const report = (p: Map<string, Buffer>) => JSON.parse(p.get('report.json')!.toString('utf8')) as { warnings: unknown[] };
    expect(report(b).warnings.length).toBeGreaterThan(0);
    expect(report(b).warnings).toEqual(report(a).warnings);
    const copies = join(fx.dataDir, 'tmp', 'tenant-copies', record.id);
    expect(existsSync(copies) ? readdirSync(copies) : []).toEqual([]);
  });
});
