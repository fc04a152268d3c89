import { readDefaults } from './default-keyword.ts';
import { type Diagnostics, reportError } from './diagnostics.ts';
import { resolveExtends } from './extends-resolver.ts';
import { checkJobGraph, type JobGraphNode } from './job-graph-check.ts';
import { jobKeys, readJob } from './job-keyword.ts';
import { closest } from './node-readers.ts';
import type { JobDefinition, PipelineDefinition } from './pipeline-definition.ts';
import { readStages } from './stages-keyword.ts';
import { readVariables } from './variables-keyword.ts';
import { readWorkflow } from './workflow-keyword.ts';
import { describeNode, mapValue, type YamlMap, type YamlNode } from './yaml-node.ts';

/** Top-level keywords Gantry reads (`include` is handled before this step). */
export const topLevelKeywords = [
  'stages',
  'default',
  'variables',
  'workflow',
  'include',
  'image',
  'before_script',
  'after_script',
] as const;

const unsupportedTopLevel: Record<string, string> = {
  services: 'services are not supported by Gantry',
  cache: 'caches are not supported by Gantry',
  types: 'types: was removed from GitLab; use stages:',
  spec: 'spec: (inputs) is not supported by Gantry',
};

/** Longest job name GitLab accepts. */
export const MAX_JOB_NAME_LENGTH = 255;

/**
 * Turns the merged top-level mapping into a definition: reads the global keywords, resolves
 * `extends`, reads each visible job with the defaults applied, then checks references between jobs.
 * Keys starting with `.` are hidden jobs (templates, anchors) and are only read through `extends`.
 * Returns undefined when anything was wrong; every problem is in `diagnostics`.
 */
export function buildDefinition(
  diagnostics: Diagnostics,
  root: YamlMap,
  files: string[],
): PipelineDefinition | undefined {
  const before = diagnostics.errors.length;
  const definitions = new Map<string, YamlNode>();
  const visible: Array<{ name: string; position: YamlMap['position'] }> = [];
  for (const entry of root.entries) {
    if ((topLevelKeywords as readonly string[]).includes(entry.key)) continue;
    const reason = unsupportedTopLevel[entry.key];
    if (reason !== undefined && Object.hasOwn(unsupportedTopLevel, entry.key)) {
      reportError(diagnostics, entry.keyPosition, `unsupported keyword "${entry.key}": ${reason}`);
      continue;
    }
    if (entry.key.startsWith('.')) {
      definitions.set(entry.key, entry.value);
      continue;
    }
    const suggestion = closest(entry.key, topLevelKeywords);
    if (
      suggestion &&
      entry.value.kind === 'map' &&
      !entry.value.entries.some((e) => jobKeys.includes(e.key) || e.key === 'extends')
    ) {
      // Most likely a misspelt keyword (`varaibles:`) rather than a job without a single job keyword.
      reportError(
        diagnostics,
        entry.keyPosition,
        `unknown keyword "${entry.key}" (did you mean "${suggestion}"?)`,
      );
      continue;
    }
    if (entry.value.kind !== 'map') {
      const hint = suggestion
        ? ` (did you mean "${suggestion}"?)`
        : `; a job must be a mapping with script: or deploy:, got ${describeNode(entry.value)}`;
      reportError(diagnostics, entry.keyPosition, `unknown keyword "${entry.key}"${hint}`);
      continue;
    }
    if (entry.key.trim() === '' || entry.key.length > MAX_JOB_NAME_LENGTH) {
      reportError(
        diagnostics,
        entry.keyPosition,
        `a job name must be 1 to ${MAX_JOB_NAME_LENGTH} characters, not only spaces`,
      );
      continue;
    }
    definitions.set(entry.key, entry.value);
    visible.push({ name: entry.key, position: entry.keyPosition });
  }

  const stages = readStages(diagnostics, mapValue(root, 'stages'));
  const variablesNode = mapValue(root, 'variables');
  const variables = variablesNode ? readVariables(diagnostics, variablesNode, 'variables', 'global') : [];
  const workflow = readWorkflow(diagnostics, mapValue(root, 'workflow'));
  const defaults = readDefaults(diagnostics, root);

  if (visible.length === 0 && diagnostics.errors.length === before) {
    reportError(
      diagnostics,
      root.position,
      'expected at least one visible job (hidden jobs, whose names start with ".", do not run)',
    );
  }
  const resolved = resolveExtends(
    diagnostics,
    definitions,
    visible.map((job) => job.name),
  );
  const jobs: JobDefinition[] = [];
  const graph: JobGraphNode[] = [];
  for (const { name, position } of visible) {
    const map = resolved.get(name);
    if (!map) continue;
    const read = readJob(diagnostics, name, map, position, defaults, stages);
    if (read.job) jobs.push(read.job);
    graph.push(read.graph);
  }
  checkJobGraph(diagnostics, graph, stages);
  if (diagnostics.errors.length > before) return undefined;
  return { files, stages, variables, workflow, jobs };
}
