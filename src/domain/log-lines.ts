/**
 * Container log lines as targets deliver them: each starts with an RFC 3339 timestamp and a space
 * (`2026-11-29T10:00:00.123456789Z text`). The timestamp orders lines of one source, so a stream
 * that joins a live feed after reading the history can leave out what it has already shown.
 */

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)\s/;

/** The lines of a run of complete lines (each ending in `\n`), without their line ends. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * A key that sorts as the line's timestamp does (nanosecond precision, any UTC offset), or
 * undefined for a line that does not start with one.
 */
export function timestampKey(line: string): string | undefined {
  const match = TIMESTAMP.exec(line);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3] === 'Z' ? 'Z' : match[3]}`) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return `${String(seconds).padStart(12, '0')}.${(match[2] ?? '').padEnd(9, '0')}`;
}

/** The lines that contain `filter`, ignoring case; all of them for an empty filter. */
export function filterLines(lines: readonly string[], filter: string): string[] {
  if (filter === '') return [...lines];
  const needle = filter.toLowerCase();
  return lines.filter((line) => line.toLowerCase().includes(needle));
}

/** The lines written after `after` (a {@link timestampKey}); lines without a timestamp are kept. */
export function linesAfter(lines: readonly string[], after: string | undefined): string[] {
  if (after === undefined) return [...lines];
  return lines.filter((line) => {
    const key = timestampKey(line);
    return key === undefined || key > after;
  });
}
