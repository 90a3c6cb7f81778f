import { describe, expect, it } from 'vitest';
import {
  abbreviateDigest,
  exportOffer,
  formatsLabel,
  freeExportUsedAt,
  hasErrors,
  initialForm,
  ledgerStateLabel,
  linkExpiry,
  listLabel,
  orderedCounts,
  parseExportResult,
  stageIndex,
  stagesFor,
  toggleFormat,
  toStartInput,
  validateExportForm,
  type ExportForm,
} from './export-format';

// Mirrors exports.start's access list and exports.handlers' rule for account managers.
describe('who is offered the export', () => {
  it.each([
    [['support'], 'active', 'yes'],
    [['technical'], 'suspended', 'yes'],
    [['account_manager'], 'offboarding', 'yes'],
    [['account_manager'], 'active', 'offboarding-only'],
    [['account_manager', 'support'], 'active', 'yes'],
    [['admin'], 'offboarding', 'no'],
    [[], 'active', 'no'],
    [['account_manager'], null, 'offboarding-only'],
  ])('%j on a %s tenant → %s', (roles, status, offer) => {
    expect(exportOffer(roles, status)).toBe(offer);
  });
});

describe('the export form', () => {
  const base: ExportForm = { ...initialForm('/srv/exports'), billingReference: '' };

  it('starts as an advanced export in both formats, for people, to the default folder', () => {
    expect(base).toEqual({ profile: 'advanced', formats: ['csv', 'xlsx'], destination: 'folder', folderPath: '/srv/exports', audience: 'people', billingReference: '' });
  });

  it('keeps formats in CSV, XLSX order whatever the clicking order', () => {
    expect(toggleFormat(['xlsx'], 'csv', true)).toEqual(['csv', 'xlsx']);
    expect(toggleFormat(['csv', 'xlsx'], 'csv', false)).toEqual(['xlsx']);
    expect(toggleFormat(['csv'], 'csv', true)).toEqual(['csv']);
    expect(toggleFormat(['csv'], 'csv', false)).toEqual([]);
  });

  it.each<[string, Partial<ExportForm>, 'free' | 'billable' | null, string[]]>([
    ['a free export with a folder', {}, 'free', []],
    ['no format', { formats: [] }, 'free', ['formats']],
    ['an empty folder path', { folderPath: '   ' }, 'free', ['folderPath']],
    ['an over-long folder path', { folderPath: `/${'a'.repeat(4096)}` }, 'free', ['folderPath']],
    ['the object store (no path needed)', { destination: 'objectStore', folderPath: '' }, 'free', []],
    ['billable without a reference', {}, 'billable', ['billingReference']],
    ['billable with a blank reference', { billingReference: '   ' }, 'billable', ['billingReference']],
    ['billable with a reference', { billingReference: 'PO-2026-118' }, 'billable', []],
    ['billable with a 121-character reference', { billingReference: 'x'.repeat(121) }, 'billable', ['billingReference']],
    ['billable with exactly 120 characters', { billingReference: 'x'.repeat(120) }, 'billable', []],
    ['billing not known yet', {}, null, []],
  ])('%s', (_name, patch, billing, fields) => {
    const errors = validateExportForm({ ...base, ...patch }, billing);
    expect(Object.keys(errors).sort()).toEqual([...fields].sort());
    expect(hasErrors(errors)).toBe(fields.length > 0);
  });

  it('builds the exports.start input: trimmed path, formula option, reference only when billable', () => {
    expect(toStartInput('t-1', { ...base, folderPath: ' /tmp/out ', billingReference: 'ignored' }, 'free')).toEqual({
      tenantId: 't-1',
      profile: 'advanced',
      formats: ['csv', 'xlsx'],
      destination: { kind: 'folder', path: '/tmp/out' },
      neutraliseFormulas: true,
    });
    expect(toStartInput('t-1', { ...base, destination: 'objectStore', audience: 'machine', profile: 'basic', formats: ['xlsx'], billingReference: ' PO-7 ' }, 'billable')).toEqual({
      tenantId: 't-1',
      profile: 'basic',
      formats: ['xlsx'],
      destination: { kind: 'objectStore' },
      neutraliseFormulas: false,
      billingReference: 'PO-7',
    });
  });
});

describe('the export job result', () => {
  const full = {
    status: 'completed_with_warnings',
    location: '/tmp/out/custos-export-acme-20260101T000000Z',
    link: null,
    sha256sumsDigest: 'a'.repeat(64),
    counts: { files: 3, companies: 10, persons: 20, history_persons: 5, bogus: 'x' },
    warnings: 2,
    files: { ok: 1, missing: 1, mismatch: 1, refused: 0, volumes: ['attachments/attachments-001.tar.gz', 7] },
    bytes: 12345,
  };

  it('reads what the job summarised', () => {
    expect(parseExportResult(full)).toEqual({
      status: 'completed_with_warnings',
      location: full.location,
      link: null,
      sha256sumsDigest: full.sha256sumsDigest,
      counts: { files: 3, companies: 10, persons: 20, history_persons: 5 },
      warnings: 2,
      files: { ok: 1, missing: 1, mismatch: 1, refused: 0, volumes: ['attachments/attachments-001.tar.gz'] },
      bytes: 12345,
    });
  });

  it('keeps a download link, and treats anything but "completed_with_warnings" as completed', () => {
    const r = parseExportResult({ ...full, status: 'weird', link: 'https://s3.example/x?X-Amz-Signature=1' });
    expect(r?.status).toBe('completed');
    expect(r?.link).toBe('https://s3.example/x?X-Amz-Signature=1');
  });

  it.each([[null], [undefined], ['text'], [[1, 2]], [{ location: 1, sha256sumsDigest: 'x' }], [{ location: '/x' }]])('refuses %j', (r) => {
    expect(parseExportResult(r)).toBeNull();
  });

  it('fills what is missing with zeros', () => {
    expect(parseExportResult({ location: '/x', sha256sumsDigest: 'd' })).toEqual({
      status: 'completed',
      location: '/x',
      link: null,
      sha256sumsDigest: 'd',
      counts: {},
      warnings: 0,
      files: { ok: 0, missing: 0, mismatch: 0, refused: 0, volumes: [] },
      bytes: 0,
    });
  });

  it("orders counts the way PRODUCT.md lists them, unknown lists last", () => {
    expect(orderedCounts({ files: 3, zeta: 1, companies: 10, alpha: 2, history_persons: 5, persons: 20 }).map((c) => c.list)).toEqual([
      'companies',
      'persons',
      'history_persons',
      'files',
      'alpha',
      'zeta',
    ]);
    expect(orderedCounts({ opportunity_lines: 4 })).toEqual([{ list: 'opportunity_lines', label: 'Income and expense lines', count: 4 }]);
  });
});

describe('stages of the export job', () => {
  it('has attachments only for the advanced profile and an upload only for the object store', () => {
    expect(stagesFor('advanced', 'folder')).toEqual(['prepare', 'list', 'attachments', 'manifest', 'verify', 'done']);
    expect(stagesFor('basic', 'objectStore')).toEqual(['prepare', 'list', 'manifest', 'verify', 'upload', 'done']);
  });

  it('places the phase; before the first stage is -1, a finished job is past the last', () => {
    const s = stagesFor('advanced', 'folder');
    expect(stageIndex(s, 'starting', false)).toBe(-1);
    expect(stageIndex(s, 'waiting', false)).toBe(-1);
    expect(stageIndex(s, 'attachments', false)).toBe(2);
    expect(stageIndex(s, 'verify', true)).toBe(s.length);
  });

  it('counts the package as done, and the upload as next, once the package is verified', () => {
    const s = stagesFor('advanced', 'objectStore');
    // The package's "done" comes before the upload (export.console.ts uploads the finished package).
    expect(s[stageIndex(s, 'done', false)]).toBe('upload');
    expect(s[stageIndex(s, 'upload', false)]).toBe('upload');
    const f = stagesFor('advanced', 'folder');
    expect(f[stageIndex(f, 'done', false)]).toBe('done');
  });
});

describe('words', () => {
  it('names lists, states, formats', () => {
    expect(listLabel('history_opportunities')).toBe('History of opportunities');
    expect(listLabel('new_list')).toBe('New list');
    expect(ledgerStateLabel('completed_with_warnings')).toBe('Completed with warnings');
    expect(ledgerStateLabel('paused_forever')).toBe('Paused forever');
    expect(formatsLabel(['csv', 'xlsx'])).toBe('CSV + XLSX');
    expect(formatsLabel([])).toBe('–');
  });

  it('abbreviates a digest to 12 hex digits', () => {
    const d = '0123456789abcdef'.repeat(4);
    expect(abbreviateDigest(d)).toBe('0123456789ab…');
    expect(abbreviateDigest(null)).toBe('');
    expect(abbreviateDigest('0123456789abc')).toBe('0123456789abc');
  });

  it('dates the link expiry 7 days after the export ended', () => {
    expect(linkExpiry('2026-03-25T10:00:00.000Z')).toBe('2026-04-01T10:00:00.000Z');
    expect(linkExpiry(null)).toBeNull();
    expect(linkExpiry('not a date')).toBeNull();
  });
});

describe('when the free advanced export was used', () => {
  const row = (p: Partial<{ profile: string; billing: string; state: string; finishedAt: string | null; createdAt: string }>) => ({
    profile: 'advanced',
    billing: 'free',
    state: 'completed',
    finishedAt: '2026-02-01T10:00:00.000Z',
    createdAt: '2026-02-01T09:59:00.000Z',
    ...p,
  });
  it.each<[string, string | null, ReturnType<typeof row>[] | null, string | null]>([
    ['the tenant record says so', '2025-12-01T00:00:00.000Z', [row({})], '2025-12-01T00:00:00.000Z'],
    ['no ledger', null, null, null],
    ['a completed free advanced export since the page opened', null, [row({})], '2026-02-01T10:00:00.000Z'],
    ['one with warnings counts too', null, [row({ state: 'completed_with_warnings' })], '2026-02-01T10:00:00.000Z'],
    ['a failed one does not', null, [row({ state: 'failed' })], null],
    ['a running one does not', null, [row({ state: 'running', finishedAt: null })], null],
    ['a basic one does not', null, [row({ profile: 'basic' })], null],
    ['a billable one does not', null, [row({ billing: 'billable' })], null],
    ['the earliest of several', null, [row({ finishedAt: '2026-03-01T00:00:00.000Z' }), row({ finishedAt: '2026-01-01T00:00:00.000Z' })], '2026-01-01T00:00:00.000Z'],
  ])('%s', (_name, recorded, ledger, expected) => {
    expect(freeExportUsedAt(recorded, ledger)).toBe(expected);
  });
});
