/** The deletion screens loaded on first visit (lazy-pages.tsx): their own chunk, off the start-up path. */
export { DeletionQueuePage } from './DeletionQueuePage';
export { DeletionRequestPage } from './DeletionRequestPage';
