import type { ObjectStore } from '../storage/object-store/object-store.port';
import type { AuditLog } from './audit.service';
import { describeProblem } from './audit.chain';
import { checkAnchors, readAnchors, writeAnchor } from './audit.anchors';

export interface FullAuditVerdict {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  problem: string | null;
  problemSeq: number | null;
  anchors: number;
}

/** The chain itself, then the anchors kept outside the control plane. */
export async function verifyAudit(audit: AuditLog, store: ObjectStore): Promise<FullAuditVerdict> {
  const v = await audit.verify();
  if (!v.ok) {
    return { ok: false, checked: v.checked, head: v.head, problem: describeProblem(v.firstProblem!), problemSeq: v.firstProblem!.seq, anchors: 0 };
  }
  const { anchors, unreadable } = await readAnchors(store);
  if (unreadable.length) {
    return { ok: false, checked: v.checked, head: v.head, problem: `audit anchors could not be read: ${unreadable.join(', ')}`, problemSeq: null, anchors: anchors.length };
  }
  const hashes = await audit.hashesAt(anchors.map((a) => a.seq));
  const a = checkAnchors(anchors, hashes, v);
  return { ok: a.ok, checked: v.checked, head: v.head, problem: a.problem, problemSeq: null, anchors: a.anchors };
}

/** Writes the current head as an anchor if it moved since the last one. */
export async function anchorHead(audit: AuditLog, store: ObjectStore, now: Date, last: { seq: number } | null): Promise<{ seq: number } | null> {
  const head = await audit.head();
  if (!head || (last && head.seq <= last.seq)) return last;
  await writeAnchor(store, head, now);
  return { seq: head.seq };
}
