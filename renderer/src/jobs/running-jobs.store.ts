/**
 * The jobs running right now, for the top bar: seeded from jobs.list when the shell
 * starts, then kept current by progress events. A job that ends stays listed a few
 * seconds with its final state, so a glance at the bar still catches it.
 */
import { call, onEvent, type ConsoleEvent } from '../api/client';
import { isFinal, progressFraction, type JobProgressFacts } from './job-format';

export interface RunningJob extends JobProgressFacts {
  jobId: string;
  kind: string;
  tenantId: string | null;
}

type JobEvent = Extract<ConsoleEvent, { type: 'job' }>;

const LINGER_MS = 6000;

export function createRunningJobsStore(linger = LINGER_MS) {
  let jobs: readonly RunningJob[] = [];
  const listeners = new Set<() => void>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const publish = (next: readonly RunningJob[]) => {
    jobs = next;
    for (const fn of [...listeners]) fn();
  };

  const forget = (jobId: string) => {
    timers.delete(jobId);
    publish(jobs.filter((j) => j.jobId !== jobId));
  };

  const upsert = (job: RunningJob) => {
    const i = jobs.findIndex((j) => j.jobId === job.jobId);
    // A job already listed as ended is not brought back by a late, older event.
    if (i >= 0 && isFinal(jobs[i]!.state) && !isFinal(job.state)) return;
    if (i < 0 && isFinal(job.state)) return;
    publish(i >= 0 ? jobs.map((j, k) => (k === i ? job : j)) : [...jobs, job]);
    if (isFinal(job.state) && !timers.has(job.jobId)) timers.set(job.jobId, setTimeout(() => forget(job.jobId), linger));
  };

  const receive = (e: JobEvent): void => {
    upsert({ jobId: e.jobId, kind: e.kind, tenantId: e.tenantId, state: e.state, phase: e.phase, done: e.done, total: e.total, bytesDone: e.bytesDone, bytesTotal: e.bytesTotal, etaSeconds: e.etaSeconds });
  };

  return {
    getSnapshot: (): readonly RunningJob[] => jobs,
    subscribe(fn: () => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** One job event (exported for tests: the store's whole logic is here). */
    receive,
    /** Listen to events and read what is running already; returns the way to stop. */
    start(): () => void {
      const off = onEvent((e) => {
        if (e.type === 'job') receive(e);
      });
      call('jobs.list', { limit: 50 })
        .then((list) => {
          for (const v of list) {
            if (v.state !== 'running' || jobs.some((j) => j.jobId === v.id)) continue;
            upsert({ jobId: v.id, kind: v.kind, tenantId: v.tenantId, state: v.state, phase: v.phase, done: v.done, total: v.total, bytesDone: v.bytesDone, bytesTotal: v.bytesTotal, etaSeconds: v.etaSeconds });
          }
        })
        .catch(() => {
          /* the indicator is a convenience: without the list, events still fill it */
        });
      return () => {
        off();
        for (const t of timers.values()) clearTimeout(t);
        timers.clear();
        publish([]);
      };
    },
  };
}

export type RunningJobsStore = ReturnType<typeof createRunningJobsStore>;

export const runningJobs = createRunningJobsStore();

/** Overall progress of the running jobs, 0…1, or null when none can say. */
export function overallFraction(list: readonly RunningJob[]): number | null {
  const fs = list.filter((j) => j.state === 'running').map(progressFraction).filter((f): f is number => f !== null);
  if (fs.length === 0) return null;
  return fs.reduce((a, b) => a + b, 0) / fs.length;
}
