export { DeletionQueuePage, DeletionRequestPage } from './lazy-pages';
export { DeletionPanel } from './DeletionPanel';
export { canUseDeletions, canFile } from './deletion-actions';
