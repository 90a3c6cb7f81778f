import { randomUUID } from 'node:crypto';
import type { ControlPlane } from '../control-plane/control-plane.port';
import type { Clock } from '../shared/clock.port';
import {
  ChainVerifier,
  GENESIS_HASH,
  chainHash,
  canonicalJson,
  redactParams,
  type AuditActor,
  type AuditBody,
  type AuditOutcome,
  type ChainVerdict,
} from './audit.chain';

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  tenantId?: string | null;
  justification?: { reason: string; ticket: string } | null;
  grantId?: string | null;
  approvalIds?: string[];
  params?: unknown;
  outcome: AuditOutcome;
}

export interface AuditQuery {
  actor?: string;
  tenantId?: string;
  action?: string;
  outcome?: 'ok' | 'refused' | 'failed';
  from?: string;
  to?: string;
  beforeSeq?: number;
  limit?: number;
}

/** Only the core writes audit records; every transport goes through the dispatcher to get here. */
export class AuditLog {
  constructor(
    private readonly cp: ControlPlane,
    private readonly clock: Clock,
    private readonly appVersion: string,
  ) {}

  async append(entry: AuditEntry): Promise<AuditBody> {
    return this.cp.exclusive('audit', async (trx) => {
      const last = await trx.selectFrom('audit_log').select(['seq', 'hash', 'ts']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const prevHash = last?.hash ?? GENESIS_HASH;
      // Time never goes backwards in the chain, even if the wall clock does.
      let ts = this.clock.now().toISOString();
      if (last && ts < last.ts) ts = last.ts;
      const body: AuditBody = {
        seq: last ? Number(last.seq) + 1 : 1,
        eventId: randomUUID(),
        ts,
        actor: entry.actor,
        action: entry.action,
        tenantId: entry.tenantId ?? null,
        justification: entry.justification ?? null,
        grantId: entry.grantId ?? null,
        approvalIds: entry.approvalIds ?? [],
        params: redactParams(entry.params ?? {}),
        outcome: entry.outcome,
        appVersion: this.appVersion,
      };
      await trx
        .insertInto('audit_log')
        .values({
          seq: body.seq,
          event_id: body.eventId,
          ts: body.ts,
          actor_staff_id: body.actor.staffId,
          actor_label: body.actor.label,
          action: body.action,
          tenant_id: body.tenantId,
          outcome: body.outcome.status,
          body: canonicalJson(body),
          prev_hash: prevHash,
          hash: chainHash(prevHash, body),
        })
        .execute();
      return body;
    });
  }

  async verify(): Promise<ChainVerdict> {
    const verifier = new ChainVerifier();
    let after = 0;
    // Paged so a long log never sits in memory at once.
    for (;;) {
      const rows = await this.cp.db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(2000).execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        if (!verifier.push({ ...r, seq: Number(r.seq) })) return verifier.verdict();
      }
      after = Number(rows[rows.length - 1]!.seq);
    }
    return verifier.verdict();
  }

  async query(q: AuditQuery): Promise<AuditBody[]> {
    let s = this.cp.db.selectFrom('audit_log').select(['body']);
    if (q.actor) s = s.where('actor_label', '=', q.actor);
    if (q.tenantId) s = s.where('tenant_id', '=', q.tenantId);
    if (q.action) s = s.where('action', '=', q.action);
    if (q.outcome) s = s.where('outcome', '=', q.outcome);
    if (q.from) s = s.where('ts', '>=', q.from);
    if (q.to) s = s.where('ts', '<', q.to);
    if (q.beforeSeq) s = s.where('seq', '<', q.beforeSeq);
    const rows = await s.orderBy('seq', 'desc').limit(q.limit ?? 200).execute();
    return rows.map((r) => JSON.parse(r.body) as AuditBody);
  }

  /** The stored hash of each requested record (for anchor checks). */
  async hashesAt(seqs: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (let i = 0; i < seqs.length; i += 500) {
      const rows = await this.cp.db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', 'in', seqs.slice(i, i + 500)).execute();
      for (const r of rows) out.set(Number(r.seq), r.hash);
    }
    return out;
  }

  async head(): Promise<{ seq: number; hash: string } | null> {
    const last = await this.cp.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return last ? { seq: Number(last.seq), hash: last.hash } : null;
  }
}
