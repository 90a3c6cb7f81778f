import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditActor } from '../audit/audit.chain';
import { consoleFixture, type ConsoleFixture } from '../testing/console-fixture';
import { DEFAULT_DELETION_CONFIG } from './deletion.config';
import { actors, ensureDeletionSchema, seedTenantData } from './deletion.fixture';
import { DeletionService, type FileDeletionInput } from './deletion.service';
import { deletionDb } from './deletion.tables';
import { SqliteTenantDatabaseDropper } from './tenant-database.dropper';
import { assertNoneTombstoned, assertNotTombstoned, tombstonedAmong } from './tombstone.guard';

const H = 3_600_000;
const DAY = 24 * H;
const PERSONAL = ['jo@customer.example', 'Jo Kay', 'Contract ended after audit', 'Case 17 v. Acme', 'customer stays after all'];

let fx: ConsoleFixture;
let service: DeletionService;
const checkpoints: ((p: string) => void | Promise<void>)[] = [];

const input = (tenantId: string, over: Partial<FileDeletionInput> = {}): FileDeletionInput => ({
  tenantId,
  requestReference: `CUST-${tenantId}`,
  receivedOn: '2026-06-28',
  requesterContact: 'Jo Kay <jo@customer.example>',
  reason: 'Contract ended after audit',
  wantsFinalExport: false,
  ...over,
});

const admin2: AuditActor = { ...actors.admin, staffId: 's-admin2', label: 'admin2@vendor.example' };

beforeEach(async () => {
  fx = await consoleFixture(['t-000001', 't-000002', 't-000003']);
  const s = fx.core.services;
  await ensureDeletionSchema(s.controlPlane.db);
  checkpoints.length = 0;
  service = new DeletionService({
    controlPlane: s.controlPlane,
    objectStore: s.objectStore,
    audit: s.audit,
    jobs: s.jobs,
    clock: fx.clock,
    dropper: new SqliteTenantDatabaseDropper(s.tenantDbs.dir),
    appVersion: 'test',
    config: DEFAULT_DELETION_CONFIG,
    checkpoint: async (p) => {
      for (const c of checkpoints) await c(p);
    },
  });
});

afterEach(async () => {
  await fx.core.services.jobs.idle();
  await fx.close();
});

async function auditText(): Promise<string> {
  return JSON.stringify(await fx.core.services.audit.query({ limit: 10_000 }));
}

describe('filing', () => {
  it('records the request, its timeline and what the filer may do next', async () => {
    const v = await service.file(input('t-000001'), actors.am);
    expect(v).toMatchObject({
      tenantId: 't-000001',
      tenantSlug: 'tenant-000001',
      status: 'filed',
      viewStatus: 'filed',
      filedBy: actors.am.label,
      requesterContact: 'Jo Kay <jo@customer.example>',
      approval: null,
      due: { dueOn: '2026-07-28', late: false, overdue: false },
      availableActions: ['amend', 'cancel', 'hold'],
    });
    expect(v.parametersHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await service.timeline(v.id)).toEqual([expect.objectContaining({ n: 1, action: 'file', from: null, to: 'filed', actor: actors.am.label })]);
  });

  it('refuses an unknown tenant, a second open request and a caller without the role (audited)', async () => {
    await expect(service.file(input('t-999999'), actors.am)).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    const first = await service.file(input('t-000001'), actors.am);
    await expect(service.file(input('t-000001'), actors.am2)).rejects.toMatchObject({ code: 'DELETION_TRANSITION_REFUSED', details: { requestId: first.id } });
    await expect(service.file(input('t-000002'), actors.support)).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'ROLE' } });
    const refused = await fx.core.services.audit.query({ action: 'deletion.file', outcome: 'refused' });
    expect(refused[0]).toMatchObject({ tenantId: 't-000002', params: { refusal: 'ROLE' }, outcome: { code: 'FORBIDDEN' } });
  });

  it('the database refuses two open requests for one tenant even without the service (race between two desktops)', async () => {
    const v = await service.file(input('t-000001'), actors.am);
    const db = deletionDb(fx.core.services.controlPlane.db);
    const row = await db.selectFrom('deletion_requests').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    await expect(db.insertInto('deletion_requests').values({ ...row, id: 'dr-race' }).execute()).rejects.toThrow(/UNIQUE/);
    await db.insertInto('deletion_requests').values({ ...row, id: 'dr-old', status: 'cancelled' }).execute();
  });
});

describe('approval (abuse case 5)', () => {
  it('the filer cannot approve, even as an admin; the refusal is audited with its reason', async () => {
    const both: AuditActor = { ...actors.am, roles: ['account_manager', 'admin'] };
    const v = await service.file(input('t-000001'), both);
    await expect(service.approve(v.id, { parametersHash: v.parametersHash }, both)).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'SELF_APPROVAL' } });
    const [rec] = await fx.core.services.audit.query({ action: 'deletion.approve' });
    expect(rec).toMatchObject({ outcome: { status: 'refused', code: 'FORBIDDEN' }, params: { requestId: v.id, refusal: 'SELF_APPROVAL' } });
    expect((await service.get(v.id)).status).toBe('filed');
    expect((await fx.core.services.catalogue.get('t-000001')).status).toBe('active');
  });

  it('an approval shown for one tenant cannot approve another', async () => {
    const a = await service.file(input('t-000001'), actors.am);
    const b = await service.file(input('t-000002'), actors.am);
    await expect(service.approve(b.id, { parametersHash: a.parametersHash }, actors.admin)).rejects.toMatchObject({ code: 'DELETION_TRANSITION_REFUSED', details: { reason: 'APPROVAL_MISMATCH' } });
    expect((await fx.core.services.catalogue.get('t-000002')).status).toBe('active');
  });

  it('an approval copied onto another request in the database does not let it run', async () => {
    const a = await service.file(input('t-000001'), actors.am);
    const b = await service.file(input('t-000002'), actors.am);
    await service.approve(a.id, { parametersHash: a.parametersHash, schedule: false }, actors.admin);
    const db = deletionDb(fx.core.services.controlPlane.db);
    const approvedA = await db.selectFrom('deletion_requests').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    await db
      .updateTable('deletion_requests')
      .set({ status: 'approved', approved_by: approvedA.approved_by, approved_by_staff_id: approvedA.approved_by_staff_id, approved_at: approvedA.approved_at, approval_hash: approvedA.approval_hash })
      .where('id', '=', b.id)
      .execute();
    expect((await service.get(b.id)).approval?.state).toBe('mismatch');
    await expect(service.schedule(b.id, actors.am)).rejects.toMatchObject({ details: { reason: 'APPROVAL_MISMATCH' } });
  });

  it('approval makes the tenant offboarding and schedules the grace period; cancel gives the status back', async () => {
    await fx.core.services.catalogue.update('t-000001', { status: 'suspended' }, fx.clock.now());
    const v = await service.file(input('t-000001'), actors.am);
    const s = await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin);
    expect(s).toMatchObject({ status: 'scheduled', approval: { by: actors.admin.label, state: 'consumed' }, scheduledFor: new Date(fx.clock.now().getTime() + 7 * DAY).toISOString() });
    expect(s.countdown).toEqual({ scheduledFor: s.scheduledFor, remainingMs: 7 * DAY, executable: false });
    expect((await fx.core.services.catalogue.get('t-000001')).status).toBe('offboarding');
    fx.clock.advance(2 * DAY);
    expect((await service.get(v.id)).countdown?.remainingMs).toBe(5 * DAY);
    const c = await service.cancel(v.id, { reason: 'customer stays after all' }, actors.am2);
    expect(c).toMatchObject({ status: 'cancelled', cancellation: { by: actors.am2.label, reason: 'customer stays after all' } });
    expect((await fx.core.services.catalogue.get('t-000001')).status).toBe('suspended');
    expect((await service.timeline(v.id)).map((t) => `${t.action}:${t.to}`)).toEqual(['file:filed', 'approve:approved', 'schedule:scheduled', 'cancel:cancelled']);
    // A new request may be filed once the old one is closed.
    expect((await service.file(input('t-000001'), actors.am)).status).toBe('filed');
  });

  it('amending an approved request withdraws the approval', async () => {
    const v = await service.file(input('t-000001', { wantsFinalExport: true }), actors.am);
    await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin);
    const amended = await service.amend(v.id, { receivedOn: '2026-06-20' }, actors.am);
    expect(amended).toMatchObject({ status: 'filed', approval: null, receivedOn: '2026-06-20' });
    expect(amended.parametersHash).not.toBe(v.parametersHash);
    expect((await service.timeline(v.id)).at(-1)?.note).toMatch(/approval no longer applies/);
  });
});

describe('final export first', () => {
  it('holds the schedule until the export is recorded, then schedules at once', async () => {
    const v = await service.file(input('t-000001', { wantsFinalExport: true }), actors.am);
    const approved = await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin);
    expect(approved.status).toBe('approved');
    await expect(service.schedule(v.id, actors.am)).rejects.toMatchObject({ details: { reason: 'FINAL_EXPORT_PENDING' } });
    const done = await service.recordFinalExport(v.id, { jobId: 'j-export-1', location: 'exports/t-000001/final/package.tar.gz' }, actors.am);
    expect(done).toMatchObject({ status: 'scheduled', finalExport: { jobId: 'j-export-1', recordedBy: actors.am.label } });
  });

  it('an approval older than 24 h is not used to schedule; another admin renews it', async () => {
    const v = await service.file(input('t-000001', { wantsFinalExport: true }), actors.am);
    await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin);
    fx.clock.advance(25 * H);
    const recorded = await service.recordFinalExport(v.id, { jobId: 'j-1', location: 'exports/t-000001/p.tar.gz' }, actors.am);
    expect(recorded).toMatchObject({ status: 'approved', approval: { state: 'expired' } });
    await expect(service.schedule(v.id, actors.am)).rejects.toMatchObject({ details: { reason: 'APPROVAL_EXPIRED' } });
    expect((await service.approve(v.id, { parametersHash: recorded.parametersHash }, admin2)).status).toBe('scheduled');
  });
});

describe('legal hold', () => {
  it('blocks approval with its reason; only an admin lifts it', async () => {
    const v = await service.file(input('t-000001'), actors.am);
    const held = await service.hold('t-000001', { reason: 'Case 17 v. Acme' }, actors.am);
    expect(held.request).toMatchObject({ viewStatus: 'on_hold', status: 'filed', legalHold: 'Case 17 v. Acme' });
    expect((await service.list({ status: 'on_hold' })).rows.map((r) => r.id)).toEqual([v.id]);
    const err = await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LEGAL_HOLD' });
    expect((err as Error).message).toContain('Case 17 v. Acme');
    await expect(service.release('t-000001', actors.am)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await service.release('t-000001', actors.admin);
    expect((await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin)).status).toBe('scheduled');
    expect((await service.timeline(v.id)).map((t) => t.action)).toEqual(['file', 'hold', 'release', 'approve', 'schedule']);
  });

  it('a hold placed before filing is carried by the request; a tenant-level hold needs a reason', async () => {
    await expect(service.hold('t-000002', { reason: ' ' }, actors.am)).rejects.toMatchObject({ details: { reason: 'REASON_REQUIRED' } });
    await service.hold('t-000002', { reason: 'Case 17 v. Acme' }, actors.admin);
    expect((await fx.core.services.catalogue.get('t-000002')).legalHold).toBe('Case 17 v. Acme');
    await expect(service.hold('t-000002', { reason: 'again' }, actors.admin)).rejects.toMatchObject({ details: { reason: 'ALREADY_ON_HOLD' } });
    const v = await service.file(input('t-000002'), actors.am);
    expect(v.viewStatus).toBe('on_hold');
  });

  it('blocks execution after the grace period, and stops a running execution between steps', async () => {
    const s = fx.core.services;
    await seedTenantData(s.objectStore, 't-000001', { tenantsDir: s.tenantDbs.dir, sandboxRoot: join(fx.dataDir, 'sandboxes') });
    const v = await service.file(input('t-000001'), actors.am);
    await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin);
    fx.clock.advance(7 * DAY);
    await service.hold('t-000001', { reason: 'Case 17 v. Acme' }, actors.am);
    await expect(service.execute(v.id, { confirmSlug: 'tenant-000001' }, actors.am)).rejects.toMatchObject({ code: 'LEGAL_HOLD' });
    await service.release('t-000001', actors.admin);

    checkpoints.push(async (p) => {
      if (p === 'attachments:done' && !(await s.catalogue.get('t-000001')).legalHold) await service.hold('t-000001', { reason: 'Case 17 v. Acme' }, actors.am);
    });
    const run = await service.execute(v.id, { confirmSlug: 'tenant-000001' }, actors.am);
    await expect(run.done).rejects.toMatchObject({ code: 'LEGAL_HOLD' });
    const stopped = await service.get(v.id);
    expect(stopped).toMatchObject({ status: 'executing', viewStatus: 'on_hold' });
    expect(stopped.journal?.steps.find((st) => st.id === 'attachments')?.doneAt).not.toBeNull();
    expect(stopped.journal?.steps.find((st) => st.id === 'backups')?.doneAt).toBeNull();
    // What was not reached yet is still there: the hold preserves it.
    expect(await s.objectStore.head('backups/t-000001/20260131T020000Z-0a0b0c.db.gz')).not.toBeNull();

    checkpoints.length = 0;
    await service.release('t-000001', actors.admin);
    const rerun = await service.execute(v.id, { confirmSlug: 'tenant-000001' }, actors.am);
    expect((await rerun.done).runs).toBe(2);
    expect((await service.get(v.id)).status).toBe('completed');
  });
});

describe('execution guards', () => {
  it('a cancelled job leaves the request executing; a rerun completes', async () => {
    const s = fx.core.services;
    await seedTenantData(s.objectStore, 't-000001', { tenantsDir: s.tenantDbs.dir, sandboxRoot: join(fx.dataDir, 'sandboxes') });
    const v = await service.file(input('t-000001'), actors.am);
    await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin);
    fx.clock.advance(7 * DAY);
    let jobId = '';
    checkpoints.push((p) => {
      if (p === 'backups:start') s.jobs.cancel(jobId);
    });
    const run = await service.execute(v.id, { confirmSlug: 'tenant-000001' }, actors.am);
    jobId = run.jobId;
    await expect(run.done).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    expect((await service.get(v.id)).status).toBe('executing');
    await expect(service.cancel(v.id, { reason: 'stop it' }, actors.am)).rejects.toMatchObject({ details: { reason: 'ILLEGAL_STATE' } });
    checkpoints.length = 0;
    await (await service.execute(v.id, { confirmSlug: 'tenant-000001' }, actors.am)).done;
    expect((await service.get(v.id)).status).toBe('completed');
  });

  it('refuses to start while another deletion job of the tenant is alive', async () => {
    const v = await service.file(input('t-000001'), actors.am);
    await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin);
    fx.clock.advance(7 * DAY);
    const now = fx.clock.now().toISOString();
    await fx.core.services.controlPlane.db
      .insertInto('jobs')
      .values({ id: 'j-other', kind: 'deletion', tenant_id: 't-000001', state: 'running', phase: '3/8 attachments', done: 0, total: null, bytes_done: 0, bytes_total: null, actor_label: 'x', staff_id: null, params: '{}', result: null, error: null, created_at: now, finished_at: null, heartbeat_at: now, runner: 'other-host:1:x' })
      .execute();
    await expect(service.execute(v.id, { confirmSlug: 'tenant-000001' }, actors.am)).rejects.toMatchObject({ code: 'TENANT_BUSY', details: { jobId: 'j-other' } });
    // A job whose heartbeat stopped (its process died) does not block a resume.
    fx.clock.advance(3 * 60_000);
    const run = await service.execute(v.id, { confirmSlug: 'tenant-000001' }, actors.am);
    await run.done;
  });

  it('the system actor may execute but not approve or file', async () => {
    await expect(service.file(input('t-000001'), actors.system)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const v = await service.file(input('t-000001'), actors.am);
    await expect(service.approve(v.id, { parametersHash: v.parametersHash }, actors.system)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('queue', () => {
  it('filters by status and overdue, sorted by due date', async () => {
    const late = await service.file(input('t-000001', { receivedOn: '2026-05-01' }), actors.am);
    const fresh = await service.file(input('t-000002', { receivedOn: '2026-06-29' }), actors.am);
    const dueToday = await service.file(input('t-000003', { receivedOn: '2026-05-31' }), actors.am);
    const all = await service.list();
    expect(all.rows.map((r) => r.id)).toEqual([late.id, dueToday.id, fresh.id]);
    expect(all.rows.map((r) => [r.due.overdue, r.due.late])).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
    expect((await service.list({ overdue: true })).rows.map((r) => r.id)).toEqual([late.id]);
    fx.clock.advance(DAY);
    expect((await service.list({ overdue: true })).rows.map((r) => r.id)).toEqual([late.id, dueToday.id]);
    await service.cancel(late.id, { reason: 'withdrawn' }, actors.am);
    expect((await service.list({ overdue: true })).total).toBe(1);
    expect((await service.list({ status: 'cancelled' })).rows.map((r) => r.id)).toEqual([late.id]);
    expect((await service.list({ tenantId: 't-000002' })).rows.map((r) => r.id)).toEqual([fresh.id]);
  });
});

describe('the audit log holds no customer personal data', () => {
  it('across file, hold, approve, cancel', async () => {
    const v = await service.file(input('t-000001'), actors.am);
    await service.hold('t-000001', { reason: 'Case 17 v. Acme' }, actors.am);
    await service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin).catch(() => {});
    await service.release('t-000001', actors.admin);
    await service.cancel(v.id, { reason: 'customer stays after all' }, actors.am);
    const text = await auditText();
    for (const p of PERSONAL) expect(text).not.toContain(p);
    expect(text).toContain(v.id);
    expect(text).toContain('CUST-t-000001');
  });
});

describe('tombstones', () => {
  it('guard single and bulk re-creation', async () => {
    const db = deletionDb(fx.core.services.controlPlane.db);
    await db.insertInto('tenant_tombstones').values({ tenant_id: 't-000002', request_id: 'dr-x', certificate_id: 'dc-x', deleted_at: '2026-06-01T00:00:00.000Z' }).execute();
    await expect(assertNotTombstoned(db, 't-000001')).resolves.toBeUndefined();
    await expect(assertNotTombstoned(db, 't-000002')).rejects.toMatchObject({ code: 'TENANT_DELETED', details: { certificateId: 'dc-x', requestId: 'dr-x' } });
    const many = Array.from({ length: 1200 }, (_, i) => `t-${String(i).padStart(6, '0')}`);
    expect([...(await tombstonedAmong(db, many))]).toEqual(['t-000002']);
    await expect(assertNoneTombstoned(db, many)).rejects.toMatchObject({ code: 'TENANT_DELETED' });
    await expect(assertNoneTombstoned(db, ['t-000001', 't-000003'])).resolves.toBeUndefined();
    expect(await service.tombstone('t-000002')).toMatchObject({ certificateId: 'dc-x' });
  });
});
