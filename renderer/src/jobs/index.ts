export { JobProgress, type JobProgressProps, type JobView } from './JobProgress';
export { RunningJobs } from './RunningJobs';
export { runningJobs } from './running-jobs.store';
export { formatEta, phaseLabel, progressFraction } from './job-format';
