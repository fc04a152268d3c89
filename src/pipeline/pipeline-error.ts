/** One problem found in a pipeline file, located in the file that holds the offending text. */
export interface PipelineError {
  /** Repository-relative path of the file (`.gantry.yml`, `ci/build.yml`). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What was wrong and what was expected. */
  message: string;
}

/** Renders an error the way compilers do: `.gantry.yml:12:5: <message>`. */
export function formatPipelineError(error: PipelineError): string {
  return `${error.file}:${error.line}:${error.column}: ${error.message}`;
}

/**
 * Orders errors by file (in `fileOrder`, unknown files last, then by name), line, column and message,
 * and drops exact duplicates, so that the same input always yields the same list.
 */
export function sortPipelineErrors(
  errors: readonly PipelineError[],
  fileOrder: readonly string[],
): PipelineError[] {
  const rank = (file: string): number => {
    const index = fileOrder.indexOf(file);
    return index === -1 ? fileOrder.length : index;
  };
  const sorted = [...errors].sort(
    (a, b) =>
      rank(a.file) - rank(b.file) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
  return sorted.filter(
    (error, index) => index === 0 || formatPipelineError(error) !== formatPipelineError(sorted[index - 1]!),
  );
}
