/**
 * The restore operations' shapes, as the contract declares them (the renderer may
 * import only types from app/api/contract, so they are derived from the operations).
 */
import type { OpInput, OpOutput } from '../api/client';

export type RestorePlan = OpOutput<'restore.plan'>;
export type PlanCandidate = Extract<RestorePlan, { kind: 'exact' }>['snapshot'];
export type SandboxView = OpOutput<'restore.sandboxes'>[number];
export type EntityComparison = OpOutput<'restore.compare'>[number];
export type DiffFilter = NonNullable<OpInput<'restore.sandboxRecords'>['filter']>;
export type RecordsPage = OpOutput<'restore.sandboxRecords'>;
export type SelectionPlanView = OpOutput<'restore.previewSelection'>;
export type RestoreRequestView = OpOutput<'restore.list'>[number];
export type RestoreStatus = RestoreRequestView['status'];
export type RestoreKind = RestoreRequestView['kind'];
export type RecordRef = OpInput<'restore.previewSelection'>['selection'][number];
export type RestoreEntity = RecordRef['entity'];
