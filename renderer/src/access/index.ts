export { TenantAccess } from './TenantAccess';
