export { ExportsPanel, type ExportTenant } from './ExportsPanel';
