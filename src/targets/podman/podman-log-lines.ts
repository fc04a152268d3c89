import { instantNanos, utcInstant } from '../../domain/log-lines.ts';

/** A timestamp as `podman logs -t` writes one (RFC 3339, up to nine fractional digits) and a space. */
const STAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) /g;

/**
 * Complete lines of `podman logs -t` (each ending in `\n`) as Gantry passes log lines on: each
 * starts with its timestamp in UTC (`…Z`, nanoseconds kept) and a space, as Kubernetes writes them,
 * so lines of both targets and of several containers sort alike.
 *
 * Podman 4.3 stamps every piece of a line that reached it in parts (a program writing half a line,
 * or a line longer than conmon's 8 KiB buffer) and prints the pieces glued together:
 * `<t1> abc<t2> def`. The stamps of later pieces are removed, leaving `<t1> abcdef`. Such a stamp
 * is recognised by being no earlier than the line's own: a timestamp the program itself wrote into
 * the line was taken before the line reached Podman, so it is earlier, and stays.
 */
export function normalisePodmanLines(text: string): string {
  if (text === '') return text;
  const lines = text.split('\n');
  return lines.map(normaliseLine).join('\n');
}

function normaliseLine(line: string): string {
  const space = line.indexOf(' ');
  const stamp = space === -1 ? undefined : instantNanos(line.slice(0, space));
  if (stamp === undefined) return line;
  const text = line.slice(space + 1).replace(STAMP, (piece) => {
    const instant = instantNanos(piece.slice(0, -1));
    return instant !== undefined && instant >= stamp ? '' : piece;
  });
  return `${utcInstant(stamp)} ${text}`;
}
