/**
 * Pure helpers for the Exports panel (issue 4): who is offered the export, what the
 * dialog asks before it can start, the export job's result record read at the edge
 * (CONVENTIONS.md §5: jobs.get's result is `unknown` on the wire), and the words for
 * lists, phases and ledger states.
 */
import type { Role } from '../../../app/api/roles';
import type { OpInput } from '../api/client';

export type ExportProfile = 'advanced' | 'basic';
export type ExportFormat = 'csv' | 'xlsx';
export type DestinationKind = 'folder' | 'objectStore';
/** "For people" neutralises formulas in CSV (and writes a BOM for Excel); "for machine re-import" does neither. */
export type ExportAudience = 'people' | 'machine';

// ---- who is offered the button (the server's role matrix decides; its refusal is shown as it comes)

/** Mirrors exports.start's access list; account managers only for offboarding tenants (exports.handlers). */
const EXPORT_ROLES: readonly Role[] = ['support', 'technical', 'account_manager'];

export type ExportOffer = 'yes' | 'offboarding-only' | 'no';

/**
 * 'yes': offer it. 'offboarding-only': an account manager (without support or technical)
 * on a tenant that is not offboarding — offer it anyway, so the server's refusal is
 * shown in its own words, but say so beforehand. 'no': admins alone do not export.
 */
export function exportOffer(roles: readonly string[], tenantStatus: string | null): ExportOffer {
  if (!EXPORT_ROLES.some((r) => roles.includes(r))) return 'no';
  if (roles.includes('support') || roles.includes('technical')) return 'yes';
  return tenantStatus === 'offboarding' ? 'yes' : 'offboarding-only';
}

// ---- the dialog's form ------------------------------------------------------------------

export interface ExportForm {
  profile: ExportProfile;
  formats: readonly ExportFormat[];
  destination: DestinationKind;
  folderPath: string;
  audience: ExportAudience;
  billingReference: string;
}

export type BillingStatus = 'free' | 'billable';

/** The contract's limit on exports.start's billingReference. */
export const BILLING_REFERENCE_MAX = 120;

/** What the customer asked for most often: everything, in both formats, readable by people. */
export function defaultFormats(profile: ExportProfile): ExportFormat[] {
  // The basic export is the customer's own list export: one workbook.
  return profile === 'basic' ? ['xlsx'] : ['csv', 'xlsx'];
}

export function initialForm(defaultFolder = ''): ExportForm {
  return { profile: 'advanced', formats: defaultFormats('advanced'), destination: 'folder', folderPath: defaultFolder, audience: 'people', billingReference: '' };
}

/** Formats in a fixed order (CSV, XLSX), whatever order they were ticked in. */
export function toggleFormat(formats: readonly ExportFormat[], f: ExportFormat, on: boolean): ExportFormat[] {
  const set = new Set(formats);
  if (on) set.add(f);
  else set.delete(f);
  return (['csv', 'xlsx'] as const).filter((x) => set.has(x));
}

export type FormErrors = Partial<Record<'formats' | 'folderPath' | 'billingReference', string>>;

/**
 * What must be fixed before Start. `billing` is the preview's answer (null while it is
 * not known: Start waits for it, as a billable export needs a reference).
 */
export function validateExportForm(form: ExportForm, billing: BillingStatus | null): FormErrors {
  const errors: FormErrors = {};
  if (form.formats.length === 0) errors.formats = 'Choose CSV, XLSX or both.';
  if (form.destination === 'folder') {
    const p = form.folderPath.trim();
    if (p === '') errors.folderPath = 'Enter the folder to write the package into.';
    else if (p.length > 4096) errors.folderPath = 'That path is too long.';
  }
  if (billing === 'billable') {
    const ref = form.billingReference.trim();
    if (ref === '') errors.billingReference = 'A billable export needs the billing reference (order or invoice number) agreed with the customer.';
    else if (ref.length > BILLING_REFERENCE_MAX) errors.billingReference = `At most ${BILLING_REFERENCE_MAX} characters.`;
  }
  return errors;
}

export function hasErrors(e: FormErrors): boolean {
  return Object.values(e).some((v) => v !== undefined);
}

/** The exports.start input the form stands for; the reference is sent only for a billable export. */
export function toStartInput(tenantId: string, form: ExportForm, billing: BillingStatus): OpInput<'exports.start'> {
  const ref = form.billingReference.trim();
  return {
    tenantId,
    profile: form.profile,
    formats: [...form.formats],
    destination: form.destination === 'folder' ? { kind: 'folder', path: form.folderPath.trim() } : { kind: 'objectStore' },
    neutraliseFormulas: form.audience === 'people',
    ...(billing === 'billable' && ref !== '' ? { billingReference: ref } : {}),
  };
}

// ---- the export job's result (app/exports/export.console.ts summarize) ------------------

export interface ExportJobResult {
  status: 'completed' | 'completed_with_warnings';
  location: string;
  link: string | null;
  sha256sumsDigest: string;
  counts: Record<string, number>;
  warnings: number;
  files: { ok: number; missing: number; mismatch: number; refused: number; volumes: string[] };
  bytes: number;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

/** The job's result, parsed at the edge; null when it is not an export result at all. */
export function parseExportResult(r: unknown): ExportJobResult | null {
  if (!isObj(r)) return null;
  if (typeof r.location !== 'string' || typeof r.sha256sumsDigest !== 'string') return null;
  const counts: Record<string, number> = {};
  if (isObj(r.counts)) for (const [k, v] of Object.entries(r.counts)) if (typeof v === 'number' && Number.isFinite(v)) counts[k] = v;
  const f = isObj(r.files) ? r.files : {};
  return {
    status: r.status === 'completed_with_warnings' ? 'completed_with_warnings' : 'completed',
    location: r.location,
    link: typeof r.link === 'string' && r.link !== '' ? r.link : null,
    sha256sumsDigest: r.sha256sumsDigest,
    counts,
    warnings: num(r.warnings),
    files: {
      ok: num(f.ok),
      missing: num(f.missing),
      mismatch: num(f.mismatch),
      refused: num(f.refused),
      volumes: Array.isArray(f.volumes) ? f.volumes.filter((v): v is string => typeof v === 'string') : [],
    },
    bytes: num(r.bytes),
  };
}

// ---- words -------------------------------------------------------------------------------

/** PRODUCT.md's twelve lists, in its order; the package's file names are the keys. */
export const LIST_LABEL: Readonly<Record<string, string>> = {
  companies: 'Companies',
  persons: 'Persons',
  colleagues: 'Colleagues',
  opportunities: 'Opportunities',
  spaces: 'Spaces',
  tasks: 'Tasks',
  history_persons: 'History of persons',
  history_companies: 'History of companies',
  history_opportunities: 'History of opportunities',
  history_spaces: 'History of spaces',
  opportunity_lines: 'Income and expense lines',
  files: 'Attached files',
};

const LIST_ORDER = Object.keys(LIST_LABEL);

export function listLabel(name: string): string {
  return LIST_LABEL[name] ?? (name ? name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ') : name);
}

/** Counts per list in PRODUCT.md's order; lists the console does not know yet come last, by name. */
export function orderedCounts(counts: Readonly<Record<string, number>>): { list: string; label: string; count: number }[] {
  const rank = (k: string) => {
    const i = LIST_ORDER.indexOf(k);
    return i < 0 ? LIST_ORDER.length : i;
  };
  return Object.keys(counts)
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => ({ list: k, label: listLabel(k), count: counts[k] ?? 0 }));
}

/** The export job's stages, in order (app/exports/export.service.ts progress phases). */
export const EXPORT_STAGES = ['prepare', 'list', 'attachments', 'manifest', 'verify', 'upload', 'done'] as const;
export type ExportStage = (typeof EXPORT_STAGES)[number];

export const STAGE_LABEL: Readonly<Record<ExportStage, string>> = {
  prepare: 'Preparing',
  list: 'Writing the lists',
  attachments: 'Archiving attachments',
  manifest: 'Manifest and checksums',
  verify: 'Verifying the package',
  upload: 'Uploading',
  done: 'Done',
};

/**
 * The stages this export goes through: attachments only in the advanced profile, the
 * upload only to the object store. The job's own "starting"/"waiting" come before all.
 */
export function stagesFor(profile: ExportProfile | null, destination: DestinationKind | null): ExportStage[] {
  return EXPORT_STAGES.filter((s) => (s === 'attachments' ? profile !== 'basic' : s === 'upload' ? destination === 'objectStore' : true));
}

/** Index of the job's phase among `stages`: -1 before the first (starting, waiting), stages.length when finished. */
export function stageIndex(stages: readonly ExportStage[], phase: string, finished: boolean): number {
  if (finished) return stages.length;
  // The package's own "done" comes before the upload (export.console.ts uploads the verified
  // package): the job is then at the stage after verification, the upload or the end.
  if (phase === 'done') return Math.min(stages.indexOf('verify') + 1, stages.length - 1);
  return stages.indexOf(phase as ExportStage);
}

export const LEDGER_STATE_LABEL: Readonly<Record<string, string>> = {
  running: 'Running',
  completed: 'Completed',
  completed_with_warnings: 'Completed with warnings',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function ledgerStateLabel(state: string): string {
  return LEDGER_STATE_LABEL[state] ?? (state ? state.charAt(0).toUpperCase() + state.slice(1).replace(/_/g, ' ') : '–');
}

export function profileLabel(p: string): string {
  return p === 'advanced' ? 'Advanced' : p === 'basic' ? 'Basic' : p;
}

/** ['csv','xlsx'] → "CSV + XLSX". */
export function formatsLabel(formats: readonly string[]): string {
  return formats.length === 0 ? '–' : formats.map((f) => f.toUpperCase()).join(' + ');
}

/** A SHA-256 short enough for a table cell, long enough to read out on a call: the first 12 hex digits. */
export function abbreviateDigest(digest: string | null | undefined, keep = 12): string {
  if (!digest) return '';
  return digest.length <= keep + 1 ? digest : `${digest.slice(0, keep)}…`;
}

/**
 * When the tenant's free advanced export was used: the tenant record says so, but it
 * was read when the page opened — a free advanced export completed since then is in
 * the ledger (export.console.ts records the use when a free advanced export completes).
 */
export function freeExportUsedAt(
  recorded: string | null,
  ledger: readonly { profile: string; billing: string; state: string; finishedAt: string | null; createdAt: string }[] | null,
): string | null {
  if (recorded) return recorded;
  const used = (ledger ?? []).filter((r) => r.profile === 'advanced' && r.billing === 'free' && (r.state === 'completed' || r.state === 'completed_with_warnings'));
  if (used.length === 0) return null;
  return used.map((r) => r.finishedAt ?? r.createdAt).sort()[0] ?? null;
}

/** When an object-store link made at `finishedAt` stops working (EXPORT_LINK_SECONDS: 7 days). */
export function linkExpiry(finishedAt: string | null | undefined, days = 7): string | null {
  if (!finishedAt) return null;
  const t = Date.parse(finishedAt);
  return Number.isNaN(t) ? null : new Date(t + days * 86_400_000).toISOString();
}
