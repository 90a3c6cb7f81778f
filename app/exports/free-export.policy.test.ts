import { describe, expect, it } from 'vitest';
import { consumesFreeExport, exportBilling, type ExportBillingFacts } from './free-export.policy';

describe('exportBilling (PRODUCT.md: one free advanced export for commercial tenants)', () => {
  const cases: [string, ExportBillingFacts, ReturnType<typeof exportBilling>, boolean][] = [
    ['commercial, first advanced export', { plan: 'commercial', freeExportUsedAt: null, profile: 'advanced' }, { status: 'free' }, true],
    ['commercial, free one already used', { plan: 'commercial', freeExportUsedAt: '2025-01-31T23:59:59.999Z', profile: 'advanced' }, { status: 'billable', reason: 'free_export_used' }, false],
    ['commercial, used at the epoch (still used)', { plan: 'commercial', freeExportUsedAt: '1970-01-01T00:00:00.000Z', profile: 'advanced' }, { status: 'billable', reason: 'free_export_used' }, false],
    ['commercial, empty text counts as unused', { plan: 'commercial', freeExportUsedAt: '', profile: 'advanced' }, { status: 'free' }, true],
    ['trial, first advanced export', { plan: 'trial', freeExportUsedAt: null, profile: 'advanced' }, { status: 'billable', reason: 'trial_tenant' }, false],
    ['trial, after a (billable) one', { plan: 'trial', freeExportUsedAt: '2025-02-28T00:00:00.000Z', profile: 'advanced' }, { status: 'billable', reason: 'trial_tenant' }, false],
    ['commercial, basic export', { plan: 'commercial', freeExportUsedAt: null, profile: 'basic' }, { status: 'free' }, false],
    ['commercial, basic after the free one was used', { plan: 'commercial', freeExportUsedAt: '2025-03-01T00:00:00.000Z', profile: 'basic' }, { status: 'free' }, false],
    ['trial, basic export', { plan: 'trial', freeExportUsedAt: null, profile: 'basic' }, { status: 'free' }, false],
  ];
  it.each(cases)('%s', (_name, facts, expected, consumes) => {
    expect(exportBilling(facts)).toEqual(expected);
    expect(consumesFreeExport(facts)).toBe(consumes);
  });
});
