export * from './crm.schema';
export { tenantDdl, entityDdl } from './sqlite.ddl';
