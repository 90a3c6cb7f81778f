import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The audit record and its hash chain (issue 3, SECURITY.md "Audit record").
 * hash = SHA-256(prev_hash ‖ RFC 8785 canonical JSON of the record body), so the
 * encoding is unambiguous and any edit, deletion or reordering breaks a link.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  staffId: string | null;
  /** Display label: staff e-mail, or `system:<os-user>@<host>` for the CLI. */
  label: string;
  roles: string[];
  sessionId: string | null;
  transport: 'ipc' | 'http' | 'cli' | 'internal';
}

export type AuditOutcome =
  | { status: 'ok' }
  | { status: 'refused'; code: string }
  | { status: 'failed'; code: string };

export interface AuditBody {
  seq: number;
  eventId: string;
  ts: string;
  actor: AuditActor;
  action: string;
  tenantId: string | null;
  justification: { reason: string; ticket: string } | null;
  grantId: string | null;
  approvalIds: string[];
  params: unknown;
  outcome: AuditOutcome;
  appVersion: string;
}

export function canonicalJson(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new Error('value cannot be canonicalised');
  return s;
}

export function chainHash(prevHash: string, body: AuditBody): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex');
}

const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|cookie|private.?key/i;

/**
 * Parameters as they go into the log: secrets replaced, long strings (which may
 * carry customer data pasted into a field) kept only as a hash.
 */
export function redactParams(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') {
    return value.length > 200 ? `[sha256:${createHash('sha256').update(value).digest('hex')}]` : value;
  }
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactParams(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      out[k] = SECRET_KEY.test(k) ? '[redacted]' : redactParams(v, depth + 1);
    }
    return out;
  }
  return value ?? null;
}

export interface StoredAuditRow {
  seq: number;
  ts: string;
  action: string;
  tenant_id: string | null;
  outcome: string;
  actor_label: string;
  body: string;
  prev_hash: string;
  hash: string;
}

export type ChainProblem =
  | { kind: 'body_unparseable'; seq: number }
  | { kind: 'hash_mismatch'; seq: number }
  | { kind: 'link_broken'; seq: number; expectedPrev: string; foundPrev: string }
  | { kind: 'seq_gap'; seq: number; expectedSeq: number }
  | { kind: 'column_edited'; seq: number; column: string }
  | { kind: 'time_backwards'; seq: number };

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  firstProblem: ChainProblem | null;
}

/** Walks rows in seq order; stops at the first broken link and says which record. */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private expectedSeq = 1;
  private lastTs = '';
  private checked = 0;
  private problem: ChainProblem | null = null;
  private head: { seq: number; hash: string } | null = null;

  /** Returns false once a problem was found (the caller may stop feeding rows). */
  push(row: StoredAuditRow): boolean {
    if (this.problem) return false;
    const seq = Number(row.seq);
    if (seq !== this.expectedSeq) {
      this.problem = { kind: 'seq_gap', seq, expectedSeq: this.expectedSeq };
      return false;
    }
    let body: AuditBody;
    try {
      body = JSON.parse(row.body) as AuditBody;
    } catch {
      this.problem = { kind: 'body_unparseable', seq };
      return false;
    }
    if (row.prev_hash !== this.prevHash) {
      this.problem = { kind: 'link_broken', seq, expectedPrev: this.prevHash, foundPrev: row.prev_hash };
      return false;
    }
    if (chainHash(row.prev_hash, body) !== row.hash) {
      this.problem = { kind: 'hash_mismatch', seq };
      return false;
    }
    // The indexed columns are copies for filtering; they must agree with the hashed body.
    const columns: [string, unknown, unknown][] = [
      ['seq', body.seq, seq],
      ['ts', body.ts, row.ts],
      ['action', body.action, row.action],
      ['tenant_id', body.tenantId, row.tenant_id],
      ['outcome', body.outcome.status, row.outcome],
      ['actor_label', body.actor.label, row.actor_label],
    ];
    for (const [column, a, b] of columns) {
      if (a !== b) {
        this.problem = { kind: 'column_edited', seq, column };
        return false;
      }
    }
    if (row.ts < this.lastTs) {
      this.problem = { kind: 'time_backwards', seq };
      return false;
    }
    this.lastTs = row.ts;
    this.prevHash = row.hash;
    this.expectedSeq = seq + 1;
    this.checked++;
    this.head = { seq, hash: row.hash };
    return true;
  }

  verdict(): ChainVerdict {
    return { ok: this.problem === null, checked: this.checked, head: this.head, firstProblem: this.problem };
  }
}

export function describeProblem(p: ChainProblem): string {
  switch (p.kind) {
    case 'seq_gap':
      return `record ${p.expectedSeq} is missing (next found is ${p.seq}): a record was deleted`;
    case 'body_unparseable':
      return `record ${p.seq} has an unreadable body: it was edited`;
    case 'link_broken':
      return `record ${p.seq} does not link to the record before it: records were deleted, inserted or reordered`;
    case 'hash_mismatch':
      return `record ${p.seq} does not match its hash: it was edited`;
    case 'column_edited':
      return `record ${p.seq}: column ${p.column} differs from the hashed record: it was edited`;
    case 'time_backwards':
      return `record ${p.seq} is dated before the record preceding it: clock skew or reordering`;
  }
}
