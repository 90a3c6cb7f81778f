/**
 * Restore through the dispatcher, as the UI and CLI call it: the day plan, a sandbox
 * with its comparison, a selective restore with four-eyes approval, its rollback, a
 * live restore requested by support, sandbox expiry — with roles, grants and audit.
 * On both tenant engines (issue 8): a PostgreSQL tenant is compared through a dump,
 * restored selectively in one transaction and swapped by renaming databases.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../api/dispatcher';
import type { OpInput, OpName, OpOutput } from '../api/contract';
import pg from 'pg';
import { PG_TYPES } from '../storage/postgres';
import { TENANT_ENGINES, consoleFixture, type ConsoleFixture } from '../testing/console-fixture';
import { noProgress } from '../shared/progress';

let fx: ConsoleFixture;
let tech: CallContext;
let tech2: CallContext;
let support: CallContext;
let snapshotId: string;
/** The live tenant database, on its engine. */
let live: { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

async function call<N extends OpName>(ctx: CallContext, op: N, input: OpInput<N>): Promise<OpOutput<N>> {
  const r = await fx.core.dispatch(ctx, op, input);
  if (!r.envelope.ok) throw Object.assign(new Error(`${op}: ${r.envelope.error.code} ${r.envelope.error.message}`), { code: r.envelope.error.code });
  return r.envelope.value as OpOutput<N>;
}
async function code(ctx: CallContext, op: OpName, input: unknown): Promise<string> {
  const r = await fx.core.dispatch(ctx, op, input);
  return r.envelope.ok ? 'ok' : r.envelope.error.code;
}
const waitJob = (ctx: CallContext, jobId: string) => fx.waitJob(ctx, jobId, 10_000);
async function withPg<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  if (live.engine !== 'postgres') throw new Error('not a PostgreSQL tenant');
  const c = new pg.Client({ connectionString: live.url, types: PG_TYPES });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
async function exec(sql: string): Promise<void> {
  if (live.engine === 'postgres') return withPg(async (c) => void (await c.query(sql)));
  const db = new Database(live.path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
async function rows(sql: string): Promise<unknown[]> {
  if (live.engine === 'postgres') return withPg(async (c) => (await c.query(sql)).rows);
  const db = new Database(live.path, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}
/** Every row of every table except the opportunity's family, for "nothing else changed". */
async function others(): Promise<string> {
  return JSON.stringify([
    await rows('SELECT * FROM colleagues ORDER BY id'),
    await rows('SELECT * FROM companies ORDER BY id'),
    await rows('SELECT * FROM persons ORDER BY id'),
    await rows('SELECT * FROM opportunities WHERE id != 7 ORDER BY id'),
    await rows("SELECT * FROM activities WHERE NOT (subject_type = 'opportunities' AND subject_id = 7) ORDER BY id"),
    await rows('SELECT * FROM opportunity_lines WHERE opportunity_id != 7 ORDER BY id'),
  ]);
}

describe.each(TENANT_ENGINES)('restore through the dispatcher, tenant on %s', (engine) => {
beforeAll(async () => {
  fx = await consoleFixture(['t-000001'], { tenantEngine: engine });
  const s = fx.core.services;
  const record = await s.catalogue.get('t-000001');
  live = record.dbEngine === 'postgres' ? { engine: 'postgres', url: fx.pg!.urlFor(record.dbLocation) } : { engine: 'sqlite', path: s.tenantDbs.pathOf(record) };
  const ts = '2026-05-01T00:00:00.000Z';
  await exec(`
    INSERT INTO opportunities (id, title, company_id, person_id, stage, amount, currency, created_at, updated_at)
      VALUES (7, 'Big deal', 1, 1, 'won', '1000.00', 'EUR', '${ts}', '${ts}'), (8, 'Other deal', 1, NULL, 'open', '5.00', 'EUR', '${ts}', '${ts}');
    INSERT INTO opportunity_lines (id, opportunity_id, kind, description, quantity, unit_price, amount, currency, booked_on, created_at, updated_at)
      VALUES (1, 7, 'income', 'Licence', '1', '1000.00', '1000.00', 'EUR', '2026-05-01', '${ts}', '${ts}'), (2, 8, 'income', 'Other', '1', '5.00', '5.00', 'EUR', '2026-05-01', '${ts}', '${ts}');
    INSERT INTO activities (id, subject_type, subject_id, kind, occurred_at, subject, created_at, updated_at)
      VALUES (2, 'opportunities', 7, 'meeting', '${ts}', 'Kick-off', '${ts}', '${ts}'), (3, 'opportunities', 8, 'call', '${ts}', 'Hello', '${ts}', '${ts}');
  `);
  const m = await s.backups.snapshotTenant(record, { signal: new AbortController().signal, progress: noProgress });
  snapshotId = m.snapshotId;
  // After the nightly snapshot, the customer deletes "Big deal" with its line and meeting, and edits a person.
  await exec(`DELETE FROM activities WHERE subject_type = 'opportunities' AND subject_id = 7; DELETE FROM opportunity_lines WHERE opportunity_id = 7; DELETE FROM opportunities WHERE id = 7; UPDATE persons SET last_name = 'Edited' WHERE id = 1;`);
  fx.clock.advance(6 * 3_600_000);
  tech = await fx.as(['technical']);
  tech2 = await fx.as(['technical']);
  support = await fx.as(['support']);
}, 60_000);

afterAll(async () => fx?.close());

describe('requests and jobs', () => {
  let sandboxId: string;
  let requestId: string;

  it('finds the snapshot of the day', async () => {
    const day = fx.clock.now().toISOString().slice(0, 10);
    const plan = await call(support, 'restore.plan', { tenantId: 't-000001', day });
    expect(plan.kind).toBe('exact');
    if (plan.kind === 'exact') expect(plan.snapshot.snapshotId).toBe(snapshotId);
  });

  it('a sandbox needs a justification grant; then it shows what changed since', async () => {
    expect(await code(tech, 'restore.openSandbox', { tenantId: 't-000001', snapshotId })).toBe('GRANT_REQUIRED');
    expect(await code(support, 'restore.openSandbox', { tenantId: 't-000001', snapshotId })).toBe('FORBIDDEN');
    await call(tech, 'grants.open', { tenantId: 't-000001', reason: 'Customer deleted a deal by mistake', ticket: 'SUP-77' });
    const opened = await call(tech, 'restore.openSandbox', { tenantId: 't-000001', snapshotId });
    sandboxId = opened.sandboxId;
    const job = await waitJob(tech, opened.jobId);
    expect(job.state).toBe('succeeded');
    const sb = await call(tech, 'restore.sandboxes', { tenantId: 't-000001' });
    expect(sb).toMatchObject([{ id: sandboxId, status: 'ready', snapshotId }]);

    const cmp = await call(tech, 'restore.compare', { tenantId: 't-000001', sandboxId });
    const by = Object.fromEntries(cmp.map((c) => [c.entity, c]));
    expect(by.opportunities).toMatchObject({ snapshot: 2, live: 1, onlySnapshot: 1, onlyLive: 0, changed: 0 });
    expect(by.opportunity_lines).toMatchObject({ onlySnapshot: 1 });
    expect(by.activities).toMatchObject({ onlySnapshot: 1 });
    expect(by.persons).toMatchObject({ onlySnapshot: 0, changed: 1 });

    const deleted = await call(tech, 'restore.sandboxRecords', { tenantId: 't-000001', sandboxId, entity: 'opportunities', filter: 'onlySnapshot' });
    expect(deleted.rows.map((r) => r.id)).toEqual([7]);
    const changed = await call(tech, 'restore.sandboxRecords', { tenantId: 't-000001', sandboxId, entity: 'persons', filter: 'changed' });
    expect(changed.changedColumns['1']).toEqual(['last_name']);
    const audit = await fx.core.services.audit.query({ action: 'restore.sandboxRecords', limit: 1 });
    expect(audit[0]?.justification).toEqual({ reason: 'Customer deleted a deal by mistake', ticket: 'SUP-77' });
  });

  it('a selective restore: preview, request, four-eyes approval, run — the deal comes back with its family, nothing else changes', async () => {
    const preview = await call(tech, 'restore.previewSelection', { tenantId: 't-000001', sandboxId, selection: [{ entity: 'opportunities', id: 7 }] });
    expect(preview.insertIds).toEqual({ opportunities: [7], activities: [2], opportunity_lines: [1] });
    expect(preview.refusals).toEqual([]);
    const before = await others();

    const req = await call(tech, 'restore.request', { kind: 'records', tenantId: 't-000001', sandboxId, selection: [{ entity: 'opportunities', id: 7 }], ticket: 'SUP-77', reason: 'Deleted by mistake' });
    requestId = req.id;
    expect(req.status).toBe('requested');
    expect(await code(tech, 'restore.run', { tenantId: 't-000001', requestId })).toBe('APPROVAL_INVALID');
    expect(await code(tech, 'restore.approve', { requestId })).toBe('APPROVAL_INVALID'); // not by the requester
    expect(await code(support, 'restore.approve', { requestId })).toBe('FORBIDDEN');
    expect((await call(tech2, 'restore.approve', { requestId })).status).toBe('approved');

    const { jobId } = await call(tech, 'restore.run', { tenantId: 't-000001', requestId });
    const job = await waitJob(tech, jobId);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    const done = await call(support, 'restore.get', { requestId });
    expect(done).toMatchObject({ status: 'completed', canRollBack: true });
    expect(done.result?.inserted).toEqual({ opportunities: 1, activities: 1, opportunity_lines: 1 });
    expect(done.steps.every((s) => s.doneAt !== null)).toBe(true);
    expect(await rows('SELECT id, title FROM opportunities WHERE id = 7')).toEqual([{ id: 7, title: 'Big deal' }]);
    expect(await rows('SELECT id FROM opportunity_lines WHERE opportunity_id = 7')).toEqual([{ id: 1 }]);
    expect(await others()).toBe(before);
    expect((await fx.core.services.catalogue.get('t-000001')).status).toBe('active');
    // The safety snapshot is held for the rollback period.
    const snaps = await fx.core.services.backups.snapshots('t-000001');
    expect(snaps.find((s) => s.snapshotId === done.safetySnapshotId)?.held).toBe(true);
    const audit = await fx.core.services.audit.query({ action: 'restore.approve', limit: 1 });
    expect(audit[0]?.approvalIds).toEqual([requestId]);
  }, 60_000);

  it('roll back returns the database to its safety snapshot', async () => {
    const { jobId, requestId: rb } = await call(tech, 'restore.rollback', { tenantId: 't-000001', requestId, reason: 'Customer changed their mind' });
    expect((await waitJob(tech, jobId)).state).toBe('succeeded');
    expect(await rows('SELECT id FROM opportunities WHERE id = 7')).toEqual([]);
    expect((await call(tech, 'restore.get', { requestId })).status).toBe('rolled_back');
    expect((await call(tech, 'restore.get', { requestId: rb })).kind).toBe('rollback');
    expect(await code(tech, 'restore.rollback', { tenantId: 't-000001', requestId, reason: 'again' })).toBe('RESTORE_REFUSED');
  }, 60_000);

  it('a live restore requested by support, approved by a technical colleague, swaps the whole database', async () => {
    const req = await call(support, 'restore.request', { kind: 'live', tenantId: 't-000001', snapshotId, ticket: 'SUP-78', reason: 'Whole account damaged by an import' });
    await call(tech, 'restore.approve', { requestId: req.id });
    const { jobId } = await call(tech, 'restore.run', { tenantId: 't-000001', requestId: req.id });
    expect((await waitJob(tech, jobId)).state).toBe('succeeded');
    expect(await rows('SELECT last_name FROM persons WHERE id = 1')).toEqual([{ last_name: 'Ek' }]);
    expect(await rows('SELECT id FROM opportunities ORDER BY id')).toEqual([{ id: 7 }, { id: 8 }]);
    const v = await call(tech, 'restore.get', { requestId: req.id });
    expect(v.result?.missingFileCount).toBe(0);
    // The earlier request cannot be rolled back past this one.
    const list = await call(support, 'restore.list', { tenantId: 't-000001' });
    expect(list.map((r) => r.kind)).toEqual(expect.arrayContaining(['live', 'records', 'rollback']));
  }, 60_000);

  it('a run that cannot reach the tenant database leaves the request approved, to run again', async () => {
    const req = await call(support, 'restore.request', { kind: 'live', tenantId: 't-000001', snapshotId, ticket: 'SUP-79', reason: 'Second try after an import' });
    await call(tech, 'restore.approve', { requestId: req.id });
    await call(tech, 'grants.open', { tenantId: 't-000001', reason: 'Running the approved restore', ticket: 'SUP-79' });
    const cp = fx.core.services.controlPlane.db;
    const { db_location: location } = await cp.selectFrom('tenants').select('db_location').where('id', '=', 't-000001').executeTakeFirstOrThrow();
    // A catalogue entry this console cannot use (a file outside the tenants folder / not a database name).
    await cp.updateTable('tenants').set({ db_location: '../elsewhere' }).where('id', '=', 't-000001').execute();
    try {
      const r = await fx.core.dispatch(tech, 'restore.run', { tenantId: 't-000001', requestId: req.id });
      expect(r.envelope.ok ? 'ok' : r.envelope.error.code).toMatch(/^(TENANT_SCHEMA_UNEXPECTED|CONFIG_INVALID)$/);
      expect((await call(support, 'restore.get', { requestId: req.id })).status).toBe('approved');
    } finally {
      await cp.updateTable('tenants').set({ db_location: location }).where('id', '=', 't-000001').execute();
    }
    expect((await call(support, 'restore.cancel', { requestId: req.id, reason: 'Not needed any more' })).status).toBe('cancelled');
  });

  it('sandboxes expire and are deleted with their file', async () => {
    const file = join(fx.dataDir, 'sandboxes', 't-000001', sandboxId, 'snapshot.sqlite');
    expect(existsSync(file)).toBe(true);
    fx.clock.advance(25 * 3_600_000);
    tech = await fx.as(['technical']); // the old session idled out meanwhile
    const left = await call(tech, 'restore.sandboxes', { tenantId: 't-000001' });
    expect(left).toEqual([]);
    expect(existsSync(file)).toBe(false);
    expect(await code(tech, 'restore.compare', { tenantId: 't-000001', sandboxId })).not.toBe('ok');
  });
});
});
