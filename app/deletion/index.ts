/**
 * Deletion requests (issue 7): from filing to a verifiable certificate of deletion.
 * The folder's public face (CONVENTIONS.md §9).
 */
export { DeletionService, createDeletionService, type DeletionServiceDeps, type DeletionRequestView, type DeletionTransitionView, type DeletionListFilter, type DeletionCertificateFiles, type FileDeletionInput } from './deletion.service';
export {
  transition,
  parametersHash,
  approvalState,
  countdown,
  dueDate,
  viewStatus,
  availableActions,
  isOpen,
  type DeletionActor,
  type DeletionAction,
  type DeletionParameters,
  type DeletionRequestState,
  type DeletionRefusal,
  type DeletionRefusalReason,
  type DeletionTransition,
  type ApprovalState,
  type Countdown,
  type DueDate,
} from './deletion.state-machine';
export * from './deletion.constants';
export { deletionConfigSchema, DEFAULT_DELETION_CONFIG, type DeletionConfig } from './deletion.config';
export { DeletionExecutor, NEUTRAL_TENANT_NAME, NEUTRAL_TENANT_SLUG, type DeletionExecutorDeps, type DeletionExecutionResult, type SandboxDirs, type ControlPlaneScrubber } from './deletion.executor';
export { DELETION_STEPS, DELETION_LOCATIONS, STEP_LABELS, type DeletionJournal, type JournalSummary, type VerificationResult } from './deletion.journal';
export {
  canonicalCertificate,
  renderCertificatePdf,
  verifyCertificateJson,
  summariseSnapshots,
  certificateKeys,
  type DeletionCertificate,
  type SnapshotSummary,
} from './deletion.certificate';
export { SqliteTenantDatabaseDropper, PostgresTenantDatabaseDropper, EngineTenantDatabaseDropper, type TenantDatabaseDropper, type TenantDatabaseRef, type PostgresTenantAdminLike } from './tenant-database.dropper';
export { assertNotTombstoned, assertNoneTombstoned, tombstonedAmong, findTombstone, type Tombstone } from './tombstone.guard';
export { deletionDb, type DeletionTables, type DeletionDb } from './deletion.tables';
export { createDeletionOperations, type DeletionOperations } from './deletion.operations';
export * from './deletion.contract';
