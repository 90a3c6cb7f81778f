import { ENTITIES, TENANT_SCHEMA_VERSION, type ColumnDef, type EntityDef } from './crm.schema';

/** SQLite DDL generated from the schema description, so there is only one source of truth. */
function columnSql(c: ColumnDef): string {
  const notNull = c.nullable ? '' : ' NOT NULL';
  switch (c.type) {
    case 'id':
      return `"${c.name}" INTEGER PRIMARY KEY`;
    case 'ref':
      return `"${c.name}" INTEGER${notNull}${c.references ? ` REFERENCES "${c.references}"(id)` : ''}`;
    case 'integer':
    case 'boolean':
      return `"${c.name}" INTEGER${notNull}`;
    default:
      return `"${c.name}" TEXT${notNull}`;
  }
}

export function entityDdl(e: EntityDef): string {
  return `CREATE TABLE "${e.name}" (\n  ${e.columns.map(columnSql).join(',\n  ')}\n)`;
}

export function tenantDdl(): string[] {
  const stmts = ENTITIES.map(entityDdl);
  stmts.push(
    'CREATE TABLE schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
    `INSERT INTO schema_meta (key, value) VALUES ('schema_version', '${TENANT_SCHEMA_VERSION}')`,
    'CREATE INDEX persons_company ON persons(company_id)',
    'CREATE INDEX opportunities_company ON opportunities(company_id)',
    'CREATE INDEX activities_subject ON activities(subject_type, subject_id)',
    'CREATE INDEX lines_opportunity ON opportunity_lines(opportunity_id)',
    'CREATE INDEX files_owner ON files(owner_type, owner_id)',
    'CREATE UNIQUE INDEX cfd_entity_key ON custom_field_definitions(entity, key)',
    'CREATE INDEX cfv_field_record ON custom_field_values(field_id, record_id)',
  );
  return stmts;
}
