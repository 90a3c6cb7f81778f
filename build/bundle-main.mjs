// Bundles the Electron shell (main, preload, core worker) to CommonJS in dist/main.
// Sandboxed preloads must be CommonJS; native modules stay external (unpacked from asar).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['electron', 'better-sqlite3', '@node-rs/argon2', 'pg-native'],
  define: { 'process.env.CUSTOS_VERSION': JSON.stringify(pkg.version) },
  logLevel: 'warning',
};
await build({ ...common, entryPoints: { 'electron.main': 'main/electron.main.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } });
await build({ ...common, entryPoints: { preload: 'main/preload.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } });
await build({ ...common, entryPoints: { 'core.worker': 'main/core.worker.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } });
console.log('bundled dist/main/{electron.main,preload,core.worker}.cjs');
