/** Tenant databases on SQLite files: the port and its embedded adapter. */
export type { TenantDatabase, Row, EntityCounts, StreamOptions } from './tenant-database.port';
export {
  SqliteTenantDatabase,
  createTenantDatabaseFile,
  openSqliteTenant,
  tenantDatabasePath,
  DEFAULT_STREAM_BATCH,
  type SqliteOpenOptions,
  type SchemaReport,
} from './sqlite.tenant-database';
