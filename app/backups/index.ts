/**
 * Backups (issue 5): snapshots to the object store, the schedule's compliance and
 * prune plan, and verification by test-restore. The public face of the folder.
 */
export {
  BANDS,
  DEFAULT_GRACE_MS,
  DEFAULT_FUTURE_TOLERANCE_MS,
  bandForAge,
  bucketKey,
  bucketLabel,
  compareSnapshots,
  type Band,
  type BandId,
  type ScheduledSnapshot,
  type VerificationState,
} from './backup-schedule';
export {
  checkCompliance,
  checkFleetCompliance,
  summarizeFleetCompliance,
  type BandSummary,
  type ComplianceFlag,
  type ComplianceGap,
  type ComplianceOptions,
  type ComplianceReport,
  type FleetComplianceSummary,
  type FleetGap,
  type TenantSnapshots,
} from './compliance.policy';
export { applyPlan, planPrune, REASON, type PruneDecision, type PrunePlan, type RetentionOptions } from './retention.policy';
export { assertSnapshotId, newSnapshotId, snapshotIdTime, snapshotKeys, SNAPSHOT_ID_PATTERN } from './snapshot.keys';
export {
  RESTORABLE_SCHEMA_VERSIONS,
  SNAPSHOT_FORMAT_VERSION,
  parseSnapshotManifest,
  readSnapshotManifest,
  serializeSnapshotManifest,
  snapshotManifestSchema,
  type SnapshotManifest,
} from './snapshot.manifest';
export { takeSnapshot, takeSnapshotOfCopy, type SnapshotCopy, type TakeSnapshotOptions } from './snapshot.writer';
export {
  cleanupIncomplete,
  deleteSnapshot,
  listSnapshots,
  type CatalogEntry,
  type ListSnapshotsOptions,
  type SnapshotListing,
  type SnapshotState,
} from './snapshot.catalog';
export { VERDICT_CODES, restoreSnapshotToFile, verifySnapshot, type VerificationResult, type VerifySnapshotOptions } from './snapshot.verifier';
