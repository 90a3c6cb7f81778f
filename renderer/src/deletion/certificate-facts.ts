/**
 * The certificate of deletion's JSON twin, read for the certificate card. The CSP
 * blocks frames and objects (default-src 'none', object-src 'none'), so the PDF is
 * not previewed: the card shows the same facts, parsed here from the JSON the PDF
 * vouches for. Parsed at the boundary (CONVENTIONS.md §5): anything missing or of the
 * wrong type makes the whole certificate unreadable rather than half-shown.
 */

export interface CertificateLocation {
  id: string;
  description: string;
  objects: number;
  bytes: number;
}

export interface CertificateFacts {
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
  locations: CertificateLocation[];
  snapshots: { count: number; from: string | null; to: string | null; undatedObjects: number };
  verification: { at: string; ok: boolean; checks: { location: string; target: string; remaining: number }[]; leftoverCount: number };
  completedAt: string;
  auditChainHead: { seq: number; hash: string } | null;
  issuer: { product: string; appVersion: string; objectStore: string };
}

type Obj = Record<string, unknown>;

class Unreadable extends Error {}

function obj(v: unknown): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Unreadable();
  return v as Obj;
}
function str(o: Obj, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new Unreadable();
  return v;
}
function strOrNull(o: Obj, k: string): string | null {
  const v = o[k];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new Unreadable();
  return v;
}
function num(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Unreadable();
  return v;
}
function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new Unreadable();
  return v;
}
function arr(o: Obj, k: string): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new Unreadable();
  return v;
}

/** The facts of a `custos.deletion-certificate` version 1, or null when the JSON is not one. */
export function parseCertificateFacts(json: string): CertificateFacts | null {
  try {
    const c = obj(JSON.parse(json));
    if (c.kind !== 'custos.deletion-certificate' || c.version !== 1) return null;
    const tenant = obj(c.tenant);
    const request = obj(c.request);
    const finalExport = obj(request.finalExport);
    const execution = obj(c.execution);
    const snapshots = obj(c.snapshots);
    const verification = obj(c.verification);
    const issuer = obj(c.issuer);
    const head = c.auditChainHead === null || c.auditChainHead === undefined ? null : obj(c.auditChainHead);
    return {
      certificateId: str(c, 'certificateId'),
      tenant: { id: str(tenant, 'id'), name: str(tenant, 'name'), plan: str(tenant, 'plan'), region: str(tenant, 'region'), createdAt: str(tenant, 'createdAt') },
      request: {
        id: str(request, 'id'),
        reference: str(request, 'reference'),
        receivedOn: str(request, 'receivedOn'),
        requesterContact: strOrNull(request, 'requesterContact'),
        filedAt: str(request, 'filedAt'),
        filedBy: str(request, 'filedBy'),
        approvedAt: str(request, 'approvedAt'),
        approvedBy: str(request, 'approvedBy'),
        scheduledFor: str(request, 'scheduledFor'),
        finalExport: { wanted: bool(finalExport, 'wanted'), jobId: strOrNull(finalExport, 'jobId'), location: strOrNull(finalExport, 'location') },
      },
      execution: { startedAt: str(execution, 'startedAt'), executedBy: str(execution, 'executedBy'), runs: num(execution, 'runs') },
      locations: arr(c, 'locations').map((l) => {
        const o = obj(l);
        return { id: str(o, 'id'), description: str(o, 'description'), objects: num(o, 'objects'), bytes: num(o, 'bytes') };
      }),
      snapshots: { count: num(snapshots, 'count'), from: strOrNull(snapshots, 'from'), to: strOrNull(snapshots, 'to'), undatedObjects: num(snapshots, 'undatedObjects') },
      verification: {
        at: str(verification, 'at'),
        ok: bool(verification, 'ok'),
        checks: arr(verification, 'checks').map((x) => {
          const o = obj(x);
          return { location: str(o, 'location'), target: str(o, 'target'), remaining: num(o, 'remaining') };
        }),
        leftoverCount: num(verification, 'leftoverCount'),
      },
      completedAt: str(c, 'completedAt'),
      auditChainHead: head ? { seq: num(head, 'seq'), hash: str(head, 'hash') } : null,
      issuer: { product: str(issuer, 'product'), appVersion: str(issuer, 'appVersion'), objectStore: str(issuer, 'objectStore') },
    };
  } catch {
    return null;
  }
}

const LOCATION_LABEL: Record<string, string> = {
  sandboxes: 'Sandboxes and temporary copies',
  database: 'Tenant database',
  attachments: 'Attachments',
  backups: 'Backup snapshots',
  exports: 'Export packages',
  'control-plane': 'Control plane',
};

export function locationLabel(id: string): string {
  return LOCATION_LABEL[id] ?? id;
}

/** Totals over every location (the control plane's single catalogue entry is not "data deleted"). */
export function certificateTotals(locations: readonly CertificateLocation[]): { objects: number; bytes: number } {
  let objects = 0;
  let bytes = 0;
  for (const l of locations) {
    if (l.id === 'control-plane') continue;
    objects += l.objects;
    bytes += l.bytes;
  }
  return { objects, bytes };
}

/** File names a customer can file away: "deletion-certificate-<id>.pdf". */
export function certificateFileName(certificateId: string, ext: 'pdf' | 'json'): string {
  const safe = certificateId.replace(/[^A-Za-z0-9_-]/g, '_');
  return `deletion-certificate-${safe}.${ext}`;
}

/** The PDF arrives as base64 over the wire; a Blob wants its bytes. */
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
