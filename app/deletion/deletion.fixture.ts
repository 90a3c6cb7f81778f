/**
 * Test support for the deletion feature (not a test file itself): the schema until
 * migration 0006 is wired into the migrations index, deterministic tenant data in
 * every location a deletion must empty, and the staff actors the tests use.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { AuditActor } from '../audit/audit.chain';
import { up as migrate0006 } from '../control-plane/migrations/0006-deletion';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import { objectKeys } from '../storage/object-store/object-store.port';
import type { DeletionLocationId, LocationTotals } from './deletion.journal';

/** Creates the deletion tables when the control plane does not have them yet (idempotent). */
export async function ensureDeletionSchema(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === 'deletion_requests')) await migrate0006(db);
}

export const actors = {
  am: { staffId: 's-am', label: 'am@vendor.example', roles: ['account_manager'], sessionId: null, transport: 'http' },
  am2: { staffId: 's-am2', label: 'am2@vendor.example', roles: ['account_manager'], sessionId: null, transport: 'http' },
  admin: { staffId: 's-admin', label: 'admin@vendor.example', roles: ['admin'], sessionId: null, transport: 'http' },
  support: { staffId: 's-su', label: 'support@vendor.example', roles: ['support'], sessionId: null, transport: 'http' },
  system: { staffId: null, label: 'system:ops@server', roles: ['system'], sessionId: null, transport: 'cli' },
} satisfies Record<string, AuditActor>;

export interface SeededTenant {
  tenantId: string;
  /** What each location held before deletion. */
  totals: Record<DeletionLocationId, LocationTotals>;
  keys: Record<'attachments' | 'backups' | 'exports', string[]>;
  sandboxDirs: string[];
  dbFiles: string[];
}

function body(tenantId: string, name: string, size: number): Buffer {
  const seed = Buffer.from(`${tenantId}:${name}:`);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = seed[i % seed.length]!;
  return out;
}

/**
 * Puts a tenant's data everywhere deletion must reach: attachments and other
 * objects under tenants/<id>/, dated snapshots + manifests and one undated object
 * under backups/<id>/, export packages under exports/<id>/, two sandbox folders,
 * and SQLite side files next to the tenant database (which the caller created).
 */
export async function seedTenantData(
  store: ObjectStore,
  tenantId: string,
  options: { tenantsDir: string; sandboxRoot: string; attachments?: number },
): Promise<SeededTenant> {
  const keys: SeededTenant['keys'] = { attachments: [], backups: [], exports: [] };
  const bytes = { attachments: 0, backups: 0, exports: 0 };
  const put = async (location: keyof typeof keys, key: string, size: number) => {
    await store.put(key, body(tenantId, key, size));
    keys[location].push(key);
    bytes[location] += size;
  };
  const n = options.attachments ?? 5;
  for (let i = 1; i <= n; i++) await put('attachments', objectKeys.attachment(tenantId, i), 100 + i * 37);
  await put('attachments', `${objectKeys.tenantRoot(tenantId)}avatars/logo.png`, 321);
  // app/backups' layout: <snapshotId>.db.gz + <snapshotId>.manifest.json, the ID starting with its UTC time.
  for (const id of ['20260131T020000Z-0a0b0c', '20260415T020000Z-1a1b1c', '20260629T020000Z-2a2b2c']) {
    await put('backups', `${objectKeys.backupsPrefix(tenantId)}${id}.db.gz`, 2048);
    await put('backups', `${objectKeys.backupsPrefix(tenantId)}${id}.manifest.json`, 200);
  }
  await put('backups', `${objectKeys.backupsPrefix(tenantId)}legacy-copy.bin`, 64);
  await put('exports', `${objectKeys.exportsPrefix(tenantId)}2026-06-29-final/package.tar.gz`, 4096);
  await put('exports', `${objectKeys.exportsPrefix(tenantId)}2026-06-29-final/manifest.json`, 300);

  const sandboxDirs = [join(options.sandboxRoot, tenantId, 'sandbox-a'), join(options.sandboxRoot, tenantId, 'tmp-copy')];
  let sandboxBytes = 0;
  let sandboxFiles = 0;
  for (const dir of sandboxDirs) {
    mkdirSync(join(dir, 'nested'), { recursive: true });
    writeFileSync(join(dir, 'copy.sqlite'), body(tenantId, dir, 500));
    writeFileSync(join(dir, 'nested', 'note.txt'), body(tenantId, 'note', 20));
    sandboxBytes += 520;
    sandboxFiles += 2;
  }

  const main = join(options.tenantsDir, `${tenantId}.sqlite`);
  writeFileSync(`${main}-wal`, body(tenantId, 'wal', 111));
  writeFileSync(`${main}-journal`, body(tenantId, 'journal', 22));
  const dbFiles = [main, `${main}-wal`, `${main}-journal`];
  const dbBytes = dbFiles.reduce((s, f) => s + statSync(f).size, 0);

  return {
    tenantId,
    keys,
    sandboxDirs,
    dbFiles,
    totals: {
      sandboxes: { objects: sandboxFiles, bytes: sandboxBytes },
      database: { objects: dbFiles.length, bytes: dbBytes },
      attachments: { objects: keys.attachments.length, bytes: bytes.attachments },
      backups: { objects: keys.backups.length, bytes: bytes.backups },
      exports: { objects: keys.exports.length, bytes: bytes.exports },
    },
  };
}

export async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(prefix)) out.push(o.key);
  return out;
}
