/**
 * The queue and the request page are loaded when first opened: most staff never visit
 * them, and they would push the start-up bundle past Vite's 500 kB warning. A chunk
 * is a file of our own origin, so the CSP (script-src 'self') allows it under both
 * app:// and the web host.
 */
import { lazy, Suspense } from 'react';
import { Spinner } from '../ui/Spinner';

const Queue = lazy(() => import('./pages').then((m) => ({ default: m.DeletionQueuePage })));
const Request = lazy(() => import('./pages').then((m) => ({ default: m.DeletionRequestPage })));

export function DeletionQueuePage() {
  return (
    <Suspense fallback={<Spinner label="Opening the deletion requests…" />}>
      <Queue />
    </Suspense>
  );
}

export function DeletionRequestPage({ requestId }: { requestId: string }) {
  return (
    <Suspense fallback={<Spinner label="Opening the deletion request…" />}>
      <Request requestId={requestId} />
    </Suspense>
  );
}
