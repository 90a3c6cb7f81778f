import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store/object-store.port';
import type { ChainVerdict } from './audit.chain';

/**
 * Anchors of the audit chain outside the control plane (SECURITY.md): whoever can
 * write the audit table can recompute a bare chain, but not the heads already
 * written to the object store. `audit verify` checks the chain against them.
 */
const PREFIX = 'audit-anchors/';
const anchorSchema = z.object({ seq: z.number().int().min(1), hash: z.string().regex(/^[0-9a-f]{64}$/), ts: z.string() });
export type AuditAnchor = z.infer<typeof anchorSchema>;

export const anchorKey = (seq: number) => `${PREFIX}${String(seq).padStart(12, '0')}.json`;

export async function writeAnchor(store: ObjectStore, head: { seq: number; hash: string }, now: Date): Promise<AuditAnchor> {
  const anchor = { seq: head.seq, hash: head.hash, ts: now.toISOString() };
  await store.put(anchorKey(head.seq), JSON.stringify(anchor), { contentType: 'application/json' });
  return anchor;
}

export async function readAnchors(store: ObjectStore): Promise<{ anchors: AuditAnchor[]; unreadable: string[] }> {
  const anchors: AuditAnchor[] = [];
  const unreadable: string[] = [];
  for await (const info of store.list(PREFIX)) {
    try {
      const chunks: Buffer[] = [];
      for await (const c of await store.get(info.key)) chunks.push(c as Buffer);
      anchors.push(anchorSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    } catch {
      unreadable.push(info.key);
    }
  }
  anchors.sort((a, b) => a.seq - b.seq);
  return { anchors, unreadable };
}

export interface AnchorCheck {
  ok: boolean;
  anchors: number;
  problem: string | null;
}

/**
 * Every anchored head must still be in the chain with the same hash; a chain that
 * ends before the newest anchor lost records at its tail.
 */
export function checkAnchors(anchors: readonly AuditAnchor[], hashAt: ReadonlyMap<number, string>, verdict: ChainVerdict): AnchorCheck {
  const headSeq = verdict.head?.seq ?? 0;
  for (const a of anchors) {
    if (a.seq > headSeq) {
      return { ok: false, anchors: anchors.length, problem: `the chain ends at record ${headSeq}, but record ${a.seq} was anchored on ${a.ts}: records were deleted from the end of the log` };
    }
    const h = hashAt.get(a.seq);
    if (h !== a.hash) {
      return { ok: false, anchors: anchors.length, problem: `record ${a.seq} differs from its anchor of ${a.ts}: the log was rewritten and re-hashed` };
    }
  }
  return { ok: true, anchors: anchors.length, problem: null };
}
