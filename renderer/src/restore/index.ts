export { RestorePanel } from './RestorePanel';
