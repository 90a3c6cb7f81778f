import type { ControlPlaneDb } from './control-plane.schema';

/**
 * The control plane (ARCHITECTURE.md "Data at rest"): the tenant catalogue and the
 * console's shared state. Services query it through kysely so that SQLite (embedded
 * default) and PostgreSQL (hosted, issue 8) run the same queries.
 */
export type TenantLockMode = 'shared' | 'exclusive';

export interface ControlPlane {
  readonly engine: 'sqlite' | 'postgres';
  readonly location: string;
  readonly db: ControlPlaneDb;
  /**
   * Runs `fn` in a transaction that holds the named lock against other processes
   * sharing this control plane (audit chain appends, request approvals). SQLite:
   * BEGIN IMMEDIATE; PostgreSQL: pg_advisory_xact_lock.
   */
  exclusive<T>(lockName: string, fn: (trx: ControlPlaneDb) => Promise<T>): Promise<T>;
  /**
   * A lock on one tenant's jobs, held against other processes sharing this control
   * plane (several desktops on one PostgreSQL control plane) for as long as a job
   * runs: 'exclusive' (restore, deletion) alone, 'shared' (export, snapshot) beside
   * each other. Resolves to the release, or null at once when another process holds
   * a lock that conflicts. If the process dies, the database releases it.
   * SQLite: always granted — one desktop, whose job runner orders its own jobs.
   */
  tryTenantLock(tenantId: string, mode: TenantLockMode): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}
