import { formatDate, formatDateTime, utcTitle } from './format';

/** A date in the reader's local time; hovering shows the exact UTC instant. */
export function DateText({ iso, withTime = false, empty = '–' }: { iso: string | null | undefined; withTime?: boolean; empty?: string }) {
  if (!iso) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={utcTitle(iso)}>
      {withTime ? formatDateTime(iso) : formatDate(iso)}
    </time>
  );
}
