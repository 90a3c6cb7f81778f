import { stringify } from 'csv-stringify/sync';
import type { ConsoleServices } from '../runtime/console';
import type { Handlers } from '../api/dispatcher';
import { verifyAudit } from './audit.verify';
import type { AuditBody } from './audit.chain';

type AuditOps = 'audit.list' | 'audit.exportCsv' | 'audit.verify';

const CSV_MAX_ROWS = 100_000;

export function auditHandlers(s: ConsoleServices): Pick<Handlers, AuditOps> {
  return {
    'audit.list': async (input) => ({ records: (await s.audit.query(input)) as never }),

    'audit.exportCsv': async (input) => {
      const records: AuditBody[] = [];
      let beforeSeq: number | undefined;
      while (records.length < CSV_MAX_ROWS) {
        const page = await s.audit.query({ ...input, ...(beforeSeq ? { beforeSeq } : {}), limit: 1000 });
        if (page.length === 0) break;
        records.push(...page);
        beforeSeq = page[page.length - 1]!.seq;
      }
      const truncated = records.length >= CSV_MAX_ROWS;
      const rows = records.slice(0, CSV_MAX_ROWS).map((r) => [
        r.seq,
        r.ts,
        r.actor.label,
        r.actor.roles.join(' '),
        r.actor.transport,
        r.action,
        r.tenantId ?? '',
        r.outcome.status,
        'code' in r.outcome ? r.outcome.code : '',
        r.justification?.ticket ?? '',
        r.justification?.reason ?? '',
        r.grantId ?? '',
        JSON.stringify(r.params),
      ]);
      // Formula-looking cells are neutralised: an audit export gets opened in spreadsheets.
      const csv = stringify([['seq', 'time_utc', 'actor', 'roles', 'transport', 'operation', 'tenant_id', 'outcome', 'code', 'ticket', 'reason', 'grant_id', 'params'], ...rows], {
        bom: true,
        record_delimiter: '\r\n',
        escape_formulas: true,
      });
      const stamp = s.clock.now().toISOString().replace(/[:.]/g, '-');
      return { fileName: `custos-audit-${stamp}.csv`, csv, rows: rows.length, truncated };
    },

    'audit.verify': async () => verifyAudit(s.audit, s.objectStore),
  };
}
