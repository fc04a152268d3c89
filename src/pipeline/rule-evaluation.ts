import { evaluateExpression } from './expression-evaluator.ts';
import { matchesGlob } from './glob.ts';
import type { ChangesCondition, RefFilter, RuleDefinition } from './pipeline-definition.ts';
import type { PlanContext } from './pipeline-plan.ts';
import { compileRegexPattern, parseRegexLiteral } from './regex-pattern.ts';
import type { VariableScope } from './variable-scope.ts';

/**
 * The first rule whose conditions (`if`, `changes`, `exists`, all that are present) hold, or null
 * when none does (GitLab then leaves the job out, or does not create the pipeline).
 */
export function firstMatchingRule(
  rules: readonly RuleDefinition[],
  scope: VariableScope,
  context: PlanContext,
): { rule: RuleDefinition; index: number } | null {
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    if (rule.if && !evaluateExpression(rule.if.expression, (name) => scope.value(name))) continue;
    if (rule.changes && !changesMatch(rule.changes, scope, context)) continue;
    if (rule.exists && !existsMatch(rule.exists, scope, context)) continue;
    return { rule, index };
  }
  return null;
}

/**
 * `changes`: true when a changed file matches a pattern (variables in patterns expanded). As in
 * GitLab, it is also true whenever the changes are unknown: tag pipelines, pipelines not started by a
 * push, and pushes whose changed files the caller could not determine.
 */
export function changesMatch(changes: ChangesCondition, scope: VariableScope, context: PlanContext): boolean {
  let files: readonly string[] | null;
  if (changes.compareTo !== null) {
    files = context.changedFilesComparedTo?.[scope.expand(changes.compareTo)] ?? null;
  } else {
    files = context.refType === 'tag' || context.source !== 'push' ? null : context.changedFiles;
  }
  if (files === null) return true;
  const patterns = changes.paths.map((path) => scope.expand(path));
  return files.some((file) => patterns.some((pattern) => matchesGlob(pattern, file)));
}

/** `exists`: true when a file of the repository matches a pattern (variables in patterns expanded). */
export function existsMatch(
  patterns: readonly string[],
  scope: VariableScope,
  context: PlanContext,
): boolean {
  const expanded = patterns.map((pattern) => scope.expand(pattern));
  return context.files.some((file) => expanded.some((pattern) => matchesGlob(pattern, file)));
}

/**
 * Whether `only:`/`except:` matches: every clause present must match (`refs`: any entry; `variables`:
 * any expression; `changes`: as for rules). Ref entries are keywords (`branches`, `tags`, `api`, `web`,
 * `pushes`, `schedules`, `triggers`, `pipelines`; `merge_requests` and the other GitLab-only sources
 * never match in Gantry), `/regex/` patterns or exact ref names.
 */
export function refFilterMatches(filter: RefFilter, scope: VariableScope, context: PlanContext): boolean {
  if (filter.refs !== null && !filter.refs.some((ref) => refMatches(ref, context))) return false;
  if (filter.variables !== null) {
    const lookup = (name: string) => scope.value(name);
    if (!filter.variables.some((condition) => evaluateExpression(condition.expression, lookup))) return false;
  }
  if (filter.changes !== null && !changesMatch({ paths: filter.changes, compareTo: null }, scope, context))
    return false;
  return true;
}

const sourceKeywords: Record<string, PlanContext['source']> = {
  api: 'api',
  web: 'web',
  pushes: 'push',
  schedules: 'schedule',
  triggers: 'trigger',
  pipelines: 'pipeline',
};
const neverMatching = new Set(['merge_requests', 'external_pull_requests', 'chat', 'external']);

function refMatches(ref: string, context: PlanContext): boolean {
  if (ref === 'branches') return context.refType === 'branch';
  if (ref === 'tags') return context.refType === 'tag';
  const source = sourceKeywords[ref];
  if (source !== undefined && Object.hasOwn(sourceKeywords, ref)) return context.source === source;
  if (neverMatching.has(ref)) return false;
  const pattern = parseRegexLiteral(ref);
  if (pattern) return compileRegexPattern(pattern)?.test(context.ref) ?? false;
  return ref === context.ref;
}
