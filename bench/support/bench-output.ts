/**
 * Where a benchmark's output goes: tables and results to stdout, progress to stderr, so that stdout
 * holds only what a reader keeps.
 */

/** Writes a progress line to stderr, prefixed with `[bench]`. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Writes a block of results (a table, a line) to stdout, followed by a blank line. */
export function print(text: string): void {
  process.stdout.write(`${text}\n\n`);
}
