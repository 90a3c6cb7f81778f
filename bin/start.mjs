#!/usr/bin/env node
// `npm start`: builds the console and opens the Electron window on the embedded
// default (data folder with a demo fleet, created on first start). Where the
// Electron runtime is missing (it cannot be downloaded on some machines), it says
// so and serves the same console in the browser instead: `npx custos serve`.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

let electronPath = null;
try {
  electronPath = require('electron');
  if (typeof electronPath !== 'string' || !existsSync(electronPath)) electronPath = null;
} catch {
  electronPath = null;
}

run('npm', ['run', '--silent', 'build']);
if (electronPath) {
  const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stderr.write(
    '\nThe Electron runtime is not installed on this machine (its download was skipped or blocked),\n' +
      'so the desktop window cannot open. Serving the same console in your browser instead —\n' +
      'this is what `npx custos serve` does. Open the URL below in Chromium or Chrome.\n\n',
  );
  const child = spawn(process.execPath, ['bin/custos.mjs', 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
