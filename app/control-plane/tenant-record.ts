import type { TenantPlan, TenantStatus } from '../api/contract';

/** A tenant as the control plane's catalogue knows it (PRODUCT.md "Words": tenant). */
export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  plan: TenantPlan;
  status: TenantStatus;
  /** AWS-style region name where the tenant's data lives, e.g. eu-west-1. */
  region: string;
  createdAt: string; // ISO 8601 UTC
  dpaVersion: string | null;
  dpaAcceptedAt: string | null;
  dbEngine: 'sqlite' | 'postgres';
  /** SQLite: file name relative to the tenants folder. PostgreSQL: database name. */
  dbLocation: string;
  dbSizeBytes: number;
  attachmentCount: number;
  attachmentBytes: number;
  lastSnapshotAt: string | null;
  freeExportUsedAt: string | null;
  legalHold: string | null;
}
