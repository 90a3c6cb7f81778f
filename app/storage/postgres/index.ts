/** Tenant databases on PostgreSQL (issue 8): the adapter, its administration, and the transport policy. */
export {
  PostgresTenantDatabase,
  openPostgresTenant,
  inspectPostgresSchema,
  DEFAULT_STREAM_BATCH,
  type PostgresSchemaReport,
  type PostgresOpenOptions,
} from './postgres.tenant-database';
export {
  PostgresTenantAdmin,
  openPostgresTenantAdmin,
  type PostgresTenantAdminOptions,
  type CopyOptions,
  type LoadOptions,
  type CopyResult,
  type TenantTransaction,
} from './postgres.tenant-admin';
export {
  decidePostgresTransport,
  postgresConnectionSettings,
  postgresUrlFromEnv,
  withDatabase,
  SSL_MODES,
  type SslMode,
  type PostgresTransportDecision,
  type PgConnectionSettings,
  type PgTlsOptions,
} from './tls.policy';
export { assertDatabaseName, databaseNameProblem, tenantDatabaseName, MAX_DATABASE_NAME_BYTES } from './database-name';
export { pgTenantDdl, pgTenantDdlPhases, pgColumnType } from './postgres.ddl';
export { PG_TYPES, createPgPool } from './pg-connection';
