import { describe, expect, it } from 'vitest';
import { formatEta, isFinal, jobKindLabel, phaseLabel, progressAmounts, progressFraction } from './job-format';
import { createRunningJobsStore, overallFraction } from './running-jobs.store';

describe('formatEta', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    [-3, ''],
    [Number.NaN, ''],
    [0, 'a few seconds left'],
    [9, 'a few seconds left'],
    [12, 'about 10 s left'],
    [26, 'about 30 s left'],
    [54, 'about 50 s left'],
    [55, 'about 1 min left'],
    [89, 'about 1 min left'],
    [90, 'about 2 min left'],
    [117, 'about 2 min left'],
    [125, 'about 2 min left'],
    [150, 'about 3 min left'],
    [59 * 60, 'about 59 min left'],
    [3600, 'about 1 h left'],
    [3600 + 20 * 60, 'about 1 h 20 min left'],
    [2 * 3600 + 58 * 60, 'about 3 h left'],
  ])('%s s → %j', (s, text) => expect(formatEta(s)).toBe(text));
});

describe('progress', () => {
  const base = { state: 'running' as const, done: 0, total: null, bytesDone: 0, bytesTotal: null };
  it.each([
    [base, null],
    [{ ...base, done: 3, total: 12 }, 0.25],
    [{ ...base, done: 3, total: 0 }, null],
    [{ ...base, done: 3, total: 12, bytesDone: 512, bytesTotal: 1024 }, 0.5], // bytes win
    [{ ...base, bytesDone: 2048, bytesTotal: 1024 }, 1], // never past the end
    [{ ...base, state: 'succeeded' as const }, 1],
  ])('%j → %s', (j, f) => expect(progressFraction(j)).toBe(f));

  it.each([
    [{ done: 3, total: 12, bytesDone: 0, bytesTotal: null }, '3 of 12'],
    [{ done: 3, total: 12, bytesDone: 1536, bytesTotal: 10 * 1024 * 1024 }, '1.5 KiB of 10 MiB'],
    [{ done: 0, total: null, bytesDone: 2048, bytesTotal: null }, '2.0 KiB'],
    [{ done: 0, total: null, bytesDone: 0, bytesTotal: null }, ''],
  ])('amounts %j → %j', (j, text) => expect(progressAmounts(j)).toBe(text));

  it('names phases and kinds in words, and keeps unknown ones', () => {
    expect(phaseLabel('compress+upload')).toBe('Compressing and uploading');
    expect(phaseLabel('reticulating')).toBe('Reticulating');
    expect(phaseLabel('')).toBe('Working');
    expect(jobKindLabel('verify')).toBe('Verification');
    expect(jobKindLabel('reindex')).toBe('Reindex');
  });

  it.each([
    ['running', false],
    ['succeeded', true],
    ['failed', true],
    ['cancelled', true],
    ['interrupted', true],
  ] as const)('%s is final: %s', (s, f) => expect(isFinal(s)).toBe(f));
});

describe('running jobs store', () => {
  const ev = (jobId: string, state: 'running' | 'succeeded' | 'failed' | 'cancelled', done = 1) =>
    ({ type: 'job', jobId, kind: 'snapshot', tenantId: 't-000001', state, phase: 'copy', done, total: 4, bytesDone: 0, bytesTotal: null, etaSeconds: 30 }) as const;

  it('lists running jobs, keeps an ended one for a moment, ignores stale events', async () => {
    const store = createRunningJobsStore(20);
    store.receive(ev('j-1', 'running', 1));
    store.receive(ev('j-2', 'running', 3));
    expect(store.getSnapshot().map((j) => j.jobId)).toEqual(['j-1', 'j-2']);
    expect(overallFraction(store.getSnapshot())).toBe(0.5);
    store.receive(ev('j-1', 'succeeded', 4));
    store.receive(ev('j-1', 'running', 2)); // a late event does not bring it back to life
    expect(store.getSnapshot().find((j) => j.jobId === 'j-1')!.state).toBe('succeeded');
    store.receive(ev('j-3', 'failed')); // an unknown job that already ended is not shown
    expect(store.getSnapshot()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 40));
    expect(store.getSnapshot().map((j) => j.jobId)).toEqual(['j-2']);
  });
});
