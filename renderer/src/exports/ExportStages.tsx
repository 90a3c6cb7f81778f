/**
 * The stages of a running export, under its progress bar: preparing, the lists, the
 * attachment archives, manifest and checksums, verification, the upload. The bar
 * (JobProgress) says how far; this says what is being done and what is left.
 * Fed by the job's progress events (and jobs.get once, for a job already under way).
 */
import { useEffect, useState } from 'react';
import { call, onEvent } from '../api/client';
import { stageIndex, stagesFor, STAGE_LABEL, type DestinationKind, type ExportProfile } from './export-format';

export function ExportStages({ jobId, profile, destination }: { jobId: string; profile: ExportProfile | null; destination: DestinationKind | null }) {
  const stages = stagesFor(profile, destination);
  const [at, setAt] = useState<{ index: number; running: boolean }>({ index: -1, running: true });

  useEffect(() => {
    let live = true;
    const place = (phase: string, state: string) => {
      if (!live) return;
      const running = state === 'running';
      const index = stageIndex(stages, phase, state === 'succeeded');
      // Phases only move forward; a late, older event never takes the stage back.
      setAt((prev) => ({ index: Math.max(prev.index, index), running: prev.running && running }));
    };
    const off = onEvent((e) => {
      if (e.type === 'job' && e.jobId === jobId) place(e.phase, e.state);
    });
    call('jobs.get', { jobId }).then(
      (v) => place(v.phase, v.state),
      () => {
        /* the bar shows the error; the stages simply stay where they are */
      },
    );
    return () => {
      live = false;
      off();
    };
    // stages derive from profile and destination, which do not change for a job
  }, [jobId]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!at.running) return null;
  return (
    <ol className="export-stages" aria-label="Export stages">
      {stages.map((s, i) => {
        const state = i < at.index ? 'done' : i === at.index ? 'current' : 'todo';
        return (
          <li key={s} className={`export-stages__item export-stages__item--${state}`} data-stage={s} data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
            {STAGE_LABEL[s]}
          </li>
        );
      })}
    </ol>
  );
}
