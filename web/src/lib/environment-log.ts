import type { CappedList } from './capped-list.ts';

/**
 * The environment log view's logic (`GET …/environments/:environment_id/logs`, Server-Sent Events):
 * reading its events into a bounded list of entries, the query of the stream, and naming and
 * colouring the sources of merged logs.
 */

/** What the log view shows: a line of one source, or where lines were left out. */
export type LogEntry =
  | {
      kind: 'line';
      source: string /** RFC 3339, as the target stamped it. */;
      time: string | null;
      text: string;
    }
  | { kind: 'skipped'; lines: number };

/** One event of the stream, read. */
export type LogStreamEvent =
  | { type: 'logs'; source: string; lines: string[] }
  | { type: 'skipped'; lines: number }
  | { type: 'end' }
  | { type: 'error'; message: string };

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))(?: |$)/;

/** Splits `<RFC 3339 timestamp> <text>` (a line without a timestamp is all text). */
export function splitTimestamp(line: string): { time: string | null; text: string } {
  const match = TIMESTAMP.exec(line);
  return match ? { time: match[1]!, text: line.slice(match[0].length) } : { time: null, text: line };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Reads one event of the stream by its type and data. Data that is not what the API documents
 * becomes an `error` event saying so, rather than a view that silently shows nothing.
 */
export function parseLogEvent(type: string, data: string): LogStreamEvent {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return { type: 'error', message: `The log stream sent a ${type} event that is not JSON.` };
  }
  if (type === 'end') return { type: 'end' };
  if (type === 'error') {
    const message = isRecord(body) && typeof body.message === 'string' ? body.message : '';
    return { type: 'error', message: message || 'The log stream failed.' };
  }
  if (type === 'logs' && isRecord(body) && typeof body.source === 'string' && Array.isArray(body.lines))
    return { type: 'logs', source: body.source, lines: body.lines.map(String) };
  if (type === 'skipped' && isRecord(body) && typeof body.lines === 'number' && body.lines >= 0)
    return { type: 'skipped', lines: body.lines };
  return { type: 'error', message: `The log stream sent a ${type} event the view does not understand.` };
}

/**
 * Adds what a `logs` or `skipped` event carries to the view's entries. Skipped lines become one
 * marker, merged with a marker just before it, so a view far behind shows one growing count.
 */
export function applyLogEvent(entries: CappedList<LogEntry>, event: LogStreamEvent): void {
  if (event.type === 'logs') {
    for (const line of event.lines)
      entries.push({ kind: 'line', source: event.source, ...splitTimestamp(line) });
  } else if (event.type === 'skipped' && event.lines > 0) {
    const last = entries.last();
    if (last?.kind === 'skipped') entries.replaceLast({ kind: 'skipped', lines: last.lines + event.lines });
    else entries.push({ kind: 'skipped', lines: event.lines });
  }
}

/** The marker's text. */
export function skippedText(lines: number): string {
  return `… ${lines.toLocaleString('en-US')} ${lines === 1 ? 'line' : 'lines'} skipped: this view fell behind`;
}

/** How far back the log starts. */
export const SINCE_CHOICES = [
  { value: '5m', label: 'Last 5 minutes', seconds: 5 * 60 },
  { value: '1h', label: 'Last hour', seconds: 60 * 60 },
  { value: '1d', label: 'Last day', seconds: 24 * 60 * 60 },
  { value: 'all', label: 'All', seconds: null },
] as const;

export type SinceChoice = (typeof SINCE_CHOICES)[number]['value'];

/** Lines from the end of each log to start with (the view keeps at most {@link LOG_VIEW_CAPACITY}). */
export const TAIL_CHOICES = [100, 500, 1000, 5000] as const;

/** The entries a log view keeps: older ones are dropped as new ones arrive. */
export const LOG_VIEW_CAPACITY = 5000;

/** What the reader chose to see. */
export interface LogQuery {
  /** `<pod>/<container>`, or null for every container of the environment. */
  source: string | null;
  tailLines: number;
  since: SinceChoice;
  previous: boolean;
  /** Server-side, case-insensitive substring; blank for none. */
  filter: string;
  follow: boolean;
}

/** Splits `<pod>/<container>` at its first slash (neither name contains one). */
export function splitSource(source: string): { pod: string; container: string } {
  const slash = source.indexOf('/');
  return slash < 0
    ? { pod: '', container: source }
    : { pod: source.slice(0, slash), container: source.slice(slash + 1) };
}

/** Narrows a request of the environment's logs or shell to `source` (`<pod>/<container>`; null: all). */
export function setSourceParams(params: URLSearchParams, source: string | null): void {
  if (source === null) return;
  const { pod, container } = splitSource(source);
  if (pod) params.set('pod', pod);
  params.set('container', container);
}

/** The query string of the stream for `query`, `since` counted back from `now` (milliseconds). */
export function logStreamQuery(query: LogQuery, now: number): string {
  const params = new URLSearchParams();
  setSourceParams(params, query.source);
  params.set('tail_lines', String(query.tailLines));
  const seconds = SINCE_CHOICES.find((choice) => choice.value === query.since)?.seconds ?? null;
  if (seconds !== null) params.set('since', new Date(now - seconds * 1000).toISOString());
  // A previous container's log is complete: there is nothing to follow.
  if (query.previous) params.set('previous', 'true');
  else if (query.follow) params.set('follow', 'true');
  const filter = query.filter.trim();
  if (filter) params.set('filter', filter);
  return params.toString();
}

function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return '';
  let prefix = values[0]!;
  for (const value of values) while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * Short labels for the sources of a merged log: the container's name when that tells them apart
 * (one pod, or distinct container names), otherwise the part of the pod's name that differs
 * (`7f9c-x2`, not `web-6d5f7f9c-x2`) and the container.
 */
export function sourceLabels(sources: readonly string[]): Map<string, string> {
  const unique = [...new Set(sources)];
  const parts = unique.map(splitSource);
  const containers = new Set(parts.map((part) => part.container));
  if (containers.size === unique.length)
    return new Map(unique.map((source, index) => [source, parts[index]!.container]));
  const pods = [...new Set(parts.map((part) => part.pod))];
  // Cut the shared prefix back to a separator, so `web-abc` and `web-abd` read `abc` and `abd`.
  const shared = commonPrefix(pods);
  const cut = pods.length > 1 ? Math.max(shared.lastIndexOf('-'), shared.lastIndexOf('.')) + 1 : 0;
  return new Map(
    unique.map((source, index) => {
      const { pod, container } = parts[index]!;
      return [source, `${pod.slice(cut) || pod}/${container}`];
    }),
  );
}

/** Colours a source label can take (`.log-source-<n>` in environment-operations.css). */
export const SOURCE_COLOURS = 6;

/**
 * The colour of `source`: the next unused one the first time a source is seen (so the first six
 * sources all differ), then the same one for as long as the view lives.
 */
export function sourceColour(assigned: Map<string, number>, source: string): number {
  let colour = assigned.get(source);
  if (colour === undefined) {
    colour = assigned.size % SOURCE_COLOURS;
    assigned.set(source, colour);
  }
  return colour;
}

/** A line's time as a log reader wants it: `14:03:07.123`, in `timeZone` (the browser's unless given). */
export function formatLogTime(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
    ...(timeZone !== undefined && { timeZone }),
  });
}
