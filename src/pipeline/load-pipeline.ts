import { buildDefinition } from './build-definition.ts';
import { createDiagnostics } from './diagnostics.ts';
import { loadSources, type SourceReader } from './include-loader.ts';
import type { PipelineDefinition } from './pipeline-definition.ts';
import { type PipelineError, sortPipelineErrors } from './pipeline-error.ts';

/** What `loadPipeline` returns: the definition, or every error found. */
export type LoadResult =
  | { ok: true; definition: PipelineDefinition; warnings: string[] }
  | { ok: false; errors: PipelineError[]; warnings: string[] };

/**
 * Phase 1 of the compiler: reads `mainFile` (the caller chooses `.gantry.yml` or `.gitlab-ci.yml`)
 * and its `include:local` files through `read`, merges them, resolves `extends`, applies `default:`
 * and validates every keyword. When a file cannot be read or parsed (or an include is wrong) only
 * those errors are returned, since checking a partial configuration would report phantom problems;
 * otherwise every validation error is returned, sorted by file and position. Errors thrown by
 * `read` propagate (they are infrastructure failures, not problems with the file).
 */
export async function loadPipeline(mainFile: string, read: SourceReader): Promise<LoadResult> {
  const sources = await loadSources(mainFile, read);
  if (sources.root === null) {
    return {
      ok: false,
      errors: sortPipelineErrors(sources.errors, sources.files),
      warnings: sources.warnings,
    };
  }
  const diagnostics = createDiagnostics();
  diagnostics.warnings.push(...sources.warnings);
  const definition = buildDefinition(diagnostics, sources.root, sources.files);
  if (!definition)
    return {
      ok: false,
      errors: sortPipelineErrors(diagnostics.errors, sources.files),
      warnings: diagnostics.warnings,
    };
  return { ok: true, definition, warnings: diagnostics.warnings };
}
