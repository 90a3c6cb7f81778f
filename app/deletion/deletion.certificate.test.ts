import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import {
  canonicalCertificate,
  certificateKeys,
  formatBytes,
  renderCertificatePdf,
  sha256Hex,
  summariseSnapshots,
  verifyCertificateJson,
  type DeletionCertificate,
} from './deletion.certificate';

const tmp = tempDir('custos-cert-');
afterAll(() => tmp.remove());

function sample(over: Partial<DeletionCertificate> = {}): DeletionCertificate {
  return {
    kind: 'custos.deletion-certificate',
    version: 1,
    certificateId: 'dc-0b7e3c1e-8f7a-4a55-9d1e-3d2f7b9c0a11',
    tenant: { id: 't-000042', name: 'Acme Handels GmbH', plan: 'commercial', region: 'eu-west-1', createdAt: '2024-01-01T00:00:00.000Z' },
    request: {
      id: 'dr-1',
      reference: 'CUST-4411',
      receivedOn: '2026-06-25',
      requesterContact: 'Jo Kay <jo@customer.example>',
      filedAt: '2026-06-26T09:00:00.000Z',
      filedBy: 'am@vendor.example',
      approvedAt: '2026-06-26T10:00:00.000Z',
      approvedBy: 'admin@vendor.example',
      scheduledFor: '2026-07-03T10:00:00.000Z',
      finalExport: { wanted: true, jobId: 'j-77', location: 'exports/t-000042/final/package.tar.gz' },
    },
    execution: { startedAt: '2026-07-03T11:00:00.000Z', executedBy: 'system:ops@server', runs: 2 },
    locations: [
      { id: 'sandboxes', description: 'No sandbox or temporary folder was registered for this tenant.', objects: 0, bytes: 0 },
      { id: 'database', description: 'sqlite database t-000042.sqlite with its side files', objects: 2, bytes: 1_234_567 },
      { id: 'attachments', description: '/data/objects › tenants/t-000042/', objects: 1500, bytes: 987_654_321 },
      { id: 'backups', description: '/data/objects › backups/t-000042/', objects: 40, bytes: 55_000_000 },
      { id: 'exports', description: '/data/objects › exports/t-000042/', objects: 3, bytes: 12_000 },
      { id: 'control-plane', description: 'Catalogue entry anonymised; tombstone kept.', objects: 1, bytes: 0 },
    ],
    snapshots: { count: 20, from: '2025-07-01T02:00:00.000Z', to: '2026-07-03T02:00:00.000Z', undatedObjects: 0 },
    verification: {
      at: '2026-07-03T11:05:00.000Z',
      ok: true,
      checks: [
        { location: 'attachments', target: '/data/objects › tenants/t-000042/', remaining: 0 },
        { location: 'backups', target: '/data/objects › backups/t-000042/', remaining: 0 },
      ],
      leftovers: [],
      leftoverCount: 0,
    },
    completedAt: '2026-07-03T11:05:01.000Z',
    auditChainHead: { seq: 1234, hash: 'ab'.repeat(32) },
    issuer: { product: 'Custos', appVersion: '0.1.0', objectStore: '/data/objects' },
    ...over,
  };
}

function pdfText(pdf: Uint8Array, name: string): string {
  const file = join(tmp.dir, name);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('snapshot summary from backup keys', () => {
  const P = 'backups/t-1/';
  it.each([
    [[], { count: 0, from: null, to: null, undatedObjects: 0 }],
    [
      [`${P}20260131T020000Z.sqlite.gz`, `${P}20260131T020000Z.manifest.json`, `${P}20260201T020000Z.sqlite.gz`],
      { count: 2, from: '2026-01-31T02:00:00.000Z', to: '2026-02-01T02:00:00.000Z', undatedObjects: 0 },
    ],
    // app/backups' layout: two snapshots in the same second are two snapshots.
    [
      [`${P}20260131T020000Z-a1b2c3.db.gz`, `${P}20260131T020000Z-a1b2c3.manifest.json`, `${P}20260131T020000Z-ffffff.db.gz`, `${P}20260131T020000Z-ffffff.manifest.json`],
      { count: 2, from: '2026-01-31T02:00:00.000Z', to: '2026-01-31T02:00:00.000Z', undatedObjects: 0 },
    ],
    // A snapshot as a folder; its objects count once.
    [[`${P}20251231T230000Z/db.sqlite`, `${P}20251231T230000Z/manifest.json`], { count: 1, from: '2025-12-31T23:00:00.000Z', to: '2025-12-31T23:00:00.000Z', undatedObjects: 0 }],
    // Dated deeper in the key (a "daily/" folder first).
    [[`${P}daily/20260301T020000Z.gz`], { count: 1, from: '2026-03-01T02:00:00.000Z', undatedObjects: 0 }],
    // Not a real date (Feb 31), not a stamp, no stamp at all: counted, not dated.
    [[`${P}20260231T020000Z.gz`, `${P}2026-01-31.gz`, `${P}legacy.bin`], { count: 0, from: null, to: null, undatedObjects: 3 }],
    [[`${P}20280229T000000Z.gz`, `${P}x`], { count: 1, from: '2028-02-29T00:00:00.000Z', undatedObjects: 1 }], // leap day
  ] as const)('%j', (keys, expected) => {
    expect(summariseSnapshots(keys, P)).toMatchObject(expected);
  });
});

describe('certificate JSON', () => {
  it('is canonical: the same facts in any key order give the same bytes and hash', () => {
    const a = sample();
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverseKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
    const reordered = reverseKeys(a) as DeletionCertificate;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(a));
    expect(canonicalCertificate(reordered)).toEqual(canonicalCertificate(a));
    const { json, sha256 } = canonicalCertificate(a);
    expect(sha256).toBe(sha256Hex(json));
    expect(json.startsWith('{"auditChainHead":')).toBe(true); // RFC 8785: keys sorted
  });

  it('verifies only the exact canonical bytes', () => {
    const { json, sha256 } = canonicalCertificate(sample());
    expect(verifyCertificateJson(json, sha256)).toBe(true);
    const tampered = json.replace('"objects":1500', '"objects":1499');
    expect(verifyCertificateJson(tampered, sha256)).toBe(false);
    expect(verifyCertificateJson(tampered, sha256Hex(tampered))).toBe(true); // a consistent forgery needs the PDF's printed hash to match too
    const pretty = JSON.stringify(JSON.parse(json), null, 2);
    expect(verifyCertificateJson(pretty, sha256Hex(pretty))).toBe(false); // not canonical
  });

  it('lives under certificates/<id>.json and .pdf', () => {
    expect(certificateKeys('dc-1')).toEqual({ json: 'certificates/dc-1.json', pdf: 'certificates/dc-1.pdf' });
  });
});

describe('certificate PDF', () => {
  it('shows the tenant, the facts and the JSON hash (read back with pdftotext)', async () => {
    const cert = sample();
    const { json, sha256 } = canonicalCertificate(cert);
    const pdf = await renderCertificatePdf(cert, sha256, json);
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf, 'plain.pdf');
    for (const needle of ['Certificate of deletion', 't-000042', 'Acme Handels GmbH', 'CUST-4411', '2026-06-25', 'admin@vendor.example', 'system:ops@server', sha256, 'seq 1234', '1500 items', 'Every location was listed again and found empty.']) {
      expect(text, needle).toContain(needle);
    }
    // The JSON twin travels inside the PDF.
    const attached = execFileSync('pdfdetach', ['-list', join(tmp.dir, 'plain.pdf')], { encoding: 'utf8' });
    expect(attached).toContain(`${cert.certificateId}.json`);
  });

  it('is deterministic: a rerun after a crash writes the same bytes', async () => {
    const cert = sample();
    const { json, sha256 } = canonicalCertificate(cert);
    const a = await renderCertificatePdf(cert, sha256, json);
    const b = await renderCertificatePdf(cert, sha256, json);
    expect(sha256Hex(a)).toBe(sha256Hex(b));
  });

  it('renders hostile names without failing, marking what the font cannot show', async () => {
    const cert = sample({
      tenant: { ...sample().tenant, name: 'Zoë 😀 株式会社\u202Eevil\nname <script>custos.call("x")</script>' },
      locations: [{ id: 'attachments', description: `/data › tenants/t-000042/${'very-long-segment-'.repeat(20)}`, objects: 1, bytes: 1 }],
    });
    const { json, sha256 } = canonicalCertificate(cert);
    const text = pdfText(await renderCertificatePdf(cert, sha256, json), 'hostile.pdf');
    expect(text).toContain('Zoë');
    expect(text).toContain('[U+1F600]');
    expect(text).toContain('[U+682A]');
    expect(text).toContain('[U+202E]');
    expect(text).toContain('<script>');
    expect(text).toContain(sha256);
  });

  it('breaks onto more pages when the facts do not fit one', async () => {
    const checks = Array.from({ length: 120 }, (_, i) => ({ location: 'attachments' as const, target: `prefix-${i}`, remaining: 0 }));
    const cert = sample({ verification: { ...sample().verification, checks } });
    const { json, sha256 } = canonicalCertificate(cert);
    const text = pdfText(await renderCertificatePdf(cert, sha256, json), 'long.pdf');
    expect(text.split('\f').length).toBeGreaterThan(2);
    expect(text).toContain('prefix-119');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB (1024 bytes)'],
    [987_654_321, '941.9 MiB (987654321 bytes)'],
  ])('%d → %s', (n, s) => expect(formatBytes(n)).toBe(s));
});
