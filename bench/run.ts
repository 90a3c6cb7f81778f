/**
 * `npm run bench`: performance is measured here, never asserted with a timer in a
 * test. Each line prints a ratio against a reference run in the same process
 * (a bare insert, raw SQL, the sqlite3 CLI, GNU tar, pg_dump) and peak memory.
 * `npm run bench -- foundation` runs one group.
 */
import { benchFoundation } from './foundation.bench';

const groups: Record<string, () => Promise<void>> = {
  foundation: () => benchFoundation({ size: process.env.BENCH_SIZE === 'large' ? 'large' : 'medium' }),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(groups);
process.stdout.write(`Custos benchmarks on ${process.platform} ${process.arch}, node ${process.version}, ${new Date().toISOString()}\n`);
for (const name of names) {
  const g = groups[name];
  if (!g) {
    process.stderr.write(`unknown benchmark group ${name}; known: ${Object.keys(groups).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n== ${name}\n`);
  await g();
}
