// Checks the package layout without the Electron runtime (it cannot be downloaded
// here): electron-builder --linux --dir against a STAND-IN electronDist, with
// overrides on the command line only, so the stand-in never reaches the real build
// config (`npm run dist` on a desktop builds the real installers). Then inspects
// app.asar: built main, preload, core worker and renderer are in; no TypeScript
// sources, tests or dev-only packages; better-sqlite3's native module unpacked.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar');
const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
};

const work = mkdtempSync(join(tmpdir(), 'custos-pack-'));
const problems = [];
try {
  if (!existsSync('dist/renderer/index.html')) run('npm', ['run', '--silent', 'build:renderer']);
  run('npm', ['run', '--silent', 'build:main']);
  const standIn = join(work, 'electron-dist');
  mkdirSync(join(standIn, 'resources'), { recursive: true });
  writeFileSync(join(standIn, 'electron'), '#!/bin/sh\necho "stand-in for the Electron runtime (packaging layout check only)"\n');
  chmodSync(join(standIn, 'electron'), 0o755);
  writeFileSync(join(standIn, 'version'), '39.8.10');
  const out = join(work, 'out');
  // The real config, read as it is, with the stand-in overrides applied in memory only.
  const yaml = require('js-yaml');
  const config = yaml.load(readFileSync('electron-builder.yml', 'utf8'));
  // Fuses are flipped on a real Electron binary, not on the stand-in (null overrides the file's hook).
  config.afterPack = null;
  const builder = require('electron-builder');
  // electron-builder lists every duplicate dependency on one enormous line; keep CI logs readable.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => (String(chunk).includes('duplicate dependency references') ? true : write(chunk, ...rest));
  await builder.build({
    targets: builder.Platform.LINUX.createTarget('dir'),
    config: { ...config, electronDist: standIn, electronVersion: '39.8.10', npmRebuild: false, directories: { ...config.directories, output: out } },
  });

  const unpackedDir = readdirSync(out).find((d) => d.endsWith('-unpacked'));
  if (!unpackedDir) throw new Error(`no *-unpacked folder in ${out}`);
  const resources = join(out, unpackedDir, 'resources');
  const files = asar.listPackage(join(resources, 'app.asar')).map((f) => f.replace(/\\/g, '/'));
  const has = (p) => files.includes(p);
  for (const must of ['/package.json', '/dist/main/electron.main.cjs', '/dist/main/preload.cjs', '/dist/main/core.worker.cjs', '/dist/renderer/index.html']) {
    if (!has(must)) problems.push(`missing from app.asar: ${must}`);
  }
  const ts = files.filter((f) => /\.(ts|tsx|mts)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('/node_modules/'));
  if (ts.length) problems.push(`TypeScript sources shipped: ${ts.slice(0, 5).join(', ')}`);
  const tests = files.filter((f) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) && !f.includes('/node_modules/'));
  if (tests.length) problems.push(`tests shipped: ${tests.slice(0, 5).join(', ')}`);
  for (const dir of ['/app', '/main', '/renderer/src', '/e2e', '/bench']) {
    if (files.some((f) => f === dir || f.startsWith(`${dir}/`))) problems.push(`source folder shipped: ${dir}`);
  }
  for (const dev of ['vitest', 'typescript', 'vite', '@playwright/test', 'electron', 'electron-builder', 's3rver', 'react', 'esbuild']) {
    if (files.some((f) => f === `/node_modules/${dev}` || f.startsWith(`/node_modules/${dev}/`))) problems.push(`dev-only package shipped: ${dev}`);
  }
  const unpacked = join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3');
  if (!existsSync(unpacked)) problems.push('better-sqlite3 is not unpacked from app.asar (native modules cannot load from inside it)');
  console.log(`app.asar: ${files.length} entries checked`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length) {
  console.error('package check failed:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('package check: ok');
