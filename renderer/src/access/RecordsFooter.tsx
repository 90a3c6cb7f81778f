import type { ReactNode } from 'react';
import { formatCount, plural } from '../ui/format';

/** The foot of a paged record table (live records, sandbox records): how many are shown, and "Load more". */
export function RecordsFooter(props: {
  shown: number;
  noun: string;
  next: number | null;
  pageSize: number;
  loading: 'first' | 'more' | null;
  onMore: (afterId: number) => void;
  moreTestId: string;
  extra?: ReactNode;
}) {
  const { next } = props;
  return (
    <footer className="records__footer">
      <span className="muted">
        {plural(props.shown, props.noun)} shown{next !== null ? `, more after ID ${formatCount(next)}` : ', all of them'}
        {props.extra}
      </span>
      {next !== null ? (
        <button type="button" className="button button--small" data-testid={props.moreTestId} disabled={props.loading !== null} onClick={() => props.onMore(next)}>
          {props.loading === 'more' ? 'Loading…' : `Load ${props.pageSize} more`}
        </button>
      ) : null}
    </footer>
  );
}
