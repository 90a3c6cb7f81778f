/**
 * The deletion request as the renderer sees it: the contract's output types (the
 * renderer imports only types from app/api, so these are derived, never redeclared).
 */
import type { OpOutput } from '../api/client';

export type DeletionRequestView = OpOutput<'deletion.get'>['request'];
export type DeletionTransitionView = OpOutput<'deletion.get'>['timeline'][number];
export type DeletionStatus = DeletionRequestView['status'];
export type DeletionViewStatus = DeletionRequestView['viewStatus'];
export type DeletionActionType = DeletionRequestView['availableActions'][number];
export type DeletionCertificateView = OpOutput<'deletion.certificate'>;
export type DeletionTombstoneView = NonNullable<OpOutput<'deletion.tombstone'>>;
export type DeletionJournalView = NonNullable<DeletionRequestView['journal']>;
