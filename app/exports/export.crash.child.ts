/**
 * Child process for the crash test (export.service.test.ts): runs an export that
 * stalls in the middle of the attachments, says so on stdout, and waits to be
 * killed with SIGKILL — a crash with the package half written.
 */
import type { Readable } from 'node:stream';
import { systemClock } from '../shared/clock.port';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { SqliteTenantDatabase } from '../storage/sqlite/sqlite.tenant-database';
import { runExport } from './export.service';

interface ChildArgs {
  dbPath: string;
  storeDir: string;
  outDir: string;
  tenantId: string;
  slug: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const inner = new LocalObjectStore({ dir: args.storeDir });
let gets = 0;
const stalling = Object.assign(Object.create(inner) as LocalObjectStore, {
  async get(key: string, options?: { signal?: AbortSignal }): Promise<Readable> {
    if (++gets === 5) {
      process.stdout.write('MIDWAY\n');
      await new Promise((resolve) => setTimeout(resolve, 120_000));
    }
    return inner.get(key, options);
  },
});

const db = await SqliteTenantDatabase.open(args.dbPath, args.tenantId, { readonly: true });
await runExport({
  tenantId: args.tenantId,
  tenantSlug: args.slug,
  tenantName: 'Crash AB',
  db,
  objectStore: stalling,
  profile: 'advanced',
  formats: ['csv', 'xlsx'],
  outDir: args.outDir,
  volumeLimitBytes: 64 * 1024,
  staff: { id: 'crash', label: 'Crash test' },
  billing: { status: 'free' },
  appVersion: 'test',
  clock: systemClock,
  signal: new AbortController().signal,
  progress: () => {},
});
process.stdout.write('FINISHED\n');
await db.close();
