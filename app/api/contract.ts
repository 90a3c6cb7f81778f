/**
 * The Console API contract (ARCHITECTURE.md): every operation's name, input and
 * output schema, who may call it and whether it is audited. Electron IPC, the web
 * host, the CLI and the renderer client are all derived from this one table
 * (CONVENTIONS.md §1). The renderer imports only the *types* from here.
 *
 * Nothing in this file may import Node modules: the renderer's typecheck reads it.
 */
import { z } from 'zod';
import { DIRECTORY_ROLES, ADMIN_ROLES, ROLES, type Access } from './roles';

export interface OperationDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string;
  input: I;
  output: O;
  access: Access;
  /**
   * Audited operations write one audit record per call. Every refused or failed
   * call of any operation is audited too; unaudited reads (directory paging, job
   * polling) would otherwise flood the log with noise.
   */
  audited: boolean;
  /**
   * The CLI may call it as `system:<os-user>@<host>` without a staff session
   * (what cron/systemd runs on a server). Everything else needs a signed-in staff member.
   */
  system?: boolean;
  /**
   * Allowed while the caller must still change a reset password (sign-out,
   * change password, current session). Everything else is refused until then.
   */
  beforePasswordChange?: boolean;
}

function op<I extends z.ZodType, O extends z.ZodType>(def: OperationDef<I, O>): OperationDef<I, O> {
  return def;
}

// ---- shared value schemas -------------------------------------------------

export const roleSchema = z.enum(ROLES);
export const tenantIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'not a tenant ID');

export const staffViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  failedAttempts: z.number().int(),
  createdAt: z.string(),
  lastSignInAt: z.string().nullable(),
});
export type StaffView = z.infer<typeof staffViewSchema>;

export const TENANT_PLANS = ['trial', 'commercial'] as const;
export const TENANT_STATUSES = ['active', 'suspended', 'offboarding', 'restoring', 'deleted'] as const;
export type TenantPlan = (typeof TENANT_PLANS)[number];
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export const tenantSummarySchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  plan: z.enum(TENANT_PLANS),
  status: z.enum(TENANT_STATUSES),
  region: z.string(),
  createdAt: z.string(),
  dpaVersion: z.string().nullable(),
  dpaAcceptedAt: z.string().nullable(),
  dbEngine: z.enum(['sqlite', 'postgres']),
  dbSizeBytes: z.number(),
  attachmentCount: z.number().int(),
  attachmentBytes: z.number(),
  lastSnapshotAt: z.string().nullable(),
});
export type TenantSummary = z.infer<typeof tenantSummarySchema>;

export const TENANT_SORT_COLUMNS = [
  'name',
  'slug',
  'plan',
  'status',
  'region',
  'createdAt',
  'dpaAcceptedAt',
  'dbSizeBytes',
  'attachmentCount',
  'attachmentBytes',
  'lastSnapshotAt',
] as const;
export type TenantSortColumn = (typeof TENANT_SORT_COLUMNS)[number];

export const tenantListInputSchema = z.object({
  query: z.string().max(200).optional(),
  plan: z.enum(TENANT_PLANS).optional(),
  status: z.enum(TENANT_STATUSES).optional(),
  region: z.string().max(64).optional(),
  sort: z.enum(TENANT_SORT_COLUMNS).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type TenantListInput = z.input<typeof tenantListInputSchema>;

export const entityCountSchema = z.object({ entity: z.string(), label: z.string(), count: z.number().int() });

export const tenantStatsSchema = z.object({
  tenantId: z.string(),
  schemaVersion: z.number().int(),
  counts: z.array(entityCountSchema),
  /** Activities (history) per kind of owner: persons, companies, opportunities, spaces. */
  historyBySubject: z.array(entityCountSchema),
  customFields: z.array(
    z.object({ entity: z.string(), key: z.string(), label: z.string(), type: z.string(), valueCount: z.number().int() }),
  ),
  dbSizeBytes: z.number(),
  missingObjects: z.number().int().nullable(),
});
export type TenantStats = z.infer<typeof tenantStatsSchema>;

export const tenantDetailSchema = tenantSummarySchema.extend({
  storage: z.object({
    database: z.string(),
    attachments: z.string(),
    backups: z.string(),
    exports: z.string(),
  }),
  freeExportUsedAt: z.string().nullable(),
  legalHold: z.string().nullable(),
});
export type TenantDetail = z.infer<typeof tenantDetailSchema>;

export const sessionInfoSchema = z.object({
  staff: staffViewSchema,
  expiresAt: z.string(),
});

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

// ---- the table --------------------------------------------------------------

export const contract = {
  'setup.status': op({
    summary: 'Whether the console still needs its first admin account.',
    input: empty,
    output: z.object({ needsFirstAdmin: z.boolean(), dataLocation: z.string(), productVersion: z.string() }),
    access: 'public',
    audited: false,
  }),
  'setup.createFirstAdmin': op({
    summary: 'Create the first admin account on a fresh control plane, and sign in as it.',
    input: z.object({
      email: z.string().email().max(254),
      displayName: z.string().min(1).max(120),
      password: z.string().min(1).max(1024),
    }),
    output: sessionInfoSchema,
    access: 'public',
    audited: true,
  }),
  'session.signIn': op({
    summary: 'Sign in with e-mail and password.',
    input: z.object({ email: z.string().max(254), password: z.string().max(1024) }),
    output: sessionInfoSchema,
    access: 'public',
    audited: true,
  }),
  'session.signOut': op({
    summary: 'End this session.',
    input: empty,
    output: ok,
    access: 'signed-in',
    audited: true,
    beforePasswordChange: true,
  }),
  'session.current': op({
    summary: 'The signed-in staff member, or null.',
    input: empty,
    output: sessionInfoSchema.nullable(),
    access: 'public',
    audited: false,
    beforePasswordChange: true,
  }),
  'tenants.list': op({
    summary: 'The tenant directory: search, filter, sort, page.',
    input: tenantListInputSchema,
    output: z.object({
      total: z.number().int(),
      offset: z.number().int(),
      rows: z.array(tenantSummarySchema),
      regions: z.array(z.string()),
    }),
    access: DIRECTORY_ROLES,
    audited: false,
  }),
  'tenants.get': op({
    summary: "A tenant's catalogue record.",
    input: z.object({ tenantId: tenantIdSchema }),
    output: tenantDetailSchema,
    access: DIRECTORY_ROLES,
    audited: true,
  }),
  'tenants.stats': op({
    summary: "Counts of every entity in a tenant's database, and its custom fields (no records).",
    input: z.object({ tenantId: tenantIdSchema }),
    output: tenantStatsSchema,
    access: DIRECTORY_ROLES,
    audited: true,
  }),
} satisfies Record<string, OperationDef>;

export type Contract = typeof contract;
export type OpName = keyof Contract;
export type OpInput<N extends OpName> = z.input<Contract[N]['input']>;
export type OpOutput<N extends OpName> = z.output<Contract[N]['output']>;

export const OP_NAMES = Object.keys(contract) as OpName[];

// ---- events pushed to the renderer -------------------------------------------

export interface JobProgressEvent {
  type: 'job';
  jobId: string;
  kind: string;
  tenantId: string | null;
  state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  phase: string;
  done: number;
  total: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  etaSeconds: number | null;
  message?: string;
}
export interface SessionEndedEvent {
  type: 'session-ended';
  reason: 'signed-out' | 'expired' | 'disabled';
}
export type ConsoleEvent = JobProgressEvent | SessionEndedEvent;
