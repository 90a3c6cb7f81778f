import { describe, expect, it } from 'vitest';
import { base64ToBytes, certificateFileName, certificateTotals, parseCertificateFacts } from './certificate-facts';

// The shape app/deletion/deletion.certificate.ts writes (kind custos.deletion-certificate, version 1).
const sample = {
  kind: 'custos.deletion-certificate',
  version: 1,
  certificateId: 'dc-2026-0001',
  tenant: { id: 'tn_001', name: 'Acme GmbH', plan: 'commercial', region: 'eu-central-1', createdAt: '2021-05-01T00:00:00.000Z' },
  request: {
    id: 'dr-1',
    reference: 'CUST-77',
    receivedOn: '2026-03-01',
    requesterContact: 'dpo@acme.example',
    filedAt: '2026-03-02T09:00:00.000Z',
    filedBy: 'Alma Manager <am@vendor.example>',
    approvedAt: '2026-03-02T10:00:00.000Z',
    approvedBy: 'Rita Root <root@vendor.example>',
    scheduledFor: '2026-03-09T10:00:00.000Z',
    finalExport: { wanted: false, jobId: null, location: null },
  },
  execution: { startedAt: '2026-03-09T11:00:00.000Z', executedBy: 'Alma Manager <am@vendor.example>', runs: 1 },
  locations: [
    { id: 'sandboxes', description: 'No sandbox', objects: 0, bytes: 0 },
    { id: 'database', description: 'sqlite database', objects: 3, bytes: 4096 },
    { id: 'attachments', description: 'store › tenants/tn_001/', objects: 10, bytes: 2048 },
    { id: 'backups', description: 'store › backups/tn_001/', objects: 4, bytes: 1024 },
    { id: 'exports', description: 'store › exports/tn_001/', objects: 0, bytes: 0 },
    { id: 'control-plane', description: 'Catalogue entry anonymised', objects: 1, bytes: 0 },
  ],
  snapshots: { count: 2, from: '2026-02-01T02:00:00.000Z', to: '2026-03-01T02:00:00.000Z', undatedObjects: 0 },
  verification: { at: '2026-03-09T11:00:05.000Z', ok: true, checks: [{ location: 'attachments', target: 'tenants/tn_001/', remaining: 0 }], leftovers: [], leftoverCount: 0 },
  completedAt: '2026-03-09T11:00:06.000Z',
  auditChainHead: { seq: 42, hash: 'ab'.repeat(32) },
  issuer: { product: 'Custos', appVersion: '0.1.0', objectStore: 's3://bucket' },
};

describe('parseCertificateFacts', () => {
  it('reads every fact the card shows', () => {
    const f = parseCertificateFacts(JSON.stringify(sample));
    expect(f?.certificateId).toBe('dc-2026-0001');
    expect(f?.tenant.name).toBe('Acme GmbH');
    expect(f?.request.reference).toBe('CUST-77');
    expect(f?.locations.map((l) => l.id)).toEqual(['sandboxes', 'database', 'attachments', 'backups', 'exports', 'control-plane']);
    expect(f?.snapshots.count).toBe(2);
    expect(f?.verification.ok).toBe(true);
    expect(f?.auditChainHead?.seq).toBe(42);
  });

  it('accepts a certificate without an audit anchor or requester contact', () => {
    const f = parseCertificateFacts(JSON.stringify({ ...sample, auditChainHead: null, request: { ...sample.request, requesterContact: null } }));
    expect(f?.auditChainHead).toBeNull();
    expect(f?.request.requesterContact).toBeNull();
  });

  it.each([
    ['not JSON', '{'],
    ['another kind', JSON.stringify({ ...sample, kind: 'something-else' })],
    ['another version', JSON.stringify({ ...sample, version: 2 })],
    ['a missing tenant', JSON.stringify({ ...sample, tenant: undefined })],
    ['a count as text', JSON.stringify({ ...sample, snapshots: { ...sample.snapshots, count: '2' } })],
    ['locations not a list', JSON.stringify({ ...sample, locations: {} })],
    ['an array', '[]'],
    ['null', 'null'],
  ])('refuses %s', (_what, json) => expect(parseCertificateFacts(json)).toBeNull());
});

describe('certificate helpers', () => {
  it('totals the data locations, not the control-plane entry', () => {
    expect(certificateTotals(sample.locations)).toEqual({ objects: 17, bytes: 7168 });
  });
  it('names the files safely', () => {
    expect(certificateFileName('dc-2026-0001', 'pdf')).toBe('deletion-certificate-dc-2026-0001.pdf');
    expect(certificateFileName('../x/y', 'json')).toBe('deletion-certificate-___x_y.json');
  });
  it('decodes base64 to bytes', () => {
    expect(Array.from(base64ToBytes('JVBERi0='))).toEqual([0x25, 0x50, 0x44, 0x46, 0x2d]);
  });
});
