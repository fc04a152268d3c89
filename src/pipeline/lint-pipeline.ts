import { topLevelKeywords } from './build-definition.ts';
import { loadSources, type SourceReader } from './include-loader.ts';
import { loadPipeline } from './load-pipeline.ts';
import type { PipelineError } from './pipeline-error.ts';
import { defaultStages } from './stages-keyword.ts';

/** What `POST /projects/:id/ci/lint` and `gantry lint` report. */
export interface LintResult {
  valid: boolean;
  errors: PipelineError[];
  warnings: string[];
  /** Visible jobs in definition order (best effort when the file is invalid). */
  jobs: string[];
  /** Declared stages, `.pre` and `.post` included (best effort when the file is invalid). */
  stages: string[];
}

/**
 * Validates a pipeline file without planning it. When the file is invalid, `jobs` and `stages` are
 * still filled from whatever could be parsed, so a user sees what Gantry understood.
 */
export async function lintPipeline(mainFile: string, read: SourceReader): Promise<LintResult> {
  const result = await loadPipeline(mainFile, read);
  if (result.ok) {
    return {
      valid: true,
      errors: [],
      warnings: result.warnings,
      jobs: result.definition.jobs.map((job) => job.name),
      stages: result.definition.stages,
    };
  }
  const sources = await loadSources(mainFile, read);
  const jobs: string[] = [];
  let stages = [...defaultStages];
  for (const entry of sources.root?.entries ?? []) {
    if (entry.key === 'stages' && entry.value.kind === 'seq') {
      const named = entry.value.items.flatMap((item) =>
        item.kind === 'scalar' && typeof item.value === 'string' ? [item.value] : [],
      );
      stages = ['.pre', ...new Set(named.filter((stage) => stage !== '.pre' && stage !== '.post')), '.post'];
    } else if (entry.value.kind === 'map' && !entry.key.startsWith('.') && !reserved.has(entry.key)) {
      jobs.push(entry.key);
    }
  }
  return { valid: false, errors: result.errors, warnings: result.warnings, jobs, stages };
}

const reserved = new Set<string>([...topLevelKeywords, 'services', 'cache', 'types', 'spec']);
