import { timestampKey } from '../../domain/log-lines.ts';

/** The sort key (`timestampKey`) of an RFC 3339 instant, or undefined when the text is none. */
export const instantKey = (instant: string): string | undefined => timestampKey(`${instant} `);

/**
 * The lines of `text` written at or after the instant whose key is `since`. The API server passes
 * `sinceTime` on to the kubelet in whole seconds, so the lines of the second before `since` come
 * back too; this drops them. Lines of one log are in order, so the first line late enough keeps
 * every line after it; lines without a timestamp count as late enough.
 */
export function linesSince(text: string, since: string): string {
  const lines = text.split(/(?<=\n)/);
  const first = lines.findIndex((line) => (timestampKey(line) ?? since) >= since);
  return first === -1 ? '' : lines.slice(first).join('');
}
