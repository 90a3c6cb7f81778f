import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { measure } from '../../bench/measure';
import type { TenantRecord } from '../control-plane/tenant-record';
import { runExport } from '../exports/export.service';
import { withSqliteRowBatches } from '../exports/sqlite.row-batches';
import { systemClock } from '../shared/clock.port';
import { noProgress, type ProgressReport } from '../shared/progress';
import { LocalObjectStore } from '../storage/object-store/local.object-store';
import { PostgresTenantAdmin } from '../storage/postgres';
import { TenantDatabases } from '../tenants/tenant-databases';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import type { SnapshotManifest } from './snapshot.manifest';
import { takeSnapshot, takeSnapshotOfCopy } from './snapshot.writer';
import { createTestTenantDb } from './tenant-db.fixture';

const execFileP = promisify(execFile);

/**
 * Engines benchmark (issue 8 "Performance", `npm run bench -- engines`): the same
 * tenant on SQLite and on PostgreSQL, in one process, each taken through the path
 * the console itself uses (no shortcut the product does not take):
 *
 * - load: the SQLite tenant file into a new PostgreSQL database
 *   (PostgresTenantAdmin.loadFromSqlite, as `demo seed --engine postgres` does);
 * - snapshot: SQLite, takeSnapshot of the live file (online backup copy, check,
 *   gzip-6, store, manifest); PostgreSQL, as BackupService.snapshotTenant does it:
 *   TenantDatabases.sqliteCopy (dumpToSqlite, one REPEATABLE READ transaction) then
 *   takeSnapshotOfCopy (takeSnapshot with `privateCopy`, the dump removed after). Both into a LocalObjectStore;
 * - the reference for the PostgreSQL snapshot: `pg_dump -Fc` (custom format, its
 *   default zlib level, the same as our gzip-6) and `pg_dump | gzip -6` (plain SQL)
 *   of the same database, in the same run, each written to a file;
 * - export: the advanced profile's lists as CSV, as ExportConsole.start runs it:
 *   TenantDatabases.withConsistent (SQLite: the live file; PostgreSQL: a SQLite dump
 *   of one instant, removed afterwards) → withSqliteRowBatches → runExport.
 *
 * The tenant is createTestTenantDb's (every table `rows` rows, activities sized to
 * reach `sizeMb`, 1,000-character bodies) without `files` rows: attachment bytes
 * live in the object store whatever the engine, and are benchmarked by `exports`.
 *
 * Peak RSS is of this process, sampled every 20 ms (bench/measure.ts) while the
 * step runs; `rssStartMb` is where it started from. Everything (temp folder,
 * PostgreSQL databases) is removed at the end, also on failure.
 */
export interface EnginesBenchOptions {
  /** Size of the activities (the big table) in the SQLite file; the other tables add about 55 MB at 20,000 rows each. */
  sizeMb: number;
  /** Rows in every table other than activities (default 20,000). */
  rows?: number;
  /** Parent of the temp folder (default: the OS temp folder). */
  dir?: string;
  /** Also run the pg_dump references (default true). */
  pgDump?: boolean;
  log?: (line: string) => void;
}

export interface StepFigures {
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  peakRssMb: number;
  rssStartMb: number;
}

export interface SnapshotFigures extends StepFigures {
  compressedBytes: number;
  /** PostgreSQL only: the dump into a temporary SQLite file (part of `seconds`). */
  dumpSeconds?: number;
  rowCounts: Record<string, number>;
}

export interface ExportFigures extends StepFigures {
  /** From the first list row to the manifest (the lists themselves). */
  listSeconds: number;
  /** PostgreSQL only: the consistent dump before the export starts (part of `seconds`). */
  dumpSeconds?: number;
  counts: Record<string, number>;
  packageBytes: number;
}

export interface PgDumpFigures {
  /** `pg_dump --version`, e.g. "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)". */
  version: string;
  binary: string;
  /** `pg_dump -Fc -f FILE` (custom format, default compression). */
  custom: { seconds: number; bytes: number; peakRssMb: number | null };
  /** `pg_dump | gzip -6 > FILE` (plain SQL). */
  plainGzip: { seconds: number; bytes: number; peakRssMb: number | null };
}

export interface EnginesBenchResult {
  dbBytes: number;
  /** Rows of the tenant's entity tables (what load and snapshot carry). */
  rows: number;
  serverVersion: string;
  /** The throwaway database the tenant was loaded into (dropped at the end, with everything under its run's prefix). */
  pgDatabase: string;
  load: StepFigures & { pgDatabaseBytes: number };
  snapshot: { sqlite: SnapshotFigures; postgres: SnapshotFigures };
  /** null when pg_dump was not run; `pgDumpMissing` says why. */
  pgDump: PgDumpFigures | null;
  pgDumpMissing: string | null;
  export: { sqlite: ExportFigures; postgres: ExportFigures };
}

const TENANT = 't-bench-engines';
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;
const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);

function record(engine: TenantRecord['dbEngine'], dbLocation: string, dbSizeBytes: number): TenantRecord {
  return {
    id: TENANT,
    slug: 'bench-engines',
    name: 'Bench Engines AB',
    plan: 'commercial',
    status: 'active',
    region: 'eu-west-1',
    createdAt: '2024-01-01T00:00:00.000Z',
    dpaVersion: null,
    dpaAcceptedAt: null,
    dbEngine: engine,
    dbLocation,
    dbSizeBytes,
    attachmentCount: 0,
    attachmentBytes: 0,
    lastSnapshotAt: null,
    freeExportUsedAt: null,
    legalHold: null,
  };
}

function figures(seconds: number, rows: number, peakRssMb: number, rssStartMb: number): StepFigures {
  return { seconds: round(seconds), rows, rowsPerSecond: Math.round(rows / Math.max(seconds, 1e-6)), peakRssMb: round(peakRssMb, 1), rssStartMb: round(rssStartMb, 1) };
}

const rssMb = (): number => process.memoryUsage.rss() / 1024 / 1024;

/** The pg_dump that matches the server's major version: the cluster's own, else the one on PATH. */
async function findPgDump(serverMajor: number): Promise<{ binary: string; version: string } | { missing: string }> {
  const candidates = [process.env.CUSTOS_BENCH_PG_DUMP, `/usr/lib/postgresql/${serverMajor}/bin/pg_dump`, '/usr/bin/pg_dump', 'pg_dump'].filter((c): c is string => !!c);
  const tried: string[] = [];
  for (const binary of candidates) {
    if (binary.includes('/') && !existsSync(binary)) {
      tried.push(`${binary} (not found)`);
      continue;
    }
    try {
      const { stdout } = await execFileP(binary, ['--version']);
      const version = stdout.trim();
      const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1]);
      if (major === serverMajor) return { binary, version };
      tried.push(`${binary} (${version}; the server is ${serverMajor})`);
    } catch (e) {
      tried.push(`${binary} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return { missing: `no pg_dump for PostgreSQL ${serverMajor}: tried ${tried.join(', ')}` };
}

/** Runs a bash command line; wall seconds, and the peak RSS of the command named after /usr/bin/time when it is there. */
async function timedCommand(command: string, rssFile: string | null): Promise<{ seconds: number; peakRssMb: number | null }> {
  const t0 = performance.now();
  await execFileP('bash', ['-o', 'pipefail', '-c', command], { maxBuffer: 1 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  let peakRssMb: number | null = null;
  if (rssFile && existsSync(rssFile)) {
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kb) && kb > 0) peakRssMb = round(kb / 1024, 1);
  }
  return { seconds: round(seconds), peakRssMb };
}

/** The server's version, from one short connection (the admin's pool is its own). */
async function serverSettings(url: string): Promise<{ version: string; versionNum: number }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string; n: string }>("SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n");
    return { version: rows[0]?.v ?? '?', versionNum: Number(rows[0]?.n ?? 0) };
  } finally {
    await client.end().catch(() => {});
  }
}

const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

export async function benchEngines(options: EnginesBenchOptions): Promise<EnginesBenchResult> {
  const log = options.log ?? ((): void => {});
  const work = mkdtempSync(path.join(options.dir ?? tmpdir(), 'custos-bench-engines-'));
  const tenantsDir = path.join(work, 'tenants');
  const tmpDir = path.join(work, 'tmp');
  const outDir = path.join(work, 'exports');
  for (const d of [tenantsDir, tmpDir, outDir]) mkdirSync(d);
  const store = new LocalObjectStore({ dir: path.join(work, 'store') });
  let testPg: TestPostgres | null = null;
  let admin: PostgresTenantAdmin | null = null;
  let tenantDbs: TenantDatabases | null = null;
  try {
    // 1. The tenant, as a SQLite file.
    const fileName = `${TENANT}.sqlite`;
    const dbPath = path.join(tenantsDir, fileName);
    // About 1.2 KB per activity row with a 1000-character body (as the backups and restore benchmarks).
    const activities = Math.max(100, Math.round((options.sizeMb * 1024 * 1024) / 1200));
    log(`creating a SQLite tenant of about ${options.sizeMb} MB (${activities} activities)…`);
    createTestTenantDb(dbPath, { rows: options.rows ?? 20_000, activities, bodyChars: 1000 });
    const raw = new Database(dbPath);
    try {
      raw.exec('DELETE FROM files');
    } finally {
      raw.close();
    }
    const dbBytes = statSync(dbPath).size;

    // 2. The same tenant loaded into a throwaway PostgreSQL database.
    testPg = await startTestPostgres();
    const server = testPg;
    const pgDatabase = server.name('engines_tenant');
    admin = await PostgresTenantAdmin.open({ url: server.serverUrl });
    log(`loading it into PostgreSQL database ${pgDatabase}…`);
    const adminNow = admin;
    const rssLoad = rssMb();
    const loaded = await measure(() => adminNow.loadFromSqlite(dbPath, pgDatabase, { tenantId: TENANT }));
    const rows = loaded.value.totalRows;
    const pgDatabaseBytes = (await admin.databaseSizeBytes(pgDatabase)) ?? 0;
    await admin.close();
    admin = null;
    const versionRows = await serverSettings(server.serverUrl);
    const serverVersion = versionRows.version;
    const serverMajor = Math.floor(versionRows.versionNum / 10000);

    tenantDbs = new TenantDatabases(tenantsDir, { postgres: { url: server.serverUrl } });
    const sqliteTenant = record('sqlite', fileName, dbBytes);
    const pgTenant = record('postgres', pgDatabase, pgDatabaseBytes);
    const dbs = tenantDbs;
    const longWork = { signal: new AbortController().signal, progress: noProgress };
    const common = { tenantId: TENANT, objectStore: store, clock: systemClock, tmpDir, appVersion: 'bench', ...longWork };

    // 3. Snapshots, each as BackupService.snapshotTenant takes it.
    log('snapshot of the SQLite tenant…');
    const rss0 = rssMb();
    const snapSqlite = await measure(() => takeSnapshot({ ...common, dbPath: dbs.pathOf(sqliteTenant) }));
    log('snapshot of the PostgreSQL tenant…');
    let snapDumpSeconds = 0;
    const rss1 = rssMb();
    const snapPg = await measure(() =>
      takeSnapshotOfCopy(async () => {
        const d0 = performance.now();
        const copy = await dbs.sqliteCopy(pgTenant, { tmpDir, signal: longWork.signal, progress: noProgress });
        snapDumpSeconds = (performance.now() - d0) / 1000;
        return copy;
      }, common),
    );
    const snapRows = (m: SnapshotManifest): number => sum(Object.fromEntries(Object.entries(m.rowCounts).filter(([t]) => t !== 'schema_meta')));

    // 4. pg_dump of the same database, in the same run.
    let pgDump: PgDumpFigures | null = null;
    let pgDumpMissing: string | null = null;
    if (options.pgDump ?? true) {
      const found = await findPgDump(serverMajor);
      if ('missing' in found) {
        pgDumpMissing = found.missing;
      } else {
        const url = server.urlFor(pgDatabase);
        const time = existsSync('/usr/bin/time');
        const custom = path.join(work, 'pg_dump.custom');
        const plain = path.join(work, 'pg_dump.sql.gz');
        const rssA = path.join(work, 'pg_dump-custom.rss');
        const rssB = path.join(work, 'pg_dump-plain.rss');
        const timePrefix = (file: string): string => (time ? `/usr/bin/time -f %M -o ${q(file)} ` : '');
        log('pg_dump -Fc…');
        const a = await timedCommand(`${timePrefix(rssA)}${q(found.binary)} -Fc --dbname=${q(url)} -f ${q(custom)}`, time ? rssA : null);
        log('pg_dump | gzip -6…');
        const b = await timedCommand(`${timePrefix(rssB)}${q(found.binary)} --dbname=${q(url)} | gzip -6 > ${q(plain)}`, time ? rssB : null);
        pgDump = {
          version: found.version,
          binary: found.binary,
          custom: { ...a, bytes: statSync(custom).size },
          plainGzip: { ...b, bytes: statSync(plain).size },
        };
        rmSync(custom, { force: true });
        rmSync(plain, { force: true });
      }
    }

    // 5. Exports, as ExportConsole.start runs them.
    const exportOf = async (tenant: TenantRecord): Promise<ExportFigures> => {
      const dest = mkdtempSync(path.join(outDir, `${tenant.dbEngine}-`));
      let listStart = 0;
      let listEnd = 0;
      let dumpSeconds = 0;
      const rssStart = rssMb();
      const t0 = performance.now();
      const m = await measure(() =>
        dbs.withConsistent(tenant, { tmpDir, signal: longWork.signal, progress: noProgress }, (db) => {
          dumpSeconds = (performance.now() - t0) / 1000;
          return runExport({
            tenantId: tenant.id,
            tenantSlug: tenant.slug,
            tenantName: tenant.name,
            db: withSqliteRowBatches(db),
            objectStore: store,
            profile: 'advanced',
            formats: ['csv'],
            outDir: dest,
            staff: { id: 'bench', label: 'Benchmark' },
            billing: { status: 'free' },
            appVersion: 'bench',
            clock: systemClock,
            signal: longWork.signal,
            progress: (p: ProgressReport) => {
              const now = performance.now();
              if (p.phase === 'list' && listStart === 0) listStart = now;
              if (p.phase === 'manifest' && listEnd === 0) listEnd = now;
            },
          });
        }),
      );
      const exported = sum(m.value.counts);
      rmSync(dest, { recursive: true, force: true });
      return {
        ...figures(m.seconds, exported, m.peakRssMb, rssStart),
        listSeconds: round((listEnd - listStart) / 1000),
        ...(tenant.dbEngine === 'postgres' ? { dumpSeconds: round(dumpSeconds) } : {}),
        counts: m.value.counts,
        packageBytes: m.value.bytes,
      };
    };
    log('CSV export of the SQLite tenant…');
    const exportSqlite = await exportOf(sqliteTenant);
    log('CSV export of the PostgreSQL tenant…');
    const exportPg = await exportOf(pgTenant);

    return {
      dbBytes,
      rows,
      serverVersion,
      pgDatabase,
      load: { ...figures(loaded.seconds, rows, loaded.peakRssMb, rssLoad), pgDatabaseBytes },
      snapshot: {
        sqlite: { ...figures(snapSqlite.seconds, snapRows(snapSqlite.value), snapSqlite.peakRssMb, rss0), compressedBytes: snapSqlite.value.compressedBytes, rowCounts: snapSqlite.value.rowCounts },
        postgres: {
          ...figures(snapPg.seconds, snapRows(snapPg.value), snapPg.peakRssMb, rss1),
          compressedBytes: snapPg.value.compressedBytes,
          dumpSeconds: round(snapDumpSeconds),
          rowCounts: snapPg.value.rowCounts,
        },
      },
      pgDump,
      pgDumpMissing,
      export: { sqlite: exportSqlite, postgres: exportPg },
    };
  } finally {
    await tenantDbs?.close().catch(() => {});
    await admin?.close().catch(() => {});
    await testPg?.close().catch((e: unknown) => log(`could not drop the benchmark's PostgreSQL databases: ${(e as Error).message}`));
    await store.close().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}
