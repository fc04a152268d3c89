/**
 * Container log lines as targets deliver them: each starts with an RFC 3339 timestamp and a space
 * (`2026-11-29T10:00:00.123456789Z text`). The timestamp orders lines of one source, so a stream
 * that joins a live feed after reading the history can leave out what it has already shown.
 */

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** The lines of a run of complete lines (each ending in `\n`), without their line ends. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * An RFC 3339 instant in nanoseconds since the epoch (targets write up to nine fractional digits,
 * finer than a Date holds), or undefined when the text is none.
 */
export function instantNanos(text: string): bigint | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, seconds, fraction = '', zone] = match;
  const millis = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(millis)) return undefined;
  return BigInt(millis) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

/** An instant in nanoseconds as RFC 3339 in UTC, the fraction's trailing zeros trimmed. */
export function utcInstant(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${base}${fraction === '' ? '' : `.${fraction}`}Z`;
}

/** The instant a log line starts with, or undefined for a line that does not start with one. */
export function lineInstant(line: string): bigint | undefined {
  const space = line.indexOf(' ');
  return space === -1 ? undefined : instantNanos(line.slice(0, space));
}

/** The lines that contain `filter`, ignoring case; all of them for an empty filter. */
export function filterLines(lines: readonly string[], filter: string): string[] {
  if (filter === '') return [...lines];
  const needle = filter.toLowerCase();
  return lines.filter((line) => line.toLowerCase().includes(needle));
}

/** The lines written after the instant `after`; lines without a timestamp are kept. */
export function linesAfter(lines: readonly string[], after: bigint | undefined): string[] {
  if (after === undefined) return [...lines];
  return lines.filter((line) => {
    const instant = lineInstant(line);
    return instant === undefined || instant > after;
  });
}
