/**
 * Words for the audit screen. Pure.
 */
import type { OpOutput } from '../../../app/api/contract';
import { formatCount, plural } from '../ui/format';

export type ChainStatus = OpOutput<'audit.verify'>;

/** The banner above the log: whether the hash chain and its outside anchors agree. */
export function chainStatusText(s: ChainStatus): { tone: 'ok' | 'bad'; text: string } {
  if (s.ok) {
    if (!s.head) return { tone: 'ok', text: 'Chain intact: no records yet' };
    const anchors = s.anchors === 0 ? 'no anchors written yet' : `${plural(s.anchors, 'anchor')} ${s.anchors === 1 ? 'agrees' : 'agree'}`;
    return { tone: 'ok', text: `Chain intact: ${plural(s.checked, 'record')}, head #${formatCount(s.head.seq)}, ${anchors}` };
  }
  const problem = s.problem ?? 'the chain does not verify';
  return {
    tone: 'bad',
    text: s.problemSeq !== null ? `Chain broken at record #${formatCount(s.problemSeq)}: ${problem}` : `Chain check failed: ${problem}`,
  };
}

const TIME: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** An audit time to the second, in the reader's zone (`timeZone` is for tests). */
export function formatAuditTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { ...TIME, ...(timeZone ? { timeZone } : {}) });
    formatters.set(key, f);
  }
  return f.format(d);
}

/** Parameters as indented JSON; anything JSON cannot say is shown as such, never thrown. */
export function paramsText(params: unknown): string {
  if (params === undefined) return '(none)';
  try {
    return JSON.stringify(params, null, 2) ?? String(params);
  } catch {
    return '(parameters could not be shown)';
  }
}
