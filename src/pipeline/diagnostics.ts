import type { PipelineError } from './pipeline-error.ts';
import type { SourcePosition } from './yaml-node.ts';

/** Errors and warnings collected while compiling, so that one run reports every problem it finds. */
export interface Diagnostics {
  errors: PipelineError[];
  warnings: string[];
}

/** An empty collector. */
export function createDiagnostics(): Diagnostics {
  return { errors: [], warnings: [] };
}

/** Records an error at a position. */
export function reportError(diagnostics: Diagnostics, position: SourcePosition, message: string): void {
  diagnostics.errors.push({ file: position.file, line: position.line, column: position.column, message });
}

/** Records a warning (shown by lint, never blocking) prefixed with its position. */
export function reportWarning(diagnostics: Diagnostics, position: SourcePosition, message: string): void {
  diagnostics.warnings.push(`${position.file}:${position.line}:${position.column}: ${message}`);
}
