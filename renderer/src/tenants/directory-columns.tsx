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
  /** Narrowest the column gets, in px; past the sum of these the grid scrolls sideways. */
  min: number;
  /** CSS grid track: the minimum, then a share of the spare width. */
  track: string;
  numeric: boolean;
}

type Col = ColumnDef<DirectoryRow>;

/** Column id = the server-side sort its header toggles. */
export const COLUMN_LAYOUT = {} as Record<TenantSortColumn, DirectoryColumnLayout>;

function col(id: TenantSortColumn, header: string, [min, share]: [number, number], cell: (t: TenantSummary) => ReactNode, numeric = false): Col {
  COLUMN_LAYOUT[id] = { min, track: `minmax(${min}px, ${share}fr)`, numeric };
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
  col('name', 'Name', [164, 2.4], (t) => (
    <span className="cell-name" title={t.name}>
      {t.name}
    </span>
  )),
  col('slug', 'Slug', [104, 1.2], (t) => (
    <span className="mono truncate" title={t.slug}>
      {t.slug}
    </span>
  )),
  col('plan', 'Plan', [98, 0.8], (t) => <span className={`plan plan--${t.plan}`}>{PLAN_LABEL[t.plan] ?? t.plan}</span>),
  col('status', 'Status', [116, 0.9], (t) => <StatusBadge status={t.status} />),
  col('region', 'Region', [100, 0.9], (t) => <span className="truncate">{t.region}</span>),
  col('createdAt', 'Created', [108, 0.9], (t) => <DateText iso={t.createdAt} />),
  col('dpaAcceptedAt', 'DPA', [108, 1], (t) =>
    t.dpaVersion ? (
      <span className="cell-stack">
        <span className="cell-stack__main">{t.dpaVersion}</span>
        <span className="cell-stack__sub">
          <DateText iso={t.dpaAcceptedAt} empty="date unknown" />
        </span>
      </span>
    ) : (
      <span className="muted">Not accepted</span>
    ),
  ),
  col('dbSizeBytes', 'DB size', [82, 0.8], (t) => formatBytes(t.dbSizeBytes), true),
  col('attachmentCount', 'Files', [62, 0.6], (t) => formatCount(t.attachmentCount), true),
  col('attachmentBytes', 'File size', [82, 0.8], (t) => formatBytes(t.attachmentBytes), true),
  col('lastSnapshotAt', 'Last snapshot', [150, 1.1], (t) => <DateText iso={t.lastSnapshotAt} withTime empty="never" />),
];

export const GRID_TEMPLATE = DIRECTORY_COLUMNS.map((c) => COLUMN_LAYOUT[c.id as TenantSortColumn].track).join(' ');
/** The minimums include the cells' padding; at 1440 px wide the whole table fits without sideways scrolling. */
export const GRID_MIN_WIDTH = DIRECTORY_COLUMNS.reduce((sum, c) => sum + COLUMN_LAYOUT[c.id as TenantSortColumn].min, 0);
