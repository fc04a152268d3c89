/** An error as a benchmark reports it: its stack when it has one, else its message or its text. */
export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
