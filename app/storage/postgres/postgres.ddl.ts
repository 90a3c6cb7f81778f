import { ENTITIES, TENANT_SCHEMA_VERSION, type ColumnDef, type ColumnType, type EntityDef } from '../../schema';
import { tenantDdl as sqliteTenantDdl } from '../../schema/sqlite.ddl';

/**
 * PostgreSQL DDL for a tenant database, generated from the schema description
 * (app/schema/crm.schema.ts), so both engines have one source of truth.
 *
 * Type choices, for parity with SQLite (a PostgreSQL tenant's snapshot is a
 * SQLite file that must hold exactly the same values, issue 8):
 * - id, ref, integer: bigint — SQLite integers are 64-bit.
 * - boolean: integer 0/1, as SQLite holds them and exports print them (not
 *   PostgreSQL's boolean, which would read back as true/false).
 * - decimal: text, e.g. "1234.50". Exactly the characters SQLite holds: numeric
 *   would rewrite "1e3" or "+5", and exports and snapshots must carry the stored
 *   value, not a re-formatted one. Arithmetic on amounts is not done in SQL here.
 * - text, datetime, date: text (ISO 8601 UTC text, sortable, as on SQLite).
 * - No FOREIGN KEY constraints: SQLite does not enforce them for the CRM, and real
 *   tenant data can hold dangling references (a deleted company that persons still
 *   point at); the database must keep them as they are so that exports can report
 *   them (EXPORT.md "dangling reference"). Indexes on the references are kept.
 * - Indexes: the same statements as SQLite's (they are portable SQL); the database
 *   is created with LC_COLLATE "C" so text compares byte-wise as on SQLite.
 */

export function pgColumnType(type: ColumnType): 'bigint' | 'integer' | 'text' {
  switch (type) {
    case 'id':
    case 'ref':
    case 'integer':
      return 'bigint';
    case 'boolean':
      return 'integer';
    default:
      return 'text';
  }
}

/** Whether a column's values are integers (parsed as such from COPY text). */
export function isIntegerColumn(c: Pick<ColumnDef, 'type'>): boolean {
  return pgColumnType(c.type) !== 'text';
}

function columnSql(c: ColumnDef): string {
  const notNull = c.type === 'id' || !c.nullable ? ' NOT NULL' : '';
  return `"${c.name}" ${pgColumnType(c.type)}${notNull}`;
}

/** CREATE TABLE without the primary key (added after a bulk load: one index build instead of a row-by-row one). */
export function pgTableDdl(e: EntityDef): string {
  return `CREATE TABLE "${e.name}" (\n  ${e.columns.map(columnSql).join(',\n  ')}\n)`;
}

export function pgPrimaryKeyDdl(e: EntityDef): string {
  return `ALTER TABLE "${e.name}" ADD CONSTRAINT "${e.name}_pkey" PRIMARY KEY (id)`;
}

export const PG_SCHEMA_META_DDL = 'CREATE TABLE schema_meta (key text PRIMARY KEY, value text NOT NULL)';

/** The secondary indexes, taken from the SQLite DDL (plain CREATE [UNIQUE] INDEX … ON t(cols), valid on both engines). */
export function pgIndexDdl(): string[] {
  return sqliteTenantDdl().filter((s) => /^CREATE (UNIQUE )?INDEX /.test(s));
}

export interface PgTenantDdl {
  /** Tables (no keys yet) and schema_meta. */
  tables: string[];
  /** Primary keys and indexes: after the rows, when bulk loading. */
  keys: string[];
}

export function pgTenantDdlPhases(): PgTenantDdl {
  return {
    tables: [...ENTITIES.map(pgTableDdl), PG_SCHEMA_META_DDL],
    keys: [...ENTITIES.map(pgPrimaryKeyDdl), ...pgIndexDdl()],
  };
}

/** Everything an empty tenant database needs, in order, including its schema version. */
export function pgTenantDdl(): string[] {
  const { tables, keys } = pgTenantDdlPhases();
  return [...tables, ...keys, `INSERT INTO schema_meta (key, value) VALUES ('schema_version', '${TENANT_SCHEMA_VERSION}')`];
}
