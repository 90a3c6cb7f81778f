/**
 * Crash fixture (issue 7: "a crash mid-way (kill a child process at each step)
 * followed by a rerun completes"). Run as
 *
 *   node --import tsx app/deletion/deletion-crash.child.ts '<json args>'
 *
 * It opens the same control plane file, object store and tenants folder as the
 * test, runs the executor on a request already `executing`, and SIGKILLs itself
 * at the checkpoint named `killAt` — no cleanup, no flush, exactly like a power cut.
 * Exits 0 if the run completed without reaching the checkpoint, 3 on an error.
 */
import { AuditLog } from '../audit/audit.service';
import { openSqliteControlPlane } from '../control-plane/sqlite.control-plane';
import { ManualClock } from '../shared/clock.port';
import { noProgress } from '../shared/progress';
import { openTestStore, type TestStoreArg } from '../testing/store-arg';
import { DEFAULT_DELETION_CONFIG } from './deletion.config';
import { DeletionExecutor } from './deletion.executor';
import { actors } from './deletion.fixture';
import { SqliteTenantDatabaseDropper } from './tenant-database.dropper';

export interface CrashChildArgs {
  controlPlanePath: string;
  tenantsDir: string;
  store: TestStoreArg;
  requestId: string;
  now: string;
  killAt: string;
  sandboxDirs: string[];
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as CrashChildArgs;
  const clock = new ManualClock(new Date(args.now));
  const cp = await openSqliteControlPlane(args.controlPlanePath);
  const store = await openTestStore(args.store);
  const audit = new AuditLog(cp, clock, 'crash-child');
  const executor = new DeletionExecutor({
    controlPlane: cp,
    objectStore: store,
    dropper: new SqliteTenantDatabaseDropper(args.tenantsDir),
    audit,
    clock,
    config: DEFAULT_DELETION_CONFIG,
    appVersion: 'crash-child',
    sandboxDirs: () => args.sandboxDirs,
    checkpoint: (point) => {
      if (point === args.killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
  try {
    await executor.run(args.requestId, { signal: new AbortController().signal, progress: noProgress, actor: actors.system });
  } finally {
    await store.close();
    await cp.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(3);
  },
);
