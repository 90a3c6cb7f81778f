/**
 * A PostgreSQL tenant's live database as a restore target (issue 8: "Live restore
 * loads into a new database and swaps by renaming databases (both names journaled)").
 *
 *   stage:  the verified snapshot file is loaded into `<live>_l_<h>` (one transaction;
 *           keys built after the rows), then renamed to `<live>_r_<h>`: a staged
 *           database under its name is always complete;
 *   swap:   live → `<live>_b_<h>` and `<live>_r_<h>` → live in ONE transaction
 *           (PostgreSQL renames are transactional), so after a crash the server holds
 *           both old names or both new ones, never a tenant without a database;
 *   finish: the kept `<live>_b_<h>` is dropped.
 *
 * `<h>` is 10 hex digits of the request ID's hash: every name fits PostgreSQL's
 * 63 bytes whatever the live name, and one request's names never meet another's.
 * The names go into the journal before anything is created under them.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { restoreSnapshotToFile } from '../backups/snapshot.verifier';
import { takeSnapshotOfCopy } from '../backups/snapshot.writer';
import { ENTITY_ORDER } from '../schema';
import { CustosError } from '../shared/errors';
import type { PostgresTenantAdmin, PostgresTenantDatabase } from '../storage/postgres';
import { assertDatabaseName, MAX_DATABASE_NAME_BYTES } from '../storage/postgres';
import { dumpPostgresTenant, makeTenantCopyDir } from '../tenants/tenant-databases';
import { countsDiffer, type FileRow, type LiveTarget, type SwapState, type TargetContext } from './live-target';
import { applySelectionPostgres } from './selective.postgres';

const SUFFIX_BYTES = '_x_'.length + 10;

export function restoreDatabaseNames(live: string, requestId: string): { live: string; loading: string; staged: string; kept: string; failed: string } {
  assertDatabaseName(live);
  const h = createHash('sha256').update(requestId).digest('hex').slice(0, 10);
  // Names are ASCII (checked above), so characters are bytes.
  const base = live.slice(0, MAX_DATABASE_NAME_BYTES - SUFFIX_BYTES).replace(/_+$/, '') || 'tenant';
  const name = (tag: string) => assertDatabaseName(`${base}_${tag}_${h}`);
  return { live, loading: name('l'), staged: name('r'), kept: name('b'), failed: name('x') };
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function postgresLiveTarget(admin: PostgresTenantAdmin, database: string, ctx: TargetContext): LiveTarget {
  const n = restoreDatabaseNames(database, ctx.requestId);
  const exists = (name: string) => admin.databaseExists(name);

  /** A private folder for one temporary SQLite file, removed whatever happens (a crash leaves it to the start-up sweep, sweepTenantCopies). */
  async function withTempFile<T>(fn: (file: string) => Promise<T>): Promise<T> {
    const dir = await makeTenantCopyDir(ctx.tmpDir, ctx.tenantId, 'restore');
    try {
      return await fn(join(dir, 'tenant.sqlite'));
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  async function withLive<T>(fn: (db: PostgresTenantDatabase) => Promise<T>): Promise<T> {
    const db = await admin.openTenant(n.live, ctx.tenantId, { readonly: true });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  return {
    engine: 'postgres',
    names: n,
    where: `PostgreSQL database ${n.live}`,
    exists: async () => (await exists(n.live)) || (await exists(n.kept)),
    async swapState(): Promise<SwapState> {
      if (await exists(n.staged)) return 'staged';
      return (await exists(n.kept)) ? 'swapped' : 'lost';
    },
    async stage(snapshotId, { signal, progress }, cp) {
      return withTempFile(async (file) => {
        const r = await restoreSnapshotToFile({ objectStore: ctx.objectStore, tenantId: ctx.tenantId, snapshotId, tmpDir: ctx.tmpDir, clock: ctx.clock, targetPath: file, signal, progress });
        // What a crashed run left under these names is incomplete or stale: never reused.
        await admin.dropTenantDatabase(n.loading);
        await admin.dropTenantDatabase(n.staged);
        await admin.loadFromSqlite(file, n.loading, { tenantId: ctx.tenantId, signal, progress: (p) => progress({ ...p, phase: 'load' }) });
        cp('after-load');
        await admin.renameDatabase(n.loading, n.staged);
        return r.manifest;
      });
    },
    async discardStaged() {
      await admin.dropTenantDatabase(n.loading);
      await admin.dropTenantDatabase(n.staged);
    },
    // A dump of one instant, then issue 5's writer with gzip level 1, as on SQLite.
    safetySnapshot: ({ signal, progress }) =>
      takeSnapshotOfCopy(() => dumpPostgresTenant(admin, n.live, ctx.tenantId, { tmpDir: ctx.tmpDir, signal, progress: (p) => progress({ ...p, phase: 'dump' }) }), {
        tenantId: ctx.tenantId,
        objectStore: ctx.objectStore,
        clock: ctx.clock,
        tmpDir: ctx.tmpDir,
        appVersion: ctx.appVersion,
        compressionLevel: 1,
        signal,
        progress,
      }),
    async swap(_lw, cp) {
      await admin.renameDatabases([
        [n.live, n.kept],
        [n.staged, n.live],
      ]);
      cp('after-rename');
    },
    async check(expectedCounts, schemaVersion) {
      // A crash between the rename and re-opening leaves live closed to connections.
      await admin.allowConnections(n.live);
      try {
        return await withLive(async (db) => {
          const { schemaVersion: v } = await db.checkSchema();
          if (v !== schemaVersion) return `schema version ${v} instead of ${schemaVersion}`;
          return expectedCounts ? countsDiffer(expectedCounts, await countAll(db)) : null;
        });
      } catch (e) {
        return (e as Error).message;
      }
    },
    async putBack() {
      if (!(await exists(n.kept))) return false;
      await admin.renameDatabases([
        [n.live, n.failed],
        [n.kept, n.live],
      ]);
      await admin.dropTenantDatabase(n.failed);
      return true;
    },
    async *fileRows(signal) {
      const db = await admin.openTenant(n.live, ctx.tenantId, { readonly: true });
      try {
        for await (const r of db.stream('files', { signal })) yield { id: Number(r.id), objectKey: String(r.object_key) } satisfies FileRow;
      } finally {
        await db.close();
      }
    },
    async removeKept() {
      await admin.allowConnections(n.live);
      for (const name of [n.kept, n.staged, n.loading, n.failed]) await admin.dropTenantDatabase(name);
    },
    rowCounts: () => withLive(countAll),
    countPresent: (plan) =>
      withLive(async (db) => {
        let count = 0;
        for (const [entity, ids] of Object.entries(plan.insert)) {
          if (!ids?.length) continue;
          if (!(ENTITY_ORDER as readonly string[]).includes(entity)) throw new CustosError('INVALID_INPUT', 'The restore plan is malformed.', 'Preview the selection again');
          const [row] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${q(entity)} WHERE id = ANY($1::bigint[])`, [ids]);
          count += Number(row?.n ?? 0);
        }
        return count;
      }),
    insertRecords: async (sandboxPath, plan, signal) => {
      await applySelectionPostgres({ snapshotPath: sandboxPath, admin, database: n.live, tenantId: ctx.tenantId, plan, signal });
    },
  };
}

/** Rows per table, entities and schema_meta: the key set a snapshot manifest counts. */
async function countAll(db: PostgresTenantDatabase): Promise<Record<string, number>> {
  const out: Record<string, number> = { ...(await db.counts()) };
  const [meta] = await db.rows<{ n: number }>('SELECT count(*) AS n FROM schema_meta');
  out.schema_meta = Number(meta?.n ?? 0);
  return out;
}
