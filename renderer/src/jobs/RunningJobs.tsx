import { useEffect, useRef, useSyncExternalStore } from 'react';
import { buildHash } from '../shell/router';
import { formatEta, jobKindLabel, phaseLabel, progressFraction, STATE_LABEL } from './job-format';
import { overallFraction, runningJobs } from './running-jobs.store';
import './jobs.css';

/**
 * "2 jobs running" in the top bar, with the list on click. Shown only while something
 * runs (or has just ended), so an idle console has an idle bar.
 */
export function RunningJobs() {
  const jobs = useSyncExternalStore(runningJobs.subscribe, runningJobs.getSnapshot);
  // Mounted once in the top bar, for as long as someone is signed in.
  useEffect(() => runningJobs.start(), []);
  const ref = useRef<HTMLDetailsElement>(null);
  // A popover closes on a click elsewhere or Escape, like the account menu beside it.
  useEffect(() => {
    const close = (e: Event) => {
      const d = ref.current;
      if (!d?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !d.contains(e.target as Node)) d.open = false;
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  if (jobs.length === 0) return null;
  const running = jobs.filter((j) => j.state === 'running').length;
  const overall = overallFraction(jobs);
  return (
    <details ref={ref} className="running-jobs" data-testid="running-jobs" data-count={running}>
      <summary className="running-jobs__summary">
        {running > 0 ? <span className="running-jobs__pulse" aria-hidden="true" /> : null}
        <span>{running === 0 ? (jobs.length === 1 ? 'Job finished' : 'Jobs finished') : running === 1 ? '1 job running' : `${running} jobs running`}</span>
        {overall !== null && running > 0 ? <span className="running-jobs__percent">{Math.round(overall * 100)}%</span> : null}
      </summary>
      <ul className="running-jobs__list">
        {jobs.map((j) => {
          const f = progressFraction(j);
          return (
            <li key={j.jobId} className="running-jobs__item" data-state={j.state}>
              <div className="running-jobs__line">
                <span className="running-jobs__kind">{jobKindLabel(j.kind)}</span>
                {j.tenantId ? (
                  <a className="mono running-jobs__tenant" href={buildHash(['tenants', j.tenantId])}>
                    {j.tenantId}
                  </a>
                ) : null}
                <span className="running-jobs__state">{j.state === 'running' ? (f === null ? '' : `${Math.round(f * 100)}%`) : STATE_LABEL[j.state]}</span>
              </div>
              {j.state === 'running' ? (
                <>
                  <div className={f === null ? 'job-progress__bar job-progress__bar--thin job-progress__bar--indeterminate' : 'job-progress__bar job-progress__bar--thin'} aria-hidden="true">
                    <span className="job-progress__fill" style={f === null ? undefined : { width: `${(f * 100).toFixed(1)}%` }} />
                  </div>
                  <p className="running-jobs__meta">
                    {phaseLabel(j.phase)}
                    {j.etaSeconds !== null ? ` · ${formatEta(j.etaSeconds)}` : ''}
                  </p>
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
    </details>
  );
}
