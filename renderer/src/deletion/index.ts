export { DeletionQueuePage } from './DeletionQueuePage';
export { DeletionRequestPage } from './DeletionRequestPage';
export { DeletionPanel } from './DeletionPanel';
export { canUseDeletions, canFile } from './deletion-actions';
