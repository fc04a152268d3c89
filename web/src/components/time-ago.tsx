import { formatDateTime, timeAgo } from '../lib/format-time.ts';

/** A relative time with the exact one in a tooltip and for screen readers. */
export function TimeAgo({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {timeAgo(iso)}
    </time>
  );
}
