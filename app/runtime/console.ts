/**
 * Opens the console core on a data folder: config, control plane, object store,
 * tenant databases, services, and the one dispatcher. Every shell (Electron's
 * utility process, the web host, the CLI) starts the core through here.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Dispatcher, type CallContext, type CallResult } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import type { ConsoleEvent } from '../api/contract';
import { AuditLog } from '../audit/audit.service';
import { anchorHead } from '../audit/audit.verify';
import { GrantsService } from '../access/grants.service';
import { JobRunner } from '../jobs/job-runner';
import { BackupService } from '../backups/backup.service';
import { seedBackupHistory } from '../backups/demo-history';
import { createDeletionService, EngineTenantDatabaseDropper, PostgresTenantDatabaseDropper, SqliteTenantDatabaseDropper, type DeletionService } from '../deletion';
import { ExportConsole } from '../exports/export.console';
import type { ControlPlane } from '../control-plane/control-plane.port';
import { openSqliteControlPlane } from '../control-plane/sqlite.control-plane';
import { openPostgresControlPlane } from '../control-plane/postgres.control-plane';
import { postgresUrlFromEnv } from '../storage/postgres';
import { generateFleet } from '../demo';
import { OffsetClock, systemClock, type Clock } from '../shared/clock.port';
import { CustosError } from '../shared/errors';
import { DEFAULT_IDENTITY, StaffService, type IdentityConfig } from '../staff/staff.service';
import { PRODUCTION_KDF } from '../staff/password.hash';
import { openObjectStore } from '../storage/object-store';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { TenantDatabases, sweepTenantCopies, tenantCopiesDir } from '../tenants/tenant-databases';
import { TenantCatalogue } from '../tenants/tenant-catalogue';
import { readConfig, writeConfig, type ConsoleConfig } from './config';
import { APP_VERSION } from './version';
import { createLogger, type Logger } from './logger';
import { RestoreService } from '../restore/restore.service';
import { deleteNewestDeals } from '../demo/mistaken-deletion';

export interface ConsoleOptions {
  dataDir: string;
  /** Tests inject a clock; otherwise the system clock shifted by `clockOffsetDays`. */
  clock?: Clock;
  /** Overrides for tests (e.g. cheaper KDF parameters). */
  identity?: Partial<IdentityConfig>;
  /** Create the demo fleet on first start (default true). */
  seedDemo?: boolean;
  /** Demo fleet size override for first start. */
  demo?: Partial<ConsoleConfig['demo']>;
  log?: Logger;
  /** Where the log files go (the desktop app passes the OS log folder); default <dataDir>/logs. */
  logDir?: string;
}

export interface ConsoleServices {
  dataDir: string;
  config: ConsoleConfig;
  clock: Clock;
  controlPlane: ControlPlane;
  objectStore: ObjectStore;
  catalogue: TenantCatalogue;
  tenantDbs: TenantDatabases;
  staff: StaffService;
  audit: AuditLog;
  grants: GrantsService;
  jobs: JobRunner;
  backups: BackupService;
  deletion: DeletionService;
  exports: ExportConsole;
  restore: RestoreService;
  events: EventEmitter<{ event: [ConsoleEvent] }>;
  log: Logger;
  appVersion: string;
}

export interface ConsoleCore {
  services: ConsoleServices;
  dispatcher: Dispatcher;
  dispatch(ctx: CallContext, op: unknown, input: unknown): Promise<CallResult>;
  onEvent(fn: (e: ConsoleEvent) => void): () => void;
  close(): Promise<void>;
}

function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (e) {
    throw new CustosError('DATA_DIR_UNUSABLE', `The data folder ${dir} cannot be used: ${(e as Error).message}.`, 'Choose another folder with --data-dir or CUSTOS_DATA_DIR, or fix its permissions.');
  }
}

export async function openConsole(options: ConsoleOptions): Promise<ConsoleCore> {
  const dataDir = resolve(options.dataDir);
  ensureDataDir(dataDir);
  const log = options.log ?? createLogger(options.logDir ?? join(dataDir, 'logs'));
  const { config, existed } = readConfig(dataDir);
  if (options.demo) config.demo = { ...config.demo, ...options.demo };
  if (!existed) writeConfig(dataDir, config);

  const clock = options.clock ?? new OffsetClock(systemClock, config.clockOffsetDays * 86_400_000);
  const at = (p: string) => (isAbsolute(p) ? p : join(dataDir, p));

  const tenantsDir = at(config.tenantDatabases.dir);
  mkdirSync(tenantsDir, { recursive: true });
  // Tenants on PostgreSQL (issue 8): the server URL from the environment variable named in
  // custos.json, checked against the transport policy before anything is opened; the server
  // is connected on first use, so SQLite tenants stay usable while it is down.
  const tenantsPg = config.tenantDatabases.postgres;
  const tenantDbs = new TenantDatabases(tenantsDir, tenantsPg ? { postgres: { url: postgresUrlFromEnv(tenantsPg.urlEnv) } } : {});

  // Embedded default: one SQLite file. Hosted (issue 8): PostgreSQL, URL from the environment.
  const controlPlane =
    config.controlPlane.engine === 'sqlite'
      ? await openSqliteControlPlane(at(config.controlPlane.path))
      : await openPostgresControlPlane({ url: postgresUrlFromEnv(config.controlPlane.urlEnv) });
  const objectStore = await openObjectStore(config.objectStore.kind === 'local' ? { ...config.objectStore, dir: at(config.objectStore.dir) } : config.objectStore);
  const catalogue = new TenantCatalogue(controlPlane.db, (r) => tenantDbs.describe(r), objectStore.location);
  const identity: IdentityConfig = {
    ...DEFAULT_IDENTITY,
    lockout: { ...DEFAULT_IDENTITY.lockout, maxFailures: config.identity.maxFailures, lockMinutes: config.identity.lockMinutes },
    sessionIdleMinutes: config.identity.sessionIdleMinutes,
    sessionAbsoluteHours: config.identity.sessionAbsoluteHours,
    kdf: PRODUCTION_KDF,
    ...options.identity,
  };
  const staff = new StaffService(controlPlane, clock, identity);
  const audit = new AuditLog(controlPlane, clock, APP_VERSION);
  const grants = new GrantsService(controlPlane, clock);
  const events = new EventEmitter<{ event: [ConsoleEvent] }>();
  events.setMaxListeners(100);
  const jobs = new JobRunner(controlPlane, clock, audit, events);
  await jobs.recoverStale();

  const services = { dataDir, config, clock, controlPlane, objectStore, catalogue, tenantDbs, staff, audit, grants, jobs, events, log, appVersion: APP_VERSION } as ConsoleServices;
  services.backups = new BackupService(services);
  services.exports = new ExportConsole(services);
  services.restore = new RestoreService(services, config.restore);
  services.deletion = createDeletionService(services, {
    config: config.deletion,
    // Temporary copies of a tenant on this machine (restore sandboxes, verification folders,
    // dumps of a PostgreSQL tenant for a snapshot or an export that a crash left behind).
    sandboxDirs: (tenantId) => [join(dataDir, 'sandboxes', tenantId), tenantCopiesDir(join(dataDir, 'tmp'), tenantId)],
    // Step 2, each tenant's database on the engine its catalogue entry names: a SQLite file,
    // or DROP DATABASE on the tenant PostgreSQL server (connected on first use), verified gone.
    dropper: new EngineTenantDatabaseDropper({
      sqlite: new SqliteTenantDatabaseDropper(tenantsDir),
      ...(tenantDbs.postgresConfigured
        ? {
            postgres: new PostgresTenantDatabaseDropper(
              {
                databaseExists: async (name) => (await tenantDbs.postgresAdmin()).databaseExists(name),
                dropTenantDatabase: async (name) => (await tenantDbs.postgresAdmin()).dropTenantDatabase(name),
              },
              async (name) => (await (await tenantDbs.postgresAdmin()).databaseSizeBytes(name)) ?? 0,
            ),
          }
        : {}),
    }),
    // Other features' control-plane rows about the tenant: the snapshot index (the
    // objects are gone), verification results and holds; the export ledger keeps its
    // billing facts but loses the package locations (they named the tenant).
    controlPlaneScrubbers: [
      async (trx, tenantId) => {
        await trx.deleteFrom('backup_snapshots').where('tenant_id', '=', tenantId).execute();
        await trx.deleteFrom('backup_verifications').where('tenant_id', '=', tenantId).execute();
        await trx.deleteFrom('backup_holds').where('tenant_id', '=', tenantId).execute();
        await trx.updateTable('export_ledger').set({ location: null }).where('tenant_id', '=', tenantId).execute();
        await RestoreService.scrub(trx, tenantId);
      },
    ],
  });

  if ((options.seedDemo ?? true) && (await catalogue.count()) === 0 && config.demo.tenants > 0) {
    const seeded = await controlPlane.db.selectFrom('settings').select('value').where('key', '=', 'demo_seeded_at').executeTakeFirst();
    if (!seeded) {
      const started = Date.now();
      log.info('demo.seed.start', { tenants: config.demo.tenants, seed: config.demo.seed });
      const records = await generateFleet({
        tenantsDir,
        objectStore,
        tenants: config.demo.tenants,
        size: config.demo.size,
        seed: config.demo.seed,
        asOf: startOfUtcDay(clock.now()),
      });
      await catalogue.upsertMany(records, clock.now());
      const withHistory = records.filter((r) => r.status !== 'deleted').slice(0, config.demo.backupHistoryTenants);
      const snapshots = await seedBackupHistory({
        records: withHistory,
        tenantsDir,
        tmpDir: services.backups.tmpDir,
        objectStore,
        backups: services.backups,
        asOf: clock.now(),
        appVersion: APP_VERSION,
      });
      // One history tenant gets a restore story: deals deleted by mistake since its newest snapshot.
      const story = withHistory[2];
      if (story) {
        const newest = (await services.backups.snapshots(story.id)).at(-1);
        if (newest) {
          const deleted = deleteNewestDeals(tenantDbs.pathOf(story), 2, newest.takenAt);
          log.info('demo.restore-story', { tenantId: story.id, opportunities: deleted });
        }
      }
      await controlPlane.db.insertInto('settings').values({ key: 'demo_seeded_at', value: clock.now().toISOString() }).execute();
      log.info('demo.seed.done', { tenants: records.length, snapshots, ms: Date.now() - started });
    }
  }

  // Anchor the audit chain head outside the control plane every few minutes and at close.
  let lastAnchor: { seq: number } | null = null;
  const anchor = async () => {
    try {
      lastAnchor = await anchorHead(audit, objectStore, clock.now(), lastAnchor);
    } catch (e) {
      log.warn('audit.anchor.failed', { error: (e as Error).message });
    }
  };
  const anchorTimer = setInterval(() => void anchor(), 5 * 60_000);
  anchorTimer.unref();
  // Expired restore sandboxes are deleted (issue 6: default 24 h), at start and hourly.
  const sweep = () => services.restore.sweep().catch((e: unknown) => log.warn('restore.sweep.failed', { error: (e as Error).message }));
  await sweep();
  // Temporary tenant copies (PostgreSQL dumps, restores being loaded) left by a crashed run hold customer data: gone at start.
  await sweepTenantCopies(services.backups.tmpDir).then(
    ({ removed }) => removed.length > 0 && log.info('tenant-copies.swept', { removed: removed.length }),
    (e: unknown) => log.warn('tenant-copies.sweep.failed', { error: (e as Error).message }),
  );
  const sweepTimer = setInterval(() => void sweep(), 60 * 60_000);
  sweepTimer.unref();

  const dispatcher = new Dispatcher({
    staff,
    audit,
    grants,
    handlers: createHandlers(services),
    logError: (op, e) => log.error('dispatch.error', { op, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), stack: e instanceof Error ? e.stack : undefined }),
  });

  return {
    services,
    dispatcher,
    dispatch: (ctx, op, input) => dispatcher.dispatch(ctx, op, input),
    onEvent(fn) {
      events.on('event', fn);
      return () => events.off('event', fn);
    },
    async close() {
      clearInterval(anchorTimer);
      clearInterval(sweepTimer);
      jobs.close();
      await anchor();
      await services.restore.close();
      await tenantDbs.close();
      await objectStore.close();
      await controlPlane.close();
      log.close();
    },
  };
}

export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
