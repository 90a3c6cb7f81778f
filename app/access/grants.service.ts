import { randomUUID } from 'node:crypto';
import type { ControlPlane } from '../control-plane/control-plane.port';
import type { Clock } from '../shared/clock.port';
import { CustosError } from '../shared/errors';

/**
 * Justified access (issue 3, PRODUCT.md: access to the contents of a tenant's
 * database is limited to selected technical staff, only as far as needed, and
 * every access leaves a trace). A grant is per staff member AND per tenant,
 * time-boxed, never extended (open a new one, with a new justification).
 */
export interface Grant {
  id: string;
  staffId: string;
  staffEmail: string | null;
  tenantId: string;
  reason: string;
  ticket: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  live: boolean;
}

export const GRANT_DEFAULT_MINUTES = 60;
export const GRANT_MAX_MINUTES = 240;

export class GrantsService {
  constructor(
    private readonly cp: ControlPlane,
    private readonly clock: Clock,
  ) {}

  async open(a: { staffId: string; tenantId: string; reason: string; ticket: string; minutes?: number }): Promise<Grant> {
    const minutes = Math.min(a.minutes ?? GRANT_DEFAULT_MINUTES, GRANT_MAX_MINUTES);
    const now = this.clock.now();
    const row = {
      id: `g-${randomUUID()}`,
      staff_id: a.staffId,
      tenant_id: a.tenantId,
      reason: a.reason.trim(),
      ticket: a.ticket.trim(),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + minutes * 60_000).toISOString(),
      revoked_at: null,
    };
    await this.cp.db.insertInto('grants').values(row).execute();
    return this.toGrant(row, null, now);
  }

  /** The caller's live grant for this tenant, or GRANT_REQUIRED. Never one for another tenant or staff member. */
  async requireLive(staffId: string, tenantId: string): Promise<Grant> {
    const now = this.clock.now();
    const row = await this.cp.db
      .selectFrom('grants')
      .selectAll()
      .where('staff_id', '=', staffId)
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .orderBy('expires_at', 'desc')
      .executeTakeFirst();
    if (!row) {
      throw new CustosError(
        'GRANT_REQUIRED',
        "Viewing this tenant's records needs a justification first.",
        'Give the reason and the customer ticket reference; access is granted for 60 minutes and recorded in the audit log.',
        { tenantId },
      );
    }
    return this.toGrant(row, null, now);
  }

  async revoke(grantId: string, byStaffId: string, isAdmin: boolean): Promise<void> {
    const row = await this.cp.db.selectFrom('grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    if (!row) throw new CustosError('INVALID_INPUT', 'No such grant.', 'Reload the tenant page.');
    if (row.staff_id !== byStaffId && !isAdmin) throw new CustosError('FORBIDDEN', 'Only the holder or an admin can end a grant.', 'Ask an admin.');
    await this.cp.db.updateTable('grants').set({ revoked_at: this.clock.now().toISOString() }).where('id', '=', grantId).where('revoked_at', 'is', null).execute();
  }

  async listForTenant(tenantId: string, limit = 50): Promise<Grant[]> {
    const now = this.clock.now();
    const rows = await this.cp.db
      .selectFrom('grants')
      .leftJoin('staff', 'staff.id', 'grants.staff_id')
      .selectAll('grants')
      .select('staff.email as staff_email')
      .where('grants.tenant_id', '=', tenantId)
      .orderBy('grants.created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => this.toGrant(r, r.staff_email, now));
  }

  private toGrant(r: { id: string; staff_id: string; tenant_id: string; reason: string; ticket: string; created_at: string; expires_at: string; revoked_at: string | null }, email: string | null, now: Date): Grant {
    return {
      id: r.id,
      staffId: r.staff_id,
      staffEmail: email,
      tenantId: r.tenant_id,
      reason: r.reason,
      ticket: r.ticket,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      live: r.revoked_at === null && r.expires_at > now.toISOString(),
    };
  }
}
