/**
 * Exports (PRODUCT.md "Exports", issue 4): the engine's public face.
 *
 * - runExport: the job — lists as CSV/XLSX, attachments in .tar.gz volumes,
 *   datapackage.json, README.txt, report.json/.txt, SHA256SUMS; written under a
 *   temporary name, verified, renamed.
 * - verifyExport / inspectExport: `custos export verify <dir>`.
 * - exportBilling: the free-export rule.
 * - checkExportDestination / estimateExportBytes: the pre-flight check a handler can
 *   run before queuing the job.
 * - deriveLists: what the package will contain (for a preview screen).
 */
export { runExport, type RunExportInput, type ExportResult, type ExportProgressReport } from './export.service';
export { verifyExport, inspectExport, verifyFailure, type VerifyReport, type VerifyProblem, type VerifyProblemCode, type VerifyOptions } from './export.verify';
export { exportBilling, consumesFreeExport, BILLABLE_REASON_TEXT, type ExportBilling, type ExportBillingFacts, type BillableReason } from './free-export.policy';
export { checkExportDestination, estimateExportBytes, folderTimestamp, finalFolderName, type DestinationProblem } from './export.destination';
export {
  deriveLists,
  writeOrder,
  ADVANCED_LISTS,
  BASIC_LISTS,
  ENTITY_COVERAGE,
  type ExportList,
  type ExportColumn,
  type ExportFormat,
  type ExportProfile,
  type CustomFieldDefinition,
} from './export.lists';
export type { ExportWarning, WarningCode, ReportJson } from './export.report';
export { withSqliteRowBatches, SqliteRowBatches } from './sqlite.row-batches';
export type { RowBatchSource, BatchStreamOptions } from './export.row-source';
export { DEFAULT_VOLUME_LIMIT_BYTES, DEFAULT_GZIP_LEVEL } from './tar-gz.volumes';
export { EXCEL_MAX_DATA_ROWS } from './xlsx.writer';
