#!/usr/bin/env node
// `custos` (npx custos …): the CLI of the domain core, and `custos serve` for the web host.
// Runs the TypeScript sources through tsx, so a fresh clone needs only `npm ci`.
import { register } from 'tsx/esm/api';

register();
const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'serve') {
    const { serveMain } = await import('../main/web-host/serve.ts');
    await serveMain(rest);
  } else {
    const { cliMain } = await import('../app/cli/main.ts');
    process.exitCode = await cliMain(process.argv.slice(2));
  }
} catch (e) {
  process.stderr.write(`custos: ${e && e.message ? e.message : String(e)}\n`);
  if (e && e.hint) process.stderr.write(`→ ${e.hint}\n`);
  process.exitCode = 1;
}
