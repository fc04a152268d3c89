/**
 * Quotes a string as one POSIX shell word: single quotes around it, each `'` written as `'\''`.
 * Every value Gantry puts into a remote command line (paths, release ids) goes through here.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
