/**
 * Two consoles on one PostgreSQL control plane (issue 8: "two jobs on one tenant"):
 * each runs its own job runner, so the per-process ordering cannot see the other's
 * jobs; the control plane's tenant lock does. A restore on one desktop holds an
 * export on the other until it ends (the export waits, shown as a phase, and can be
 * cancelled); jobs of other tenants, and shared jobs beside each other, run at once;
 * a lock dies with its connection (a crashed desktop blocks nobody).
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../api/contract';
import { AuditLog } from '../audit/audit.service';
import type { ControlPlane } from '../control-plane/control-plane.port';
import { TENANT_LOCK_SPACE, openPostgresControlPlane } from '../control-plane/postgres.control-plane';
import { systemClock } from '../shared/clock.port';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import { JobRunner } from './job-runner';

const actor = { staffId: 's-1', label: 'ann@vendor.example', roles: ['technical'], sessionId: null, transport: 'http' as const };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let tp: TestPostgres;
beforeAll(async () => {
  tp = await startTestPostgres();
});
afterAll(async () => tp?.close());

/** One desktop: its own pool on the shared control plane and its own job runner. */
interface Desktop {
  cp: ControlPlane;
  jobs: JobRunner;
}
let a: Desktop;
let b: Desktop;
async function desktop(): Promise<Desktop> {
  const cp = await openPostgresControlPlane({ url: tp.url, poolSize: 3 });
  return { cp, jobs: new JobRunner(cp, systemClock, new AuditLog(cp, systemClock, 'test'), new EventEmitter<{ event: [ConsoleEvent] }>()) };
}
beforeEach(async () => {
  a = await desktop();
  b = await desktop();
});
afterEach(async () => {
  for (const d of [a, b]) {
    d.jobs.close();
    await d.cp.close();
  }
});

function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { open, wait };
}

describe('tenant jobs across two consoles on one PostgreSQL control plane', () => {
  it('a restore on one desktop holds an export of the same tenant on the other; another tenant runs at once', async () => {
    const order: string[] = [];
    const hold = gate();
    const restore = a.jobs.start({ kind: 'restore', tenantId: 't-1', actor, params: {}, exclusive: true, run: async () => {
      order.push('restore:start');
      await hold.wait;
      order.push('restore:end');
    } });
    await expect.poll(() => order).toContain('restore:start');

    const exp = b.jobs.start({ kind: 'export', tenantId: 't-1', actor, params: {}, run: async () => void order.push('export:run') });
    const other = b.jobs.start({ kind: 'export', tenantId: 't-2', actor, params: {}, run: async () => void order.push('other:run') });
    await other.done;
    await expect.poll(async () => (await b.jobs.get(exp.jobId)).phase).toBe('waiting for another console');
    expect(order).not.toContain('export:run');

    hold.open();
    await Promise.all([restore.done, exp.done]);
    expect(order.indexOf('export:run')).toBeGreaterThan(order.indexOf('restore:end'));
    expect((await b.jobs.get(exp.jobId)).state).toBe('succeeded');
  }, 30_000);

  it('shared jobs run beside each other; an exclusive one waits for both', async () => {
    const order: string[] = [];
    const h1 = gate();
    const h2 = gate();
    const e1 = a.jobs.start({ kind: 'export', tenantId: 't-3', actor, params: {}, run: async () => (order.push('e1:start'), await h1.wait) });
    const e2 = b.jobs.start({ kind: 'snapshot', tenantId: 't-3', actor, params: {}, run: async () => (order.push('e2:start'), await h2.wait) });
    await expect.poll(() => order.length).toBe(2);
    const del = b.jobs.start({ kind: 'deletion', tenantId: 't-3', actor, params: {}, exclusive: true, run: async () => void order.push('deletion') });
    await sleep(300);
    h1.open();
    await e1.done;
    await sleep(1500);
    expect(order).not.toContain('deletion'); // e2, on its own desktop's runner, still holds a shared lock
    h2.open();
    await Promise.all([e2.done, del.done]);
    expect(order.at(-1)).toBe('deletion');
  }, 30_000);

  it('a job waiting for the other console can be cancelled', async () => {
    const hold = gate();
    const restore = a.jobs.start({ kind: 'restore', tenantId: 't-4', actor, params: {}, exclusive: true, run: async () => hold.wait });
    await sleep(200);
    const exp = b.jobs.start({ kind: 'export', tenantId: 't-4', actor, params: {}, run: async () => 'ran' });
    await expect.poll(async () => (await b.jobs.get(exp.jobId)).phase).toBe('waiting for another console');
    expect(b.jobs.cancel(exp.jobId)).toBe(true);
    await expect(exp.done).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    hold.open();
    await restore.done;
  }, 30_000);

  it('a lock dies with its connection: a crashed desktop blocks nobody', async () => {
    const crashed = new pg.Client({ connectionString: tp.url });
    await crashed.connect();
    await crashed.query('SELECT pg_advisory_lock($1::int4, hashtext($2))', [TENANT_LOCK_SPACE, 't-5']);
    expect(await b.cp.tryTenantLock('t-5', 'shared')).toBeNull();
    await crashed.end(); // what the server sees when the process dies
    const release = await b.cp.tryTenantLock('t-5', 'exclusive');
    expect(release).not.toBeNull();
    await release!();
  });
});
