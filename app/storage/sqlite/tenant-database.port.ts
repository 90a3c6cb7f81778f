import type { EntityName } from '../../schema';

/** One row of a tenant table, as read from the engine (parsed at the boundary by callers). */
export type Row = Record<string, unknown>;

export type EntityCounts = Record<EntityName, number>;

export interface StreamOptions {
  /** Rows are returned ordered by id. */
  afterId?: number;
  batchSize?: number;
  signal?: AbortSignal;
}

/**
 * A tenant's own database (one per tenant, PRODUCT.md "Storage and residency").
 * Reads stream: a caller never loads a whole table.
 */
export interface TenantDatabase {
  readonly engine: 'sqlite' | 'postgres';
  readonly tenantId: string;
  /** Throws TENANT_SCHEMA_UNEXPECTED with what differs, if the tables do not match the schema description. */
  checkSchema(): Promise<{ schemaVersion: number }>;
  counts(): Promise<EntityCounts>;
  stream(entity: EntityName, options?: StreamOptions): AsyncIterable<Row>;
  /** Row counts grouped by one column's value (e.g. activities by subject_type). */
  countBy(entity: EntityName, column: string): Promise<Record<string, number>>;
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}
