import { z } from 'zod';

/**
 * Deletion settings. Proposed for custos.json as `deletion: { … }` (merge
 * {@link deletionConfigSchema} into consoleConfigSchema). End-to-end tests do not
 * shorten the grace period: they move the clock with `clockOffsetDays`.
 */
export const deletionConfigSchema = z
  .object({
    /** Issue 7: "scheduled after a grace period (default 7 days, configurable)". At least a day, so a cancel is always possible. */
    graceDays: z.number().min(1).max(90).default(7),
    /** SECURITY.md: an approval expires (24 h is common) unless the request is scheduled by then. */
    approvalTtlHours: z.number().min(1).max(24 * 7).default(24),
    /** Issue 7: warn when completion would be more than this many days after the customer's request was received. */
    legalDeadlineDays: z.number().int().min(1).max(365).default(30),
  })
  .default({ graceDays: 7, approvalTtlHours: 24, legalDeadlineDays: 30 });

export type DeletionConfig = z.output<typeof deletionConfigSchema>;

export const DEFAULT_DELETION_CONFIG: DeletionConfig = deletionConfigSchema.parse(undefined);
