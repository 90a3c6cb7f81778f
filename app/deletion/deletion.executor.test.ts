/**
 * Execution against the real engines (ARCHITECTURE.md: SQLite files, an
 * S3-protocol server on loopback, a local folder — no mocks): nothing is left
 * under the tenant's prefixes, a planted leftover fails verification with its key,
 * and a process killed at each step is finished by a rerun with exact totals.
 */
import { execFileSync } from 'node:child_process';
import { runCrashChild } from '../testing/crash-child';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleFixture, type ConsoleFixture } from '../testing/console-fixture';
import { startS3rver, type S3rverHandle } from '../testing/s3rver';
import { S3ObjectStore } from '../storage/object-store/s3.object-store';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { objectKeys } from '../storage/object-store/object-store.port';
import type { ConsoleServices } from '../runtime/console';
import { collect } from '../storage/object-store/object-store.suite';
import type { ProgressReport } from '../shared/progress';
import { certificateKeys, sha256Hex, verifyCertificateJson, type DeletionCertificate } from './deletion.certificate';
import type { CrashChildArgs } from './deletion-crash.child';
import { actors, ensureDeletionSchema, listKeys, seedTenantData, type SeededTenant } from './deletion.fixture';
import { DELETION_LOCATIONS, parseJournal } from './deletion.journal';
import { DeletionService } from './deletion.service';
import { deletionDb } from './deletion.tables';
import { SqliteTenantDatabaseDropper } from './tenant-database.dropper';
import { assertNotTombstoned } from './tombstone.guard';

const DAY = 86_400_000;
const CHILD = fileURLToPath(new URL('./deletion-crash.child.ts', import.meta.url));
const slugOf = (id: string) => id.replace(/^t-/, 'tenant-');

let s3: S3rverHandle;
beforeAll(async () => {
  s3 = await startS3rver();
}, 30_000);
afterAll(async () => {
  await s3?.close();
});

interface Env {
  fx: ConsoleFixture;
  s: ConsoleServices;
  store: ObjectStore;
  storeArg: CrashChildArgs['store'];
  service: DeletionService;
  seeded: Map<string, SeededTenant>;
  checkpoints: ((point: string) => void | Promise<void>)[];
  close(): Promise<void>;
}

async function setup(kind: 'local' | 's3', tenantIds: string[]): Promise<Env> {
  const fx = await consoleFixture(tenantIds);
  const s = fx.core.services;
  await ensureDeletionSchema(s.controlPlane.db);
  let store: ObjectStore;
  let storeArg: CrashChildArgs['store'];
  if (kind === 'local') {
    store = s.objectStore;
    storeArg = { kind: 'local', dir: join(fx.dataDir, 'objects') };
  } else {
    const prefix = `del-${randomUUID()}`;
    store = await S3ObjectStore.open({
      bucket: s3.bucket,
      region: 'eu-west-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      prefix,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    storeArg = { kind: 's3', endpoint: s3.endpoint, bucket: s3.bucket, prefix };
  }
  const seeded = new Map<string, SeededTenant>();
  for (const id of tenantIds) seeded.set(id, await seedTenantData(store, id, { tenantsDir: s.tenantDbs.dir, sandboxRoot: join(fx.dataDir, 'sandboxes') }));
  const checkpoints: Env['checkpoints'] = [];
  const service = new DeletionService({
    controlPlane: s.controlPlane,
    objectStore: store,
    audit: s.audit,
    jobs: s.jobs,
    clock: fx.clock,
    dropper: new SqliteTenantDatabaseDropper(s.tenantDbs.dir),
    appVersion: 'test',
    sandboxDirs: (id) => seeded.get(id)?.sandboxDirs ?? [],
    checkpoint: async (p) => {
      for (const c of checkpoints) await c(p);
    },
  });
  return {
    fx,
    s,
    store,
    storeArg,
    service,
    seeded,
    checkpoints,
    async close() {
      await s.jobs.idle();
      if (kind === 's3') await store.close();
      await fx.close();
    },
  };
}

/** Files, approves (another staff member) and so schedules; returns the request ID. */
async function fileAndApprove(env: Env, tenantId: string): Promise<string> {
  const v = await env.service.file(
    { tenantId, requestReference: `CUST-${tenantId}`, receivedOn: '2026-06-28', requesterContact: 'Jo Kay <jo@customer.example>', reason: 'Contract ended', wantsFinalExport: false },
    actors.am,
  );
  const approved = await env.service.approve(v.id, { parametersHash: v.parametersHash }, actors.admin);
  expect(approved.status).toBe('scheduled');
  return v.id;
}

async function expectTenantGone(env: Env, t: SeededTenant): Promise<void> {
  // Every location listed again, by the test itself.
  expect(await listKeys(env.store, objectKeys.tenantRoot(t.tenantId))).toEqual([]);
  expect(await listKeys(env.store, objectKeys.attachmentsPrefix(t.tenantId))).toEqual([]);
  expect(await listKeys(env.store, objectKeys.backupsPrefix(t.tenantId))).toEqual([]);
  expect(await listKeys(env.store, objectKeys.exportsPrefix(t.tenantId))).toEqual([]);
  for (const f of t.dbFiles) expect(existsSync(f), f).toBe(false);
  expect(existsSync(`${t.dbFiles[0]}-shm`)).toBe(false);
  for (const d of t.sandboxDirs) expect(existsSync(d), d).toBe(false);
}

async function expectTenantIntact(env: Env, t: SeededTenant): Promise<void> {
  expect((await listKeys(env.store, objectKeys.tenantRoot(t.tenantId))).sort()).toEqual([...t.keys.attachments].sort());
  expect((await listKeys(env.store, objectKeys.backupsPrefix(t.tenantId))).sort()).toEqual([...t.keys.backups].sort());
  expect((await listKeys(env.store, objectKeys.exportsPrefix(t.tenantId))).sort()).toEqual([...t.keys.exports].sort());
  for (const f of t.dbFiles) expect(existsSync(f), f).toBe(true);
  for (const d of t.sandboxDirs) expect(existsSync(d), d).toBe(true);
}

async function readObject(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await store.get(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const runChild = (args: CrashChildArgs) => runCrashChild(CHILD, args);

describe.each(['local', 's3'] as const)('deletion execution on %s storage', (kind) => {
  it('leaves nothing under the tenant prefixes, spares the neighbour, and issues a verifiable certificate', async () => {
    // t-0000011 shares the prefix "t-000001" as a string: it must survive.
    const env = await setup(kind, ['t-000001', 't-0000011']);
    try {
      const target = env.seeded.get('t-000001')!;
      const neighbour = env.seeded.get('t-0000011')!;
      const requestId = await fileAndApprove(env, 't-000001');
      await expect(env.service.execute(requestId, { confirmSlug: slugOf('t-000001') }, actors.am)).rejects.toMatchObject({ code: 'DELETION_TRANSITION_REFUSED', details: { reason: 'GRACE_PERIOD' } });
      env.fx.clock.advance(7 * DAY);

      const { jobId, done } = await env.service.execute(requestId, { confirmSlug: slugOf('t-000001') }, actors.am);
      const result = await done;
      expect((await env.s.jobs.get(jobId))).toMatchObject({ state: 'succeeded', kind: 'deletion', tenantId: 't-000001' });

      await expectTenantGone(env, target);
      await expectTenantIntact(env, neighbour);
      for (const loc of DELETION_LOCATIONS) expect(result.totals[loc], loc).toEqual(target.totals[loc]);

      // The request, the catalogue and the tombstone.
      const view = await env.service.get(requestId);
      expect(view).toMatchObject({ status: 'completed', certificateId: result.certificateId, requesterContact: null, tenantSlug: null, approval: { state: 'consumed' } });
      expect(view.journal?.steps.every((st) => st.doneAt !== null)).toBe(true);
      const tenant = await env.s.catalogue.get('t-000001');
      expect(tenant).toMatchObject({ status: 'deleted', name: 'Deleted tenant t-000001', slug: 'deleted-t-000001', dpaVersion: null, dpaAcceptedAt: null });
      await expect(assertNotTombstoned(env.s.controlPlane.db, 't-000001')).rejects.toMatchObject({ code: 'TENANT_DELETED', details: { certificateId: result.certificateId } });
      await expect(env.service.file({ tenantId: 't-000001', requestReference: 'again', receivedOn: '2026-07-01', requesterContact: 'x', reason: 'x', wantsFinalExport: false }, actors.am)).rejects.toMatchObject({ code: 'TENANT_DELETED' });
      expect(await deletionDb(env.s.controlPlane.db).selectFrom('deletion_inventory').selectAll().execute()).toEqual([]);
      // After completion the control plane keeps the tenant's name only inside the certificate.
      const row = await deletionDb(env.s.controlPlane.db).selectFrom('deletion_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
      expect(parseJournal(row.journal)?.tenant.name).toBeNull();
      expect(JSON.stringify(row)).not.toContain('Tenant t-000001');
      expect(JSON.stringify(row)).not.toContain('jo@customer.example');

      // The certificate: control plane and object store hold the same bytes, and the hash is the JSON's.
      const files = await env.service.certificate('t-000001');
      expect(files.certificateId).toBe(result.certificateId);
      expect(sha256Hex(files.json)).toBe(files.jsonSha256);
      expect(files.jsonSha256).toBe(result.jsonSha256);
      expect(verifyCertificateJson(files.json, files.jsonSha256)).toBe(true);
      const keys = certificateKeys(result.certificateId);
      expect((await readObject(env.store, keys.json)).toString('utf8')).toBe(files.json);
      expect(sha256Hex(await readObject(env.store, keys.pdf))).toBe(files.pdfSha256);
      const cert = JSON.parse(files.json) as DeletionCertificate;
      expect(cert).toMatchObject({
        certificateId: result.certificateId,
        tenant: { id: 't-000001', name: 'Tenant t-000001' },
        request: { id: requestId, reference: 'CUST-t-000001', receivedOn: '2026-06-28', requesterContact: 'Jo Kay <jo@customer.example>', approvedBy: actors.admin.label, filedBy: actors.am.label },
        execution: { executedBy: actors.am.label, runs: 1 },
        snapshots: { count: 3, from: '2026-01-31T02:00:00.000Z', to: '2026-06-29T02:00:00.000Z', undatedObjects: 1 },
        verification: { ok: true, leftoverCount: 0 },
        completedAt: env.fx.clock.now().toISOString(),
      });
      for (const loc of DELETION_LOCATIONS) expect(cert.locations.find((l) => l.id === loc)).toMatchObject(target.totals[loc]);
      const head = await env.s.audit.head();
      // The head printed is the one before the completion record itself.
      expect(cert.auditChainHead!.seq).toBe(head!.seq - 2); // then deletion.complete, job.end
      expect(cert.auditChainHead!.hash).toMatch(/^[0-9a-f]{64}$/);

      const pdfPath = join(env.fx.dataDir, 'certificate.pdf');
      writeFileSync(pdfPath, files.pdf);
      const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
      expect(text).toContain('t-000001');
      expect(text).toContain(files.jsonSha256);
      expect(text).toContain('Certificate of deletion');

      // The audit trail: the operations, and no customer personal data.
      expect((await env.s.audit.verify()).ok).toBe(true);
      const trail = await env.s.audit.query({ tenantId: 't-000001', limit: 1000 });
      expect(trail.map((r) => r.action).reverse()).toEqual([
        'deletion.file',
        'deletion.approve',
        'deletion.schedule',
        'deletion.execute',
        'deletion.execute',
        'job.start:deletion',
        'deletion.complete',
        'job.end:deletion',
      ]);
      expect(trail.find((r) => r.action === 'deletion.execute' && r.outcome.status === 'refused')?.params).toMatchObject({ refusal: 'GRACE_PERIOD' });
      const everything = JSON.stringify(await env.s.audit.query({ limit: 10_000 }));
      for (const personal of ['jo@customer.example', 'Jo Kay', 'Contract ended', 'Tenant t-000001']) expect(everything).not.toContain(personal);
    } finally {
      await env.close();
    }
  });

  it('an object planted during execution fails verification with its key; the request stays executing until a rerun succeeds', async () => {
    const env = await setup(kind, ['t-000001']);
    try {
      const target = env.seeded.get('t-000001')!;
      const requestId = await fileAndApprove(env, 't-000001');
      env.fx.clock.advance(7 * DAY);
      // A nightly backup that was already uploading lands after step 4 emptied the prefix.
      const late = `${objectKeys.backupsPrefix('t-000001')}20260707T020000Z-3a3b3c.db.gz`;
      let planted = false;
      env.checkpoints.push(async (p) => {
        if (p === 'control-plane:start' && !planted) {
          planted = true;
          await env.store.put(late, Buffer.alloc(777, 1));
        }
      });
      const first = await env.service.execute(requestId, { confirmSlug: slugOf('t-000001') }, actors.am);
      const err = await first.done.catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'DELETION_VERIFY_FAILED', details: { leftoverCount: 1, leftovers: [{ location: 'backups', key: late }] } });
      expect((err as Error).message).toContain(late);
      expect((await env.s.jobs.get(first.jobId)).error).toMatchObject({ code: 'DELETION_VERIFY_FAILED' });

      const stuck = await env.service.get(requestId);
      expect(stuck.status).toBe('executing');
      expect(stuck.certificateId).toBeNull();
      expect(stuck.journal?.verification).toMatchObject({ ok: false, leftoverCount: 1 });
      expect(stuck.journal?.lastError).toMatchObject({ code: 'DELETION_VERIFY_FAILED' });
      await expect(env.service.cancel(requestId, { reason: 'give up' }, actors.am)).rejects.toMatchObject({ details: { reason: 'ILLEGAL_STATE' } });
      expect(await listKeys(env.store, objectKeys.backupsPrefix('t-000001'))).toEqual([late]);

      // The rerun, driven directly so that every progress report is seen (the job runner throttles events).
      await env.service.beginExecution(requestId, { confirmSlug: slugOf('t-000001') }, actors.system);
      const reports: ProgressReport[] = [];
      const result = await env.service.run(requestId, actors.system, { signal: new AbortController().signal, progress: (p) => reports.push(p) });
      const phases = [...new Set(reports.map((r) => r.phase))];
      expect(phases).toEqual(['1/8 suspend', '2/8 database', '3/8 attachments', '4/8 backups', '5/8 exports', '6/8 control-plane', '7/8 verify', '8/8 certificate']);
      // Only the late object was left to delete: one item, its bytes.
      expect(reports.filter((r) => r.phase === '4/8 backups').at(-1)).toMatchObject({ done: 1, total: 1, bytesDone: 777, bytesTotal: 777 });
      await expectTenantGone(env, target);
      expect(result.runs).toBe(2);
      // The late object is counted once, with the rest.
      expect(result.totals.backups).toEqual({ objects: target.totals.backups.objects + 1, bytes: target.totals.backups.bytes + 777 });
      const cert = JSON.parse((await env.service.certificate(requestId)).json) as DeletionCertificate;
      expect(cert.snapshots).toMatchObject({ count: 4, to: '2026-07-07T02:00:00.000Z' });
      expect(cert.execution).toMatchObject({ executedBy: actors.system.label, runs: 2 });
      const audit = await env.s.audit.query({ tenantId: 't-000001', action: 'deletion.verify' });
      expect(audit[0]).toMatchObject({ outcome: { status: 'failed', code: 'DELETION_VERIFY_FAILED' }, params: { leftoverCount: 1 } });
    } finally {
      await env.close();
    }
  });

  const ALL_KILL_POINTS = [
    'suspend:item',
    'suspend:done',
    'database:listed',
    'database:done',
    'attachments:item',
    'attachments:done',
    'backups:item',
    'backups:done',
    'exports:item',
    'exports:done',
    'control-plane:done',
    'verify:done',
    'certificate:stored',
  ];
  // Every step on the local store; on s3rver, the steps that talk to the object store (child
  // processes start slowly under tsx, and the other steps do not depend on the store kind).
  const KILL_POINTS = kind === 'local' ? ALL_KILL_POINTS : ['attachments:item', 'backups:item', 'exports:done', 'verify:done', 'certificate:stored'];

  it(
    'a process killed at each step is finished by a rerun, with exact totals',
    async () => {
      const ids = KILL_POINTS.map((_, i) => `t-${String(i + 101).padStart(6, '0')}`);
      const env = await setup(kind, [...ids, 't-000999']);
      try {
        const requests = new Map<string, string>();
        for (const id of ids) requests.set(id, await fileAndApprove(env, id));
        env.fx.clock.advance(7 * DAY);
        const cpPath = join(env.fx.dataDir, 'control-plane.sqlite');
        expect(existsSync(cpPath)).toBe(true);

        for (const [i, killAt] of KILL_POINTS.entries()) {
          const id = ids[i]!;
          const requestId = requests.get(id)!;
          const target = env.seeded.get(id)!;
          await env.service.beginExecution(requestId, { confirmSlug: slugOf(id) }, actors.am);
          const child = await runChild({
            controlPlanePath: cpPath,
            tenantsDir: env.s.tenantDbs.dir,
            store: env.storeArg,
            requestId,
            now: env.fx.clock.now().toISOString(),
            killAt,
            sandboxDirs: target.sandboxDirs,
          });
          expect(child.signal, `${killAt}: ${child.stderr}`).toBe('SIGKILL');

          const mid = await env.service.get(requestId);
          expect(mid.status, killAt).toBe('executing');
          const journal = parseJournal((await deletionDb(env.s.controlPlane.db).selectFrom('deletion_requests').select('journal').where('id', '=', requestId).executeTakeFirstOrThrow()).journal);
          expect(journal?.runs, killAt).toBe(1);

          const rerun = await env.service.execute(requestId, { confirmSlug: slugOf(id) }, actors.am);
          const result = await rerun.done;
          await expectTenantGone(env, target);
          for (const loc of DELETION_LOCATIONS) expect(result.totals[loc], `${killAt} ${loc}`).toEqual(target.totals[loc]);
          expect(result.runs, killAt).toBe(2);
          const files = await env.service.certificate(requestId);
          expect(verifyCertificateJson(files.json, files.jsonSha256), killAt).toBe(true);
          // One certificate per request, whatever the crash left behind.
          expect((await collect(env.store.list(`certificates/${files.certificateId}`))).map((o) => o.key).sort()).toEqual([`certificates/${files.certificateId}.json`, `certificates/${files.certificateId}.pdf`]);
          expect((await env.service.get(requestId)).status).toBe('completed');
        }
        await expectTenantIntact(env, env.seeded.get('t-000999')!);
        expect((await env.s.audit.verify()).ok).toBe(true);
      } finally {
        await env.close();
      }
    },
    240_000,
  );
});
