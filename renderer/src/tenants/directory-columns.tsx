import type { ReactNode } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import type { TenantSortColumn, TenantSummary } from '../../../app/api/contract';
import { DateText } from '../ui/DateText';
import { formatBytes, formatCount } from '../ui/format';
import { PLAN_LABEL } from './directory-query';
import { StatusBadge } from './TenantBadges';

/** One rendered row: its position in the whole list, and the tenant once its page has arrived. */
export interface DirectoryRow {
  index: number;
  tenant: TenantSummary | null;
}

export interface DirectoryColumnLayout {
  /** CSS grid track: the table shrinks to these minimums, then shares the rest. */
  track: string;
  numeric: boolean;
}

type Col = ColumnDef<DirectoryRow>;

/** Column id = the server-side sort its header toggles. */
export const COLUMN_LAYOUT = {} as Record<TenantSortColumn, DirectoryColumnLayout>;

function col(id: TenantSortColumn, header: string, track: string, cell: (t: TenantSummary) => ReactNode, numeric = false): Col {
  COLUMN_LAYOUT[id] = { track, numeric };
  return {
    id,
    header,
    enableSorting: true,
    cell: ({ row }) => {
      const t = row.original.tenant;
      return t ? cell(t) : null;
    },
  };
}

/**
 * Tenant strings (name, slug) are untrusted — a company can call itself `<script>` —
 * and are only ever rendered as React text.
 */
export const DIRECTORY_COLUMNS: Col[] = [
  col('name', 'Name', 'minmax(180px, 2.2fr)', (t) => (
    <span className="cell-name" title={t.name}>
      {t.name}
    </span>
  )),
  col('slug', 'Slug', 'minmax(130px, 1.3fr)', (t) => (
    <span className="mono truncate" title={t.slug}>
      {t.slug}
    </span>
  )),
  col('plan', 'Plan', 'minmax(92px, 0.8fr)', (t) => <span className={`plan plan--${t.plan}`}>{PLAN_LABEL[t.plan] ?? t.plan}</span>),
  col('status', 'Status', 'minmax(108px, 0.9fr)', (t) => <StatusBadge status={t.status} />),
  col('region', 'Region', 'minmax(100px, 0.9fr)', (t) => <span className="truncate">{t.region}</span>),
  col('createdAt', 'Created', 'minmax(104px, 0.9fr)', (t) => <DateText iso={t.createdAt} />),
  col('dpaAcceptedAt', 'DPA', 'minmax(140px, 1.2fr)', (t) =>
    t.dpaVersion ? (
      <span className="truncate">
        <span className="dpa-version">{t.dpaVersion}</span> <DateText iso={t.dpaAcceptedAt} />
      </span>
    ) : (
      <span className="muted">Not accepted</span>
    ),
  ),
  col('dbSizeBytes', 'Database', 'minmax(88px, 0.8fr)', (t) => formatBytes(t.dbSizeBytes), true),
  col('attachmentCount', 'Files', 'minmax(70px, 0.6fr)', (t) => formatCount(t.attachmentCount), true),
  col('attachmentBytes', 'File size', 'minmax(88px, 0.8fr)', (t) => formatBytes(t.attachmentBytes), true),
  col('lastSnapshotAt', 'Last snapshot', 'minmax(130px, 1.1fr)', (t) => <DateText iso={t.lastSnapshotAt} withTime empty="never" />),
];

export const GRID_TEMPLATE = DIRECTORY_COLUMNS.map((c) => COLUMN_LAYOUT[c.id as TenantSortColumn].track).join(' ');
