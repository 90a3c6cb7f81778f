import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { openSqliteControlPlane } from '../control-plane/sqlite.control-plane';
import type { ControlPlane } from '../control-plane/control-plane.port';
import { AuditLog } from '../audit/audit.service';
import type { ConsoleEvent, JobProgressEvent } from '../api/contract';
import { systemClock } from '../shared/clock.port';
import { throwIfAborted } from '../shared/progress';
import { tempDir } from '../testing/temp-dir';
import { JobRunner } from './job-runner';

const actor = { staffId: 's-1', label: 'ann@vendor.example', roles: ['support'], sessionId: null, transport: 'http' as const };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('job runner', () => {
  let tmp: ReturnType<typeof tempDir>;
  let cp: ControlPlane;
  let jobs: JobRunner;
  let audit: AuditLog;
  let events: EventEmitter<{ event: [ConsoleEvent] }>;
  const seen: JobProgressEvent[] = [];

  beforeEach(async () => {
    tmp = tempDir();
    cp = await openSqliteControlPlane(join(tmp.dir, 'cp.sqlite'));
    audit = new AuditLog(cp, systemClock, 'test');
    events = new EventEmitter();
    seen.length = 0;
    events.on('event', (e) => e.type === 'job' && seen.push(e));
    jobs = new JobRunner(cp, systemClock, audit, events);
  });
  afterEach(async () => {
    jobs.close();
    await cp.close();
    tmp.remove();
  });

  it('reports progress, ends in a result record, audits start and end', async () => {
    const { jobId, done } = jobs.start({
      kind: 'demo',
      tenantId: 't-1',
      actor,
      params: { n: 3 },
      async run({ progress }) {
        for (let i = 1; i <= 3; i++) {
          progress({ phase: 'counting', done: i, total: 3 });
          await sleep(250);
        }
        return { counted: 3 };
      },
    });
    expect(await done).toEqual({ counted: 3 });
    const v = await jobs.get(jobId);
    expect(v).toMatchObject({ state: 'succeeded', done: 3, total: 3, result: { counted: 3 } });
    expect(seen.some((e) => e.phase === 'counting' && e.state === 'running')).toBe(true);
    expect(seen.at(-1)).toMatchObject({ state: 'succeeded' });
    const trail = (await audit.query({ tenantId: 't-1' })).map((r) => r.action).reverse();
    expect(trail).toEqual(['job.start:demo', 'job.end:demo']);
  });

  it('cancel stops the work between units and records it as cancelled', async () => {
    let units = 0;
    const { jobId, done } = jobs.start({
      kind: 'demo',
      tenantId: 't-1',
      actor,
      params: {},
      async run({ signal }) {
        for (;;) {
          throwIfAborted(signal);
          units++;
          await sleep(10);
        }
      },
    });
    await sleep(100);
    expect(jobs.cancel(jobId)).toBe(true);
    await expect(done).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    expect((await jobs.get(jobId)).state).toBe('cancelled');
    const after = units;
    await sleep(50);
    expect(units).toBe(after);
  });

  it('an exclusive job waits for the running jobs of its tenant, and others wait for it', async () => {
    const order: string[] = [];
    const mk = (name: string, exclusive: boolean, ms: number) =>
      jobs.start({ kind: name, tenantId: 't-9', actor, params: {}, exclusive, run: async () => {
        order.push(`${name}:start`);
        await sleep(ms);
        order.push(`${name}:end`);
      } }).done;
    const a = mk('export', false, 150);
    await sleep(20);
    const b = mk('restore', true, 50);
    await sleep(20);
    const c = mk('export2', false, 10);
    await Promise.all([a, b, c]);
    expect(order.indexOf('restore:start')).toBeGreaterThan(order.indexOf('export:end'));
    expect(order.indexOf('export2:start')).toBeGreaterThan(order.indexOf('restore:end'));
  });

  it('a job left running by a dead process is shown as interrupted after restart', async () => {
    await cp.db.insertInto('jobs').values({ id: 'j-dead', kind: 'export', tenant_id: 't-1', state: 'running', phase: 'csv', done: 5, total: 10, bytes_done: 0, bytes_total: null, actor_label: 'x', staff_id: null, params: '{}', result: null, error: null, created_at: '2020-01-01T00:00:00Z', finished_at: null, heartbeat_at: '2020-01-01T00:00:00Z', runner: 'other-host:1:abc' }).execute();
    expect(await jobs.recoverStale()).toBe(1);
    const v = await jobs.get('j-dead');
    expect(v.state).toBe('interrupted');
    expect(v.error?.hint).toMatch(/again/);
  });
});
