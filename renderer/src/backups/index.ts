export { BackupsPanel } from './BackupsPanel';
export { FleetHealthPage } from './FleetHealthPage';
