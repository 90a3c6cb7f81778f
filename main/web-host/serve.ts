/**
 * `custos serve`: opens the core on a data folder and serves the console on
 * 127.0.0.1. Prints the one-time URL (and writes it to --url-file for scripts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir, openConsole, toErrorInfo } from '../../app/api';
import { startWebHost } from './web-host';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function ensureRendererBuilt(rendererDir: string): void {
  if (existsSync(join(rendererDir, 'index.html'))) return;
  process.stderr.write('Building the console UI once (npm run build:renderer)…\n');
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(repoRoot, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('the renderer build failed; run `npm run build:renderer` to see why');
}

export async function serveMain(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      'url-file': { type: 'string' },
      'demo-tenants': { type: 'string' },
      'demo-history': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('Usage: custos serve [--data-dir DIR] [--port N] [--url-file FILE] [--demo-tenants N] [--demo-history N]\n\nServes the console on 127.0.0.1 for any Chromium. The printed URL carries a one-time token.\n');
    return;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const rendererDir = join(repoRoot, 'dist', 'renderer');
  ensureRendererBuilt(rendererDir);
  process.stderr.write(`Opening the console on ${dataDir} (a demo fleet is created on first start)…\n`);
  const demo: { tenants?: number; backupHistoryTenants?: number } = {};
  if (values['demo-tenants'] !== undefined) demo.tenants = Number(values['demo-tenants']);
  if (values['demo-history'] !== undefined) demo.backupHistoryTenants = Number(values['demo-history']);
  const core = await openConsole({ dataDir, demo });
  const host = await startWebHost({ core, rendererDir, port: Number(values.port) });
  if (values['url-file']) writeFileSync(values['url-file'], host.url + '\n', { mode: 0o600 });
  process.stdout.write(`Custos console: ${host.url}\n`);
  const stop = async () => {
    await host.close();
    await core.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  serveMain(process.argv.slice(2)).catch((e) => {
    const info = toErrorInfo(e);
    process.stderr.write(`custos serve: ${info.code === 'INTERNAL' ? (e as Error).message : info.message}\n${info.hint ? `→ ${info.hint}\n` : ''}`);
    process.exit(1);
  });
}
