const UNITS: [limitSeconds: number, unitSeconds: number, unit: string][] = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86_400, 3600, 'h'],
  [86_400 * 30, 86_400, 'd'],
  [86_400 * 365, 86_400 * 30, 'mo'],
  [Number.POSITIVE_INFINITY, 86_400 * 365, 'y'],
];

/** A span of at least 5 s in its largest whole unit: `42 s`, `5 min`, `3 d`. */
function span(seconds: number): string {
  const [, unitSeconds, unit] = UNITS.find(([limit]) => seconds < limit)!;
  return `${Math.floor(seconds / unitSeconds)} ${unit}`;
}

/** How long ago `iso` was, compactly: `just now`, `42 s ago`, `5 min ago`, `3 d ago`. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 5) return 'just now';
  return `${span(seconds)} ago`;
}

/** How long until `iso`, compactly: `in 42 s`, `in 5 min`, `in 3 d`; `now` once it is (nearly) here. */
export function timeUntil(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((Date.parse(iso) - now) / 1000));
  if (seconds < 5) return 'now';
  return `in ${span(seconds)}`;
}

/** A duration in seconds as `45 s`, `3 min 05 s`, `2 h 10 min`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** The full local date and time, for a tooltip. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString();
}
