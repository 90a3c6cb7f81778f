import { join, resolve, sep } from 'node:path';
import type { TenantRecord } from '../control-plane/tenant-record';
import { CustosError } from '../shared/errors';
import { SqliteTenantDatabase } from '../storage/sqlite';
import type { TenantDatabase } from '../storage/sqlite/tenant-database.port';

/**
 * Where tenant databases live and how to open one. The catalogue says which engine
 * and location; a location is never trusted as a path without checking it stays
 * inside the tenants folder.
 */
export class TenantDatabases {
  private readonly open = new Set<TenantDatabase>();

  constructor(readonly dir: string) {}

  pathOf(r: TenantRecord): string {
    const p = resolve(this.dir, r.dbLocation);
    if (!p.startsWith(resolve(this.dir) + sep)) {
      throw new CustosError('TENANT_SCHEMA_UNEXPECTED', `Tenant ${r.id} has a database location outside the tenants folder.`, 'Fix the tenant catalogue entry.');
    }
    return p;
  }

  describe(r: TenantRecord): string {
    return r.dbEngine === 'sqlite' ? join(this.dir, r.dbLocation) : `postgres database ${r.dbLocation}`;
  }

  async openTenant(r: TenantRecord, options: { readonly?: boolean } = {}): Promise<TenantDatabase> {
    if (r.status === 'deleted') {
      throw new CustosError('TENANT_DELETED', `Tenant ${r.id} was deleted; its database no longer exists.`, 'Open the tenant tombstone for its deletion certificate.');
    }
    if (r.dbEngine !== 'sqlite') {
      throw new CustosError('CONFIG_INVALID', `Tenant ${r.id} lives on PostgreSQL, which this version cannot open.`, 'Use a console version with PostgreSQL support.');
    }
    const db = await SqliteTenantDatabase.open(this.pathOf(r), r.id, { readonly: options.readonly ?? true });
    this.open.add(db);
    const close = db.close.bind(db);
    db.close = async () => {
      this.open.delete(db);
      await close();
    };
    return db;
  }

  async with<T>(r: TenantRecord, fn: (db: TenantDatabase) => Promise<T>, options: { readonly?: boolean } = {}): Promise<T> {
    const db = await this.openTenant(r, options);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  /** Closes this process's handles on one tenant's database (before a restore swaps the file). */
  async closeTenant(tenantId: string): Promise<void> {
    for (const db of [...this.open]) if (db.tenantId === tenantId) await db.close();
  }

  async closeAll(): Promise<void> {
    for (const db of [...this.open]) await db.close();
  }
}
