export { FirstAdminForm } from './FirstAdminForm';
