import type { ControlPlaneDb } from './control-plane.schema';

/**
 * The control plane (ARCHITECTURE.md "Data at rest"): the tenant catalogue and the
 * console's shared state. Services query it through kysely so that SQLite (embedded
 * default) and PostgreSQL (hosted, issue 8) run the same queries.
 */
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
  close(): Promise<void>;
}
