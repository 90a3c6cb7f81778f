import type { CellIssueKind } from './export.cells';

/**
 * What the export noticed and did about it (report.json, report.txt, and the summary
 * in datapackage.json). Nothing is dropped silently (EXPORT.md "Bad inputs"): every
 * change to a value, every file not archived, every reference that points nowhere
 * has a warning here with a count and samples (row IDs), capped so the report stays
 * readable for a tenant with a million of them.
 */
export type WarningCode =
  | 'FILE_MISSING'
  | 'FILE_MISMATCH'
  | 'FILE_REFUSED'
  | 'FILE_LARGER_THAN_VOLUME'
  | 'CELL_CUT'
  | 'CHARACTERS_REPLACED'
  | 'TYPE_MISMATCH'
  | 'NUMBER_AS_TEXT'
  | 'DANGLING_REFERENCE'
  | 'CONTINUATION_SHEETS'
  | 'ROWS_NOT_EXPORTED'
  | 'CUSTOM_VALUES_WITHOUT_RECORD'
  | 'CUSTOM_VALUES_UNKNOWN_FIELD'
  | 'CUSTOM_VALUES_DUPLICATE'
  | 'CUSTOM_FIELD_TYPE_UNKNOWN';

export interface WarningSample {
  id: string | number | null;
  value?: string | number | null;
  detail?: string;
}

export interface ExportWarning {
  code: WarningCode;
  list?: string;
  column?: string;
  /** For DANGLING_REFERENCE: the list the column points into. */
  references?: string;
  format?: 'csv' | 'xlsx';
  count: number;
  message: string;
  samples: WarningSample[];
}

export interface ReportJson {
  status: 'completed' | 'completed_with_warnings';
  warnings: ExportWarning[];
  files?: { ok: number; missing: number; mismatch: number; refused: number; archivedBytes: number; volumes: number };
}

const SAMPLE_CAP = 100;
const FILE_SAMPLE_CAP = 10_000;

const MESSAGES: Record<WarningCode, string> = {
  FILE_MISSING: 'Attached files whose bytes are not in storage: listed with status "missing", not archived.',
  FILE_MISMATCH: 'Attached files whose stored bytes differ from the recorded size or SHA-256: listed with status "mismatch", not archived.',
  FILE_REFUSED: "Attached files whose storage key lies outside this tenant's area: listed with status \"refused\", not read.",
  FILE_LARGER_THAN_VOLUME: 'Attached files larger than the archive volume limit: each sits alone in its own, larger volume.',
  CELL_CUT: 'Text longer than the 32,767 characters an Excel cell holds was cut in the XLSX file (the CSV file keeps it whole).',
  CHARACTERS_REPLACED: 'Characters that no file format can hold (control characters, lone surrogates, U+FFFE/U+FFFF) were removed or replaced by U+FFFD.',
  TYPE_MISMATCH: 'Values that do not fit their column type were exported unchanged, as text.',
  NUMBER_AS_TEXT: 'Numbers with more than 15 significant digits were written as text in the XLSX file, because Excel would round them.',
  DANGLING_REFERENCE: 'References to elements that do not exist (deleted or never created): the row and the ID are kept.',
  CONTINUATION_SHEETS: 'A list longer than one Excel sheet continues on further sheets of the same workbook.',
  ROWS_NOT_EXPORTED: 'Rows that belong to no list of the export (their type is not one the CRM knows).',
  CUSTOM_VALUES_WITHOUT_RECORD: 'Custom field values whose record does not exist: they have no row to appear in.',
  CUSTOM_VALUES_UNKNOWN_FIELD: 'Custom field values whose field definition does not exist: they have no column to appear in.',
  CUSTOM_VALUES_DUPLICATE: 'Records with more than one value for the same custom field: the most recent value (highest ID) is exported.',
  CUSTOM_FIELD_TYPE_UNKNOWN: 'Custom fields of a type this console does not know: exported as text.',
};

function key(code: WarningCode, list?: string, column?: string, format?: string): string {
  return `${code}\u0000${list ?? ''}\u0000${column ?? ''}\u0000${format ?? ''}`;
}

export class ExportReport {
  private readonly warnings = new Map<string, ExportWarning>();
  readonly files = { ok: 0, missing: 0, mismatch: 0, refused: 0, archivedBytes: 0, volumes: 0 };

  private entry(code: WarningCode, where: { list?: string; column?: string; references?: string; format?: 'csv' | 'xlsx' } = {}): ExportWarning {
    const k = key(code, where.list, where.column, where.format);
    let w = this.warnings.get(k);
    if (!w) {
      w = { code, count: 0, message: MESSAGES[code], samples: [] };
      if (where.list !== undefined) w.list = where.list;
      if (where.column !== undefined) w.column = where.column;
      if (where.references !== undefined) w.references = where.references;
      if (where.format !== undefined) w.format = where.format;
      this.warnings.set(k, w);
    }
    return w;
  }

  add(
    code: WarningCode,
    where: { list?: string; column?: string; references?: string; format?: 'csv' | 'xlsx' },
    count: number,
    sample?: WarningSample,
    cap = SAMPLE_CAP,
  ): void {
    if (count < 0 || (count === 0 && !sample)) return;
    const w = this.entry(code, where);
    w.count += count;
    if (sample && w.samples.length < cap) w.samples.push(sample);
  }

  cellIssue(kind: CellIssueKind, list: string, column: string, rowId: string | number | null): void {
    this.add(kind === 'replaced_characters' ? 'CHARACTERS_REPLACED' : 'TYPE_MISMATCH', { list, column }, 1, { id: rowId }, 20);
  }

  dangling(list: string, column: string, references: string, rowId: string | number | null, value: string | number): void {
    this.add('DANGLING_REFERENCE', { list, column, references }, 1, { id: rowId, value });
  }

  file(status: 'missing' | 'mismatch' | 'refused', id: string | number | null, name: string | null, reason: string): void {
    const code = status === 'missing' ? 'FILE_MISSING' : status === 'mismatch' ? 'FILE_MISMATCH' : 'FILE_REFUSED';
    this.add(code, { list: 'files' }, 1, { id, value: name, detail: reason }, FILE_SAMPLE_CAP);
  }

  /** Dangling-reference counts per (list, column), as verify compares them. */
  danglingCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const w of this.warnings.values()) if (w.code === 'DANGLING_REFERENCE') m.set(`${w.list}.${w.column}`, w.count);
    return m;
  }

  get hasWarnings(): boolean {
    return this.warnings.size > 0;
  }

  list(): ExportWarning[] {
    return [...this.warnings.values()];
  }

  toJson(): ReportJson {
    const out: ReportJson = { status: this.hasWarnings ? 'completed_with_warnings' : 'completed', warnings: this.list() };
    if (this.files.ok + this.files.missing + this.files.mismatch + this.files.refused > 0 || this.files.volumes > 0) out.files = { ...this.files };
    return out;
  }

  /** The same, for people: one paragraph per warning, samples as row IDs. */
  toText(header: string): string {
    const lines: string[] = [header, ''];
    const r = this.toJson();
    lines.push(r.status === 'completed' ? 'Result: completed, nothing to report.' : `Result: completed with ${r.warnings.length} kind(s) of warning.`);
    if (r.files) {
      lines.push(
        '',
        `Attached files: ${r.files.ok} archived in ${r.files.volumes} volume(s) (${r.files.archivedBytes} bytes), ${r.files.missing} missing, ${r.files.mismatch} mismatched, ${r.files.refused} refused.`,
      );
    }
    for (const w of r.warnings) {
      const where = [w.list && `list ${w.list}`, w.column && `column ${w.column}`, w.references && `pointing into ${w.references}`, w.format && `in ${w.format.toUpperCase()}`]
        .filter(Boolean)
        .join(', ');
      lines.push('', `[${w.code}] ${w.count} × ${where ? `(${where}) ` : ''}${w.message}`);
      const shown = w.samples.slice(0, w.code.startsWith('FILE_') ? w.samples.length : 20);
      for (const s of shown) {
        const parts = [`id ${s.id ?? '(none)'}`];
        if (s.value !== undefined && s.value !== null) parts.push(`${w.code.startsWith('FILE_') ? 'name' : 'value'} ${JSON.stringify(s.value)}`);
        if (s.detail) parts.push(s.detail);
        lines.push(`    ${parts.join(' — ')}`);
      }
      if (shown.length > 0 && w.count > shown.length && w.code !== 'CONTINUATION_SHEETS') {
        lines.push(`    … and ${w.count - shown.length} more${w.samples.length > shown.length ? ' (see report.json)' : ''}.`);
      }
    }
    return lines.join('\r\n') + '\r\n';
  }
}
