import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CustosError } from '../shared/errors';
import { objectStoreConfigSchema } from '../storage/object-store';
import { writeFileAtomic } from '../shared/fs-atomic';
import { deletionConfigSchema } from '../deletion/deletion.config';

/** Environment variable names only: a URL (with its password) never lives in custos.json. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const DEFAULT_TENANTS_PG_URL_ENV = 'CUSTOS_TENANTS_PG_URL';

const tenantPostgresSchema = z
  .object({
    urlEnv: z.string().regex(ENV_NAME, 'must be the name of an environment variable, e.g. CUSTOS_TENANTS_PG_URL').default(DEFAULT_TENANTS_PG_URL_ENV),
    // Refused with the fix rather than silently ignored: someone tried to put the URL (and its password) in the file.
    url: z.never({ error: 'the PostgreSQL URL is never read from custos.json: set it in the environment variable named by urlEnv (default CUSTOS_TENANTS_PG_URL)' }).optional(),
  })
  .strict();

/**
 * The data folder's `custos.json`, parsed at the boundary (CONVENTIONS.md §5).
 * Secrets never live here: S3 keys and database passwords come from the
 * environment or the OS keychain.
 */
export const consoleConfigSchema = z.object({
  controlPlane: z
    .discriminatedUnion('engine', [
      z.object({ engine: z.literal('sqlite'), path: z.string().default('control-plane.sqlite') }),
      z.object({ engine: z.literal('postgres'), urlEnv: z.string().default('CUSTOS_CONTROL_PLANE_URL') }),
    ])
    .default({ engine: 'sqlite', path: 'control-plane.sqlite' }),
  tenantDatabases: z
    .object({
      /** The embedded default: SQLite files in `dir`. Which engine a tenant is on is in its catalogue entry (dbEngine). */
      engine: z.literal('sqlite').default('sqlite'),
      dir: z.string().default('tenants'),
      /**
       * The PostgreSQL server of tenants whose catalogue entry says dbEngine 'postgres'
       * (issue 8; one database per tenant, the entry's dbLocation is its name). The URL
       * comes from the environment variable named here, never from this file; plain
       * connections only to this machine, anything else TLS verify-full (tls.policy.ts).
       */
      postgres: tenantPostgresSchema.optional(),
    })
    .default({ engine: 'sqlite', dir: 'tenants' }),
  objectStore: objectStoreConfigSchema.default({ kind: 'local', dir: 'objects' }),
  demo: z
    .object({
      tenants: z.number().int().min(0).max(10_000).default(60),
      seed: z.number().int().default(1),
      size: z.enum(['small', 'medium', 'large']).default('small'),
      /** How many demo tenants get a past backup history (real snapshots as of past dates). */
      backupHistoryTenants: z.number().int().min(0).max(1000).default(6),
    })
    .default({ tenants: 60, seed: 1, size: 'small', backupHistoryTenants: 6 }),
  identity: z
    .object({
      maxFailures: z.number().int().min(1).max(100).default(5),
      lockMinutes: z.number().min(0.01).max(24 * 60).default(15),
      sessionIdleMinutes: z.number().min(1).max(24 * 60).default(30),
      sessionAbsoluteHours: z.number().min(1).max(24 * 7).default(12),
    })
    .default({ maxFailures: 5, lockMinutes: 15, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 }),
  /**
   * Moves the console's clock forward (days). Only for demos and end-to-end tests
   * that need to "fast-forward" a grace period; the UI shows a banner when set.
   */
  clockOffsetDays: z.number().min(0).max(3650).default(0),
  /** Deletion requests (issue 7): grace period, approval validity, legal deadline. */
  deletion: deletionConfigSchema,
  /** Restore (issue 6): how long a sandbox lives, how long a restore can be rolled back. */
  restore: z
    .object({
      sandboxHours: z.number().min(0.01).max(24 * 30).default(24),
      rollbackDays: z.number().min(0).max(365).default(7),
    })
    .default({ sandboxHours: 24, rollbackDays: 7 }),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

export const CONFIG_FILE = 'custos.json';

export function readConfig(dataDir: string): { config: ConsoleConfig; existed: boolean } {
  const path = join(dataDir, CONFIG_FILE);
  if (!existsSync(path)) return { config: consoleConfigSchema.parse({}), existed: false };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CustosError('CONFIG_INVALID', `${path} is not valid JSON: ${(e as Error).message}.`, 'Fix the file or move it away to start with defaults.');
  }
  const parsed = consoleConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new CustosError('CONFIG_INVALID', `${path} has invalid settings: ${what}.`, 'Fix the named settings (see README, "Configuration").');
  }
  return { config: parsed.data, existed: true };
}

export function writeConfig(dataDir: string, config: ConsoleConfig): void {
  writeFileAtomic(join(dataDir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n');
}
