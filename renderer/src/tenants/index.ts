export { TenantDirectory } from './TenantDirectory';
export { TenantPage } from './TenantPage';
export { directoryStore } from './directory-store';
