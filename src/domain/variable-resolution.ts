import type { VariableType } from './ci-variable.ts';
import { compareScopeSpecificity, scopeMatches } from './environment-scope.ts';

/** A stored instance or project variable, decrypted. */
export interface ScopedVariable {
  key: string;
  value: string;
  variableType: VariableType;
  protected: boolean;
  masked: boolean;
  raw: boolean;
  environmentScope: string;
}

/** A variable as a job receives it. `file`: the runner writes the value to a file and passes its path. */
export interface ResolvedVariable {
  key: string;
  value: string;
  file: boolean;
  masked: boolean;
  raw: boolean;
}

/** What decides which stored variables a job receives. */
export interface ResolutionInput {
  instance: readonly ScopedVariable[];
  project: readonly ScopedVariable[];
  /** Whether the pipeline's branch or tag is protected: protected variables reach only such pipelines. */
  protectedRef: boolean;
  /** The job's `environment:name`, or null for a job without an environment. */
  environmentName: string | null;
}

/**
 * The instance and project variables one job receives, as GitLab selects them: protected variables
 * only on protected refs; a variable only when its environment scope matches the job's environment
 * (the most specific scope wins among several of one key); a project variable replaces an instance
 * variable of the same key. Instance variables come first, then project variables, each level sorted
 * by key, so later entries never need to override earlier ones.
 */
export function resolveVariables(input: ResolutionInput): ResolvedVariable[] {
  const project = pickPerKey(input.project, input);
  const instance = pickPerKey(input.instance, input).filter((v) => !project.some((p) => p.key === v.key));
  return [...instance, ...project].map((v) => ({
    key: v.key,
    value: v.value,
    file: v.variableType === 'file',
    masked: v.masked,
    raw: v.raw,
  }));
}

/** The applicable variables of one level, one per key (the most specific scope), sorted by key. */
function pickPerKey(variables: readonly ScopedVariable[], input: ResolutionInput): ScopedVariable[] {
  const chosen = new Map<string, ScopedVariable>();
  for (const variable of variables) {
    if (variable.protected && !input.protectedRef) continue;
    if (!scopeMatches(variable.environmentScope, input.environmentName)) continue;
    const current = chosen.get(variable.key);
    if (
      !current ||
      compareScopeSpecificity(variable.environmentScope, current.environmentScope, input.environmentName) > 0
    ) {
      chosen.set(variable.key, variable);
    }
  }
  return [...chosen.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
