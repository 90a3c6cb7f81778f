import type { ExportFormat, ExportList, ExportProfile } from './export.lists';
import { tableSchemaType } from './export.lists';
import type { ExportWarning, ReportJson } from './export.report';
import type { WrittenFile } from './hashing-file';

/**
 * datapackage.json and README.txt: the package describing itself.
 *
 * datapackage.json is a Frictionless Data Package (EXPORT.md: "Nobody ships a
 * machine-checkable description of how the IDs link"): every list is a tabular
 * resource with its Table Schema, primary key and foreign keys to the other lists;
 * the archive volumes are plain resources; `custos` holds the export's metadata.
 * verifyExport reads it back and holds the package to it.
 */
export const PACKAGE_FORMAT_VERSION = 1;

export interface ListOutcome {
  list: ExportList;
  rows: number;
  csv?: WrittenFile;
  xlsx?: { file: WrittenFile; sheets: string[] };
}

export interface PackageMeta {
  name: string;
  tenant: { id: string; slug: string; name: string };
  createdAt: string;
  profile: ExportProfile;
  formats: ExportFormat[];
  appVersion: string;
  staff: { id: string; label: string };
  billing: { status: 'free' | 'billable'; reference?: string };
  neutraliseFormulas: boolean;
  bom: boolean;
  xlsxRowLimit: number;
  volumeLimitBytes: number;
  auditHead?: unknown;
  report: ReportJson;
  volumes: WrittenFile[];
  schemaVersion: number;
}

const XLSX_MEDIATYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function fieldDescriptor(c: ExportList['columns'][number]): Record<string, unknown> {
  const f: Record<string, unknown> = { name: c.name, type: tableSchemaType(c.kind), description: c.description };
  if (c.title) f.title = c.title;
  if (c.kind === 'boolean') {
    f.trueValues = ['true'];
    f.falseValues = ['false'];
  }
  if (c.kind === 'id') f.constraints = { required: true, unique: true };
  const custos: Record<string, unknown> = {};
  if (c.enum) custos.values = c.enum;
  if (c.custom) custos.customField = { id: c.custom.fieldId, key: c.custom.key, label: c.custom.label, fieldType: c.custom.fieldType, options: c.custom.options };
  if (Object.keys(custos).length) f.custos = custos;
  return f;
}

export function buildDataPackage(meta: PackageMeta, outcomes: readonly ListOutcome[]): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const o of outcomes) {
    const l = o.list;
    const schema: Record<string, unknown> = {
      fields: l.columns.map(fieldDescriptor),
      primaryKey: ['id'],
      missingValues: [''],
    };
    const fks = l.columns.filter((c) => c.references).map((c) => ({ fields: [c.name], reference: { resource: c.references?.list, fields: ['id'] } }));
    if (fks.length) schema.foreignKeys = fks;
    // Table Schema v1 allows tabular-data-resource for CSV only; an XLSX-only resource is a plain data resource with a schema.
    const r: Record<string, unknown> = { name: l.name, title: l.title, description: l.description, ...(o.csv ? { profile: 'tabular-data-resource' } : {}) };
    if (o.csv) {
      Object.assign(r, {
        path: o.csv.path,
        format: 'csv',
        mediatype: 'text/csv',
        // Python's name for UTF-8 with a BOM, which Frictionless tools understand; plain utf-8 without it.
        encoding: meta.bom ? 'utf-8-sig' : 'utf-8',
        bytes: o.csv.bytes,
        hash: `sha256:${o.csv.sha256}`,
        dialect: { delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true, header: true },
      });
    } else if (o.xlsx) {
      // Which sheets hold the list is in custos.xlsx.sheets (a list may continue over several).
      Object.assign(r, { path: o.xlsx.file.path, format: 'xlsx', mediatype: XLSX_MEDIATYPE, bytes: o.xlsx.file.bytes, hash: `sha256:${o.xlsx.file.sha256}` });
    }
    r.schema = schema;
    const custos: Record<string, unknown> = { rows: o.rows, entity: l.entity };
    if (l.filter) custos.filter = l.filter;
    if (o.xlsx) custos.xlsx = { path: o.xlsx.file.path, sheets: o.xlsx.sheets, bytes: o.xlsx.file.bytes, hash: `sha256:${o.xlsx.file.sha256}` };
    r.custos = custos;
    resources.push(r);
  }
  for (const v of meta.volumes) {
    resources.push({
      name: v.path.replace(/^.*\//, '').replace(/\.tar\.gz$/, ''),
      path: v.path,
      format: 'tar.gz',
      mediatype: 'application/gzip',
      bytes: v.bytes,
      hash: `sha256:${v.sha256}`,
      description: 'Attached files, at files/<file id>/<name> inside; see the files list.',
    });
  }
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.list.name] = o.rows;
  return {
    profile: 'data-package',
    name: meta.name,
    title: `Export of ${meta.tenant.name}`,
    created: meta.createdAt,
    resources,
    custos: {
      formatVersion: PACKAGE_FORMAT_VERSION,
      tenant: meta.tenant,
      createdAt: meta.createdAt,
      profile: meta.profile,
      formats: meta.formats,
      appVersion: meta.appVersion,
      tenantSchemaVersion: meta.schemaVersion,
      staff: meta.staff,
      billing: meta.billing,
      options: { neutraliseFormulas: meta.neutraliseFormulas, csvByteOrderMark: meta.bom, xlsxRowLimit: meta.xlsxRowLimit, volumeLimitBytes: meta.volumeLimitBytes },
      counts,
      status: meta.report.status,
      warnings: meta.report.warnings.map((w: ExportWarning) => ({
        code: w.code,
        ...(w.list !== undefined ? { list: w.list } : {}),
        ...(w.column !== undefined ? { column: w.column } : {}),
        ...(w.references !== undefined ? { references: w.references } : {}),
        ...(w.format !== undefined ? { format: w.format } : {}),
        count: w.count,
      })),
      ...(meta.report.files ? { attachments: meta.report.files } : {}),
      ...(meta.auditHead !== undefined ? { auditHead: meta.auditHead } : {}),
    },
  };
}

export function buildReadme(meta: PackageMeta, outcomes: readonly ListOutcome[]): string {
  const L: string[] = [];
  const hasCsv = meta.formats.includes('csv');
  const hasXlsx = meta.formats.includes('xlsx');
  L.push(`Export of ${meta.tenant.name}`, '='.repeat(Math.min(78, 10 + meta.tenant.name.length)), '');
  L.push(
    `Created ${meta.createdAt} (UTC) by ${meta.staff.label} with Custos ${meta.appVersion}.`,
    `Profile: ${meta.profile === 'advanced' ? 'advanced export (every list, with the attached files)' : 'basic export (persons, companies, colleagues, opportunities)'}.`,
    `Result: ${meta.report.status === 'completed' ? 'completed' : 'completed with warnings — see report.txt'}.`,
    '',
    'WHAT IS IN THIS FOLDER',
    '',
  );
  if (hasCsv) L.push('csv/<list>.csv        One file per list. UTF-8' + (meta.bom ? ' with a byte order mark (so Excel reads accents right)' : '') + ', comma-separated, RFC 4180 quoting, a header row.');
  if (hasXlsx) {
    L.push(
      meta.profile === 'basic'
        ? 'xlsx/lists.xlsx       One workbook, one sheet per list.'
        : 'xlsx/<list>.xlsx       One workbook per list: the same columns as the CSV, as typed cells.',
    );
  }
  if (meta.volumes.length) L.push('attachments/           The attached files, in .tar.gz archives (see ATTACHED FILES).');
  L.push(
    'datapackage.json       A machine-readable description of every list: columns, types, and how the IDs link',
    '                       (a Frictionless Data Package: https://datapackage.org).',
    'report.txt, .json      What the export noticed: files it could not include, values it had to change.',
    'SHA256SUMS             A checksum of every other file. Check them with:  sha256sum -c SHA256SUMS',
    'README.txt             This file.',
    '',
    'THE LISTS',
    '',
  );
  for (const o of outcomes) {
    L.push(`${o.list.name} — ${o.list.title} (${o.rows} row${o.rows === 1 ? '' : 's'})`, `    ${o.list.description}`);
    if (o.xlsx && o.xlsx.sheets.length > 1) L.push(`    In the XLSX file this list continues over the sheets: ${o.xlsx.sheets.join(', ')}.`);
  }
  L.push(
    '',
    'HOW THE IDS LINK',
    '',
    'Every row starts with the ID of its element (column "id"). A column that refers to another element holds',
    "that element's ID, and its name says which list to look in:",
    '',
  );
  for (const o of outcomes) for (const c of o.list.columns) if (c.references) L.push(`    ${o.list.name}.${c.name}  →  ${c.references.list}.id`);
  L.push(
    '',
    'Custom ("additional") fields are the columns whose name starts with cf_, after the standard columns; their',
    'labels and types are in datapackage.json. A reference to an element that no longer exists is kept as it is',
    'and listed in report.txt.',
    '',
    'OPENING THE FILES',
    '',
  );
  if (hasCsv) {
    L.push(
      meta.neutraliseFormulas
        ? "- CSV: a cell that starts with = + - @ (or a tab or carriage return) and is not a plain number has an apostrophe (') added in front, so a spreadsheet shows it as text instead of running it as a formula. Remove that leading apostrophe if you import the CSV into another program."
        : '- CSV: cells are exactly as stored (formula neutralising was turned off for machine import). Do not open these files in a spreadsheet program without care: a cell starting with = could run as a formula.',
      '- CSV: dates are ISO 8601 (2025-06-30), date-times ISO 8601 in UTC (2025-06-30T14:05:00.000Z), decimals use a point, amounts have their currency in the column next to them, booleans are true/false. An empty field is no value; "" is an empty text.',
    );
  }
  if (hasXlsx) {
    L.push(
      '- XLSX: date-time cells show UTC wall-clock time (Excel has no time zones): 14:05 means 14:05 UTC.',
      '- XLSX: an Excel cell holds at most 32,767 characters; longer text is cut there and marked' + (hasCsv ? ' (the CSV file has the whole text).' : '.'),
      '- XLSX: IDs and numbers with more than 15 digits are text cells, because Excel would round them.',
      `- XLSX: a sheet holds at most ${meta.xlsxRowLimit.toLocaleString('en-GB')} rows below its header; longer lists continue on sheets named "<list> (2)", "<list> (3)", …`,
    );
  }
  if (meta.volumes.length) {
    L.push(
      '',
      'ATTACHED FILES',
      '',
      `The files are in ${meta.volumes.length} archive(s): ${meta.volumes.map((v) => v.path).join(', ')}.`,
      'Each archive opens on its own (7-Zip, Windows Explorer from Windows 11, macOS Archive Utility, tar -xzf).',
      'Inside, each file is at files/<file id>/<name>, with its original name made safe for every computer',
      '(characters like / \\ : * ? " < > | replaced by _, very long names shortened).',
      'The files list (files.csv / files.xlsx) says for every file: status (ok, missing, mismatch, refused),',
      'archive (which archive holds it) and archive_path (where inside). Files that are not "ok" are not in any',
      'archive; report.txt says why.',
    );
  }
  L.push('', 'CHECKING THE EXPORT', '', 'On Linux or macOS, in this folder:  sha256sum -c SHA256SUMS   (macOS: shasum -a 256 -c SHA256SUMS)', 'Every line must end in OK.', '');
  return L.join('\r\n');
}
