// Enforces ARCHITECTURE.md's layer table, the way VS Code's code-layering rule
// reports "Bad layering": app/ never imports electron or renderer/; main/ imports
// only electron, node built-ins, its own files and app/api; renderer/ imports only
// types from app/api/contract (and its own files and browser libraries).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { builtinModules } from 'node:module';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const problems = [];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts|mjs)$/.test(name)) yield p;
  }
}

const importRe = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function imports(file) {
  const src = readFileSync(file, 'utf8');
  const out = [];
  for (const m of src.matchAll(importRe)) out.push({ spec: m[3] ?? m[4] ?? m[5], typeOnly: Boolean(m[2]) });
  return out;
}

const within = (file, folder) => file.startsWith(join(root, folder) + sep);

for (const file of files(join(root, 'app'))) {
  for (const { spec } of imports(file)) {
    if (spec === 'electron' || spec.startsWith('electron/')) problems.push(`${relative(root, file)}: app/ must not import electron`);
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (within(target + '.ts', 'renderer') || within(target, 'renderer')) problems.push(`${relative(root, file)}: app/ must not import renderer/ (${spec})`);
      if (within(target + '.ts', 'main') || within(target, 'main')) problems.push(`${relative(root, file)}: app/ must not import main/ (${spec})`);
    }
  }
}

for (const file of files(join(root, 'main'))) {
  const isTest = file.endsWith('.test.ts');
  for (const { spec } of imports(file)) {
    if (spec === 'electron' || builtins.has(spec)) continue;
    // Tests may use test libraries, but reach the core only through app/api like the shell.
    if (isTest && !spec.startsWith('.')) continue;
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (within(target + '.ts', 'main') || within(target, 'main')) continue;
      if (target === join(root, 'app', 'api') || target === join(root, 'app', 'api', 'index')) continue;
      problems.push(`${relative(root, file)}: main/ may import only electron, node built-ins and app/api (found ${spec})`);
      continue;
    }
    problems.push(`${relative(root, file)}: main/ may import only electron, node built-ins and app/api (found ${spec})`);
  }
}

for (const file of files(join(root, 'renderer'))) {
  if (file.endsWith('vite.config.ts')) continue;
  for (const { spec, typeOnly } of imports(file)) {
    if (spec === 'electron' || builtins.has(spec)) problems.push(`${relative(root, file)}: renderer/ must not import ${spec}`);
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (within(target + '.ts', 'app') || within(target, 'app')) {
        const isContract = target === join(root, 'app', 'api', 'contract') || target === join(root, 'app', 'api', 'roles');
        if (!isContract || !typeOnly) problems.push(`${relative(root, file)}: renderer/ may import only types from app/api/contract (found ${typeOnly ? 'type ' : ''}${spec})`);
      }
    }
  }
}

if (problems.length) {
  console.error('Bad layering (ARCHITECTURE.md):\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('layers: ok');
