import { spawn } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs a TypeScript crash fixture (`node --import tsx <file> '<json args>'`) to its end
 * or its SIGKILL, for the tests that kill a process mid-job and check what a rerun
 * finds (deletion, restore). Its stderr is kept for the assertion messages.
 */
export function runCrashChild(file: string, args: unknown): Promise<ChildExit> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS; // vitest's loaders have no business in the child
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(args)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}
