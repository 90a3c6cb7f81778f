import type { ExportProfile } from './export.lists';

/**
 * Who pays for an export (PRODUCT.md "Exports"): "A commercial customer (not one in
 * its trial period) gets one advanced export free of charge; the console knows
 * whether it was used, and a further one, or one for a trial tenant, is recorded as
 * billable."
 *
 * The basic export is always free: it is the customer's own list export — the lists
 * any user can download from the CRM itself — so charging for it, or letting it use
 * up the free advanced export, would make no sense.
 *
 * Pure (CONVENTIONS.md §7): the caller reads `freeExportUsedAt` from the catalogue,
 * records the use when a free advanced export completes, and asks for a billing
 * reference before starting a billable one (EXPORT_BILLING_REFERENCE_REQUIRED).
 */
export type TenantPlanForBilling = 'trial' | 'commercial';

export type BillableReason = 'trial_tenant' | 'free_export_used';

export type ExportBilling = { status: 'free' } | { status: 'billable'; reason: BillableReason };

export interface ExportBillingFacts {
  plan: TenantPlanForBilling;
  /** When the tenant's free advanced export was used (ISO 8601), or null. */
  freeExportUsedAt: string | null;
  profile: ExportProfile;
}

export function exportBilling(facts: ExportBillingFacts): ExportBilling {
  if (facts.profile === 'basic') return { status: 'free' };
  if (facts.plan !== 'commercial') return { status: 'billable', reason: 'trial_tenant' };
  if (facts.freeExportUsedAt !== null && facts.freeExportUsedAt !== '') return { status: 'billable', reason: 'free_export_used' };
  return { status: 'free' };
}

/** Whether a completed export uses up the tenant's free advanced export (the ledger then sets freeExportUsedAt). */
export function consumesFreeExport(facts: ExportBillingFacts): boolean {
  return exportBilling(facts).status === 'free' && facts.profile === 'advanced';
}

export const BILLABLE_REASON_TEXT: Record<BillableReason, string> = {
  trial_tenant: 'The tenant is in its trial period: advanced exports are billable.',
  free_export_used: 'The tenant has already used its free advanced export.',
};
