import { lineInstant } from '../../domain/log-lines.ts';

/**
 * The lines of `text` written at or after the instant `since` (nanoseconds). The API server passes
 * `sinceTime` on to the kubelet in whole seconds, so the lines of the second before `since` come
 * back too; this drops them. Lines of one log are in order, so the first line late enough keeps
 * every line after it; lines without a timestamp count as late enough.
 */
export function linesSince(text: string, since: bigint): string {
  const lines = text.split(/(?<=\n)/);
  const first = lines.findIndex((line) => (lineInstant(line) ?? since) >= since);
  return first === -1 ? '' : lines.slice(first).join('');
}
