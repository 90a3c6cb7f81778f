/**
 * Crash fixture (issue 6: "the swap interrupted at each journal step (simulate a
 * crash by killing a child process) leaves the old or the new database intact and
 * the rerun finishes"). Run as
 *
 *   node --import tsx app/restore/restore-crash.child.ts '<json args>'
 *
 * It runs the executor on a real tenant file (or PostgreSQL database) against a real object store with a
 * file journal, and SIGKILLs itself at the checkpoint named `killAt` — no cleanup,
 * no flush, like a power cut. Exits 0 when the restore completed, 3 on an error.
 */
import { readFileSync } from 'node:fs';
import { ManualClock } from '../shared/clock.port';
import { writeFileAtomic } from '../shared/fs-atomic';
import { noProgress } from '../shared/progress';
import { openTestStore, type TestStoreArg } from '../testing/store-arg';
import { fileJournal } from './restore.journal';
import { runRestore, type RestoreWork } from './restore.executor';
import { postgresLiveTarget } from './live-target.postgres';
import { sqliteLiveTarget } from './live-target.sqlite';
import { PostgresTenantAdmin } from '../storage/postgres';

export interface RestoreCrashArgs {
  /** The live database: a SQLite file, or a PostgreSQL database on a server (issue 8). */
  live: { engine: 'sqlite'; path: string } | { engine: 'postgres'; serverUrl: string; database: string };
  tmpDir: string;
  journalPath: string;
  /** A JSON file standing in for the catalogue's tenant status. */
  statusPath: string;
  store: TestStoreArg;
  requestId: string;
  tenantId: string;
  work: RestoreWork;
  now: string;
  killAt: string | null;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as RestoreCrashArgs;
  const store = await openTestStore(args.store);
  const clock = new ManualClock(new Date(args.now));
  const ctx = { requestId: args.requestId, tenantId: args.tenantId, objectStore: store, clock, tmpDir: args.tmpDir, appVersion: 'crash-child' };
  const admin = args.live.engine === 'postgres' ? await PostgresTenantAdmin.open({ url: args.live.serverUrl }) : null;
  try {
    const target = args.live.engine === 'postgres' ? postgresLiveTarget(admin!, args.live.database, ctx) : sqliteLiveTarget(args.live.path, ctx);
    const outcome = await runRestore(
      args.work,
      {
        requestId: args.requestId,
        tenantId: args.tenantId,
        target,
        objectStore: store,
        clock,
        journal: fileJournal(args.journalPath),
        tenantStatus: async () => (JSON.parse(readFileSync(args.statusPath, 'utf8')) as { status: string }).status,
        setTenantStatus: async (status) => writeFileAtomic(args.statusPath, JSON.stringify({ status })),
        onSafetySnapshot: async () => {},
        releaseHandles: async () => {},
        checkpoint: (point) => {
          if (point === args.killAt) process.kill(process.pid, 'SIGKILL');
        },
      },
      { signal: new AbortController().signal, progress: noProgress },
    );
    process.stdout.write(JSON.stringify(outcome));
  } finally {
    await admin?.close();
    await store.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(3);
  },
);
