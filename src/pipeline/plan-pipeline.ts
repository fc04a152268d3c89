import type { JobDefinition, PipelineDefinition, VariableDefinition } from './pipeline-definition.ts';
import type { PipelineError } from './pipeline-error.ts';
import type { PipelinePlan, PlanContext, PlannedJob, PlannedWhen } from './pipeline-plan.ts';
import { firstMatchingRule, refFilterMatches } from './rule-evaluation.ts';
import { VariableScope } from './variable-scope.ts';

interface Selected {
  job: JobDefinition;
  when: PlannedWhen;
  startInSeconds: number | null;
  allowFailure: boolean;
  variables: Record<string, string>;
}

/**
 * Phase 2 of the compiler: evaluates `workflow:rules`, then each job's `rules` or `only`/`except`,
 * for one pipeline's context, and lays out the jobs to create. Pure and total: problems only this
 * context reveals (a job needing a job its rules left out, without `optional: true`) are returned in
 * `planErrors`, and the pipeline is then not created.
 *
 * GitLab's choices it follows: a rule without `when` takes the job's `when`; manual jobs may fail by
 * default only when `when: manual` comes from the job rather than from a rule; optional needs on absent
 * jobs are dropped; a pipeline whose only jobs are in `.pre`/`.post` is not created. Variable values
 * are in the run-time expandable form described in `VariableScope`; `workflow:name` is final text.
 */
export function planPipeline(definition: PipelineDefinition, context: PlanContext): PipelinePlan {
  const notCreated = (reason: string): PipelinePlan => ({
    created: false,
    reason,
    stages: [],
    variables: {},
    jobs: [],
    planErrors: [],
  });

  let workflowVariables: readonly VariableDefinition[] = [];
  if (definition.workflow.rules !== null) {
    const match = firstMatchingRule(
      definition.workflow.rules,
      new VariableScope(context.variables, [definition.variables]),
      context,
    );
    if (match === null) return notCreated('workflow:rules: no rule matched');
    if (match.rule.when === 'never')
      return notCreated(`workflow:rules[${match.index}] matched with when: never`);
    workflowVariables = match.rule.variables;
  }
  const pipelineLayers = [definition.variables, workflowVariables];
  const pipelineScope = new VariableScope(context.variables, pipelineLayers);
  const variables = pipelineScope.render(pipelineLayers.flat());
  const name =
    definition.workflow.name === null
      ? undefined
      : pipelineScope.expand(definition.workflow.name, { blankUnknown: true });

  const selected: Selected[] = [];
  for (const job of definition.jobs) {
    const decision = decide(job, [...pipelineLayers, job.variables], context);
    if (decision !== null) selected.push(decision);
  }
  const base = { ...(name === undefined ? {} : { name }), variables };
  const stages = definition.stages.filter((stage) => selected.some(({ job }) => job.stage === stage));
  if (selected.length === 0) {
    return { ...notCreated('no job is left: rules, only or except excluded every job'), ...base };
  }
  if (stages.every((stage) => stage === '.pre' || stage === '.post')) {
    return { ...notCreated('only jobs of the .pre and .post stages would run'), ...base };
  }

  const present = new Set(selected.map(({ job }) => job.name));
  const planErrors: PipelineError[] = [];
  const jobs: PlannedJob[] = selected.map((entry) => {
    const { job } = entry;
    let needs: PlannedJob['needs'] = null;
    if (job.needs !== null) {
      needs = [];
      job.needs.forEach((need, index) => {
        if (present.has(need.job)) {
          needs?.push({ job: need.job, artifacts: need.artifacts, optional: need.optional });
        } else if (!need.optional) {
          planErrors.push({
            ...need.position,
            message: `job "${job.name}" needs[${index}]: job "${need.job}" is not in this pipeline (its rules, only or except left it out); add optional: true to the need or align the rules`,
          });
        }
      });
    }
    const environment = job.environment && {
      ...job.environment,
      onStop:
        job.environment.onStop !== null && present.has(job.environment.onStop)
          ? job.environment.onStop
          : null,
    };
    return {
      name: job.name,
      stage: job.stage,
      stageIndex: stages.indexOf(job.stage),
      when: entry.when,
      startInSeconds: entry.startInSeconds,
      allowFailure: entry.allowFailure,
      allowFailureExitCodes: entry.allowFailure ? [] : job.allowFailureExitCodes,
      needs,
      dependencies:
        job.dependencies === null ? null : job.dependencies.filter((dependency) => present.has(dependency)),
      image: job.image,
      beforeScript: job.beforeScript,
      script: job.script,
      afterScript: job.afterScript,
      variables: entry.variables,
      artifacts: job.artifacts && {
        paths: job.artifacts.paths,
        expireInSeconds: job.artifacts.expireInSeconds,
        when: job.artifacts.when,
        dotenv: job.artifacts.dotenv,
      },
      environment,
      resourceGroup: job.resourceGroup,
      retry: { max: job.retry.max, when: job.retry.when },
      timeoutSeconds: job.timeoutSeconds,
      tags: job.tags,
      interruptible: job.interruptible,
      deploy: job.deploy,
    };
  });
  jobs.sort((a, b) => a.stageIndex - b.stageIndex);
  if (planErrors.length > 0) {
    return {
      created: false,
      reason: planErrors.map((error) => error.message).join('; '),
      ...base,
      stages,
      jobs,
      planErrors,
    };
  }
  return { created: true, ...base, stages, jobs, planErrors };
}

/** Whether a job is created in this pipeline, and how; null when it is not. */
function decide(
  job: JobDefinition,
  layers: ReadonlyArray<readonly VariableDefinition[]>,
  context: PlanContext,
): Selected | null {
  const scope = new VariableScope(context.variables, layers);
  let when = job.when;
  let startInSeconds = job.startInSeconds;
  let allowFailure: boolean;
  let ruleVariables: readonly VariableDefinition[] = [];
  if (job.rules !== null) {
    const match = firstMatchingRule(job.rules, scope, context);
    if (match === null) return null;
    const { rule } = match;
    if (rule.when !== null) {
      when = rule.when;
      startInSeconds = rule.startInSeconds;
    }
    allowFailure = rule.allowFailure ?? job.allowFailure ?? (when === 'manual' && rule.when === null);
    ruleVariables = rule.variables;
  } else {
    const included =
      (job.only === null || refFilterMatches(job.only, scope, context)) &&
      (job.except === null || !refFilterMatches(job.except, scope, context));
    if (!included) return null;
    allowFailure = job.allowFailure ?? when === 'manual';
  }
  if (when === 'never') return null;
  const jobScope =
    ruleVariables.length === 0 ? scope : new VariableScope(context.variables, [...layers, ruleVariables]);
  return {
    job,
    when,
    startInSeconds: when === 'delayed' ? startInSeconds : null,
    allowFailure,
    variables: jobScope.render([...job.variables, ...ruleVariables]),
  };
}

/**
 * The refs `rules:changes:compare_to` names (expanded with the context's and the file's global
 * variables), so the caller can compute `PlanContext.changedFilesComparedTo` before planning.
 */
/**
 * Which facts about the repository planning will ask for: the file list (`rules:exists`) and the
 * changed files (`rules:changes`). Both cost a git process per pipeline, so callers skip what no
 * rule uses.
 */
export function repositoryFactsNeeded(definition: PipelineDefinition): { files: boolean; changes: boolean } {
  const rules = [...(definition.workflow.rules ?? []), ...definition.jobs.flatMap((job) => job.rules ?? [])];
  return {
    files: rules.some((rule) => rule.exists !== null && rule.exists !== undefined),
    changes: rules.some((rule) => rule.changes !== null && rule.changes !== undefined),
  };
}

export function compareToRefs(
  definition: PipelineDefinition,
  variables: Readonly<Record<string, string>>,
): string[] {
  const scope = new VariableScope(variables, [definition.variables]);
  const refs = new Set<string>();
  const rules = [...(definition.workflow.rules ?? []), ...definition.jobs.flatMap((job) => job.rules ?? [])];
  for (const rule of rules) if (rule.changes?.compareTo) refs.add(scope.expand(rule.changes.compareTo));
  return [...refs];
}
