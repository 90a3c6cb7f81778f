/**
 * The certificate of deletion (issue 7): a JSON twin, canonicalised with RFC 8785
 * (the `canonicalize` package) so its SHA-256 is unambiguous, and a PDF that shows
 * the same facts plus that SHA-256. The JSON is authoritative; the PDF carries a
 * copy of it as an embedded file.
 *
 * What is in it, and why:
 * - tenant ID and name, request reference and dates, who filed, approved and
 *   executed: what the customer needs to match the certificate to its request;
 * - the requester contact: the customer's own staff contact who asked. Kept here
 *   (the customer needs it to see whose request was honoured) and removed from
 *   the request row at completion, so the certificate is the only copy left;
 * - per location, objects and bytes deleted (from the inventory made before
 *   anything was deleted, so exact across crashes and reruns);
 * - snapshot count and date range, from backup keys whose first dated path
 *   segment starts with a UTC timestamp like 20260131T020000Z; undated objects
 *   are counted, not dated;
 * - the verification (each location listed again, remaining = 0);
 * - the audit chain head (seq + hash) at completion: an anchor outside the audit
 *   table (SECURITY.md "Audit record") that `audit verify` can compare against.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { objectKeys } from '../storage/object-store/object-store.port';
import type { DeletionLocationId, VerificationResult } from './deletion.journal';

export const CERTIFICATE_KIND = 'custos.deletion-certificate';

export interface SnapshotSummary {
  /** Distinct snapshot timestamps. */
  count: number;
  /** Oldest and newest snapshot time (ISO 8601 UTC), or null when none could be dated. */
  from: string | null;
  to: string | null;
  /** Objects under the backups prefix with no timestamp in their key: counted, not dated. */
  undatedObjects: number;
}

export interface DeletionCertificate {
  kind: typeof CERTIFICATE_KIND;
  version: 1;
  certificateId: string;
  tenant: { id: string; name: string; plan: string; region: string; createdAt: string };
  request: {
    id: string;
    reference: string;
    receivedOn: string;
    requesterContact: string | null;
    filedAt: string;
    filedBy: string;
    approvedAt: string;
    approvedBy: string;
    scheduledFor: string;
    finalExport: { wanted: boolean; jobId: string | null; location: string | null };
  };
  execution: { startedAt: string; executedBy: string; runs: number };
  locations: { id: DeletionLocationId | 'control-plane'; description: string; objects: number; bytes: number }[];
  snapshots: SnapshotSummary;
  verification: VerificationResult;
  completedAt: string;
  auditChainHead: { seq: number; hash: string } | null;
  issuer: { product: 'Custos'; appVersion: string; objectStore: string };
}

// ---- snapshots -----------------------------------------------------------------------

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/;

function stampToIso(segment: string): string | null {
  const m = STAMP.exec(segment);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(t);
  // Reject 20260231T…: Date.UTC would roll it over into March.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) return null;
  return date.toISOString();
}

/**
 * Counts snapshots in the keys that were under `backups/<tenant>/`. A snapshot is
 * identified by the first path segment (after the prefix) that starts with a UTC
 * timestamp, up to its first '.': `20260131T020000Z-a1b2c3.db.gz` +
 * `20260131T020000Z-a1b2c3.manifest.json` (the layout of app/backups) and
 * `20260131T020000Z/db.sqlite` + `…/manifest.json` are each one snapshot.
 */
export function summariseSnapshots(keys: Iterable<string>, prefix: string): SnapshotSummary {
  const dated = new Map<string, string>();
  let undatedObjects = 0;
  for (const key of keys) {
    const rest = key.startsWith(prefix) ? key.slice(prefix.length) : key;
    let found: { id: string; iso: string } | null = null;
    for (const segment of rest.split('/')) {
      const iso = stampToIso(segment);
      if (iso) {
        // The snapshot ID is the name up to its first '.', e.g. 20260131T020000Z-a1b2c3 (app/backups' layout).
        found = { id: segment.split('.')[0]!, iso };
        break;
      }
    }
    if (found) dated.set(found.id, found.iso);
    else undatedObjects++;
  }
  const times = [...dated.values()].sort();
  return { count: dated.size, from: times[0] ?? null, to: times.at(-1) ?? null, undatedObjects };
}

// ---- JSON ----------------------------------------------------------------------------

export function canonicalCertificate(cert: DeletionCertificate): { json: string; sha256: string } {
  const json = canonicalize(cert);
  if (json === undefined) throw new Error('certificate cannot be canonicalised');
  return { json, sha256: sha256Hex(json) };
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** True when `json` is a canonical certificate whose SHA-256 is `sha256` (what a customer can check too). */
export function verifyCertificateJson(json: string, sha256: string): boolean {
  if (sha256Hex(json) !== sha256) return false;
  try {
    const parsed = JSON.parse(json) as DeletionCertificate;
    return parsed.kind === CERTIFICATE_KIND && canonicalize(parsed) === json;
  } catch {
    return false;
  }
}

export function certificateKeys(certificateId: string): { json: string; pdf: string } {
  const base = `${objectKeys.certificatesPrefix()}${certificateId}`;
  return { json: `${base}.json`, pdf: `${base}.pdf` };
}

// ---- PDF -----------------------------------------------------------------------------

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const LABEL_WIDTH = 150;

const LOCATION_TITLES: Record<DeletionCertificate['locations'][number]['id'], string> = {
  sandboxes: 'Sandboxes and temporary copies',
  database: 'Tenant database',
  attachments: 'Attachments (tenant prefix)',
  backups: 'Backup snapshots and manifests',
  exports: 'Export packages',
  'control-plane': 'Control plane',
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]} (${n} bytes)`;
}

/**
 * Text the standard PDF font cannot draw (outside WinAnsi: CJK, emoji, controls)
 * is written as U+XXXX rather than failing or silently dropping characters; the
 * JSON twin holds the exact text.
 */
function printable(charset: Set<number>, text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a || cp === 0x0d || cp === 0x09) out += ' ';
    else if (charset.has(cp) && cp >= 0x20) out += ch;
    else out += `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
  }
  return out;
}

class PdfWriter {
  private page: PDFPage;
  private y: number;
  private readonly charset: Set<number>;

  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage(A4);
    this.y = A4[1] - MARGIN;
    this.charset = new Set(font.getCharacterSet());
  }

  private ensure(height: number): void {
    if (this.y - height < MARGIN) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - MARGIN;
    }
  }

  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      // A single word wider than the column (a long key) is cut by characters.
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let n = rest.length;
        while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > width) n--;
        lines.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      line = rest;
    }
    if (line !== '') lines.push(line);
    return lines.length ? lines : [''];
  }

  title(text: string): void {
    this.ensure(30);
    this.page.drawText(printable(this.charset, text), { x: MARGIN, y: this.y - 18, size: 18, font: this.bold });
    this.y -= 32;
  }

  heading(text: string): void {
    this.ensure(26);
    this.y -= 6;
    this.page.drawText(printable(this.charset, text), { x: MARGIN, y: this.y - 12, size: 12, font: this.bold });
    this.page.drawLine({ start: { x: MARGIN, y: this.y - 15 }, end: { x: A4[0] - MARGIN, y: this.y - 15 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
    this.y -= 22;
  }

  field(label: string, value: string, size = 9.5): void {
    const width = A4[0] - 2 * MARGIN - LABEL_WIDTH;
    const lines = this.wrap(printable(this.charset, value), this.font, size, width);
    this.ensure(lines.length * (size + 3) + 2);
    this.page.drawText(printable(this.charset, label), { x: MARGIN, y: this.y - size, size, font: this.bold });
    for (const l of lines) {
      this.page.drawText(l, { x: MARGIN + LABEL_WIDTH, y: this.y - size, size, font: this.font });
      this.y -= size + 3;
    }
    this.y -= 2;
  }

  paragraph(text: string, size = 8.5): void {
    const lines = this.wrap(printable(this.charset, text), this.font, size, A4[0] - 2 * MARGIN);
    this.ensure(lines.length * (size + 3));
    for (const l of lines) {
      this.page.drawText(l, { x: MARGIN, y: this.y - size, size, font: this.font, color: rgb(0.25, 0.25, 0.25) });
      this.y -= size + 3;
    }
    this.y -= 4;
  }
}

/**
 * Renders the PDF. Deterministic for a given certificate: dates come from
 * `completedAt`, not the clock, so a rerun after a crash writes the same bytes.
 */
export async function renderCertificatePdf(cert: DeletionCertificate, jsonSha256: string, json?: string): Promise<Uint8Array> {
  const when = new Date(cert.completedAt);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`Certificate of deletion ${cert.certificateId}`);
  doc.setSubject(`Tenant ${cert.tenant.id}`);
  doc.setProducer('Custos');
  doc.setCreator(`Custos ${cert.issuer.appVersion}`);
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const w = new PdfWriter(doc, font, bold);

  w.title('Certificate of deletion');
  w.field('Certificate ID', cert.certificateId);
  w.field('Completed at', cert.completedAt);
  w.field('SHA-256 of the JSON', jsonSha256, 8.5);
  w.paragraph(
    `This PDF shows the facts of the JSON twin ${cert.certificateId}.json, which is authoritative. Its SHA-256 above is computed over its RFC 8785 canonical form; anyone can recompute it (for example with sha256sum).`,
  );

  w.heading('Tenant');
  w.field('Tenant ID', cert.tenant.id);
  w.field('Name', cert.tenant.name);
  w.field('Plan / region', `${cert.tenant.plan} / ${cert.tenant.region}`);
  w.field('Customer since', cert.tenant.createdAt);

  w.heading('Request');
  w.field('Customer reference', cert.request.reference);
  w.field('Received on', cert.request.receivedOn);
  if (cert.request.requesterContact !== null) w.field('Requested by', cert.request.requesterContact);
  w.field('Request ID', cert.request.id);
  w.field('Filed', `${cert.request.filedAt} by ${cert.request.filedBy}`);
  w.field('Approved', `${cert.request.approvedAt} by ${cert.request.approvedBy}`);
  w.field('Scheduled for', cert.request.scheduledFor);
  w.field(
    'Final export',
    cert.request.finalExport.wanted ? `Requested; produced by job ${cert.request.finalExport.jobId ?? '-'} at ${cert.request.finalExport.location ?? '-'} (deleted with the other exports)` : 'Not requested',
  );
  w.field('Executed', `${cert.execution.startedAt} by ${cert.execution.executedBy} (${cert.execution.runs} run${cert.execution.runs === 1 ? '' : 's'})`);

  w.heading('What was deleted');
  for (const l of cert.locations) {
    w.field(LOCATION_TITLES[l.id], `${l.objects} item${l.objects === 1 ? '' : 's'}, ${formatBytes(l.bytes)}`);
    w.paragraph(l.description);
  }
  const s = cert.snapshots;
  w.field('Snapshots', `${s.count} snapshot${s.count === 1 ? '' : 's'}${s.from ? `, from ${s.from} to ${s.to}` : ''}${s.undatedObjects ? `; ${s.undatedObjects} undated object(s)` : ''}`);

  w.heading('Verification');
  w.field('Verified at', cert.verification.at);
  w.field('Result', cert.verification.ok ? 'Every location was listed again and found empty.' : `${cert.verification.leftoverCount} item(s) left`);
  for (const c of cert.verification.checks) w.field(`  ${c.location}`, `${c.remaining} remaining: ${c.target}`, 8.5);

  w.heading('Audit anchor');
  w.field('Audit chain head', cert.auditChainHead ? `seq ${cert.auditChainHead.seq}` : 'empty log');
  if (cert.auditChainHead) w.field('Head hash', cert.auditChainHead.hash, 8.5);
  w.field('Issued by', `Custos ${cert.issuer.appVersion}; object store ${cert.issuer.objectStore}`);

  if (json !== undefined) {
    await doc.attach(Buffer.from(json, 'utf8'), `${cert.certificateId}.json`, {
      mimeType: 'application/json',
      description: 'Certificate of deletion (authoritative JSON twin)',
      creationDate: when,
      modificationDate: when,
    });
  }
  return doc.save({ useObjectStreams: false });
}
