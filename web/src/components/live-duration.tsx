import { useEffect, useState } from 'react';
import { formatDuration } from '../lib/format-time.ts';

/**
 * How long something ran: fixed once `finishedAt` is set, counting up every second while
 * `running`, a dash otherwise (not started, or waiting on a manual job).
 */
export function LiveDuration({
  startedAt,
  finishedAt,
  running,
}: {
  startedAt: string | null;
  finishedAt: string | null;
  running: boolean;
}) {
  const ticking = running && startedAt !== null && finishedAt === null;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  if (startedAt === null || (finishedAt === null && !ticking)) return <span className="muted">—</span>;
  const end = finishedAt === null ? Math.max(now, Date.parse(startedAt)) : Date.parse(finishedAt);
  return <span>{formatDuration((end - Date.parse(startedAt)) / 1000)}</span>;
}
