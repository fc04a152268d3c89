/**
 * The pipeline-file compiler: `loadPipeline` (read, merge, validate: async, the only I/O is the
 * injected reader), `planPipeline` (evaluate rules for one pipeline: pure), `lintPipeline`, and their
 * types. See `pipeline-definition.ts` and `pipeline-plan.ts` for the data shapes.
 */

export { parseDuration } from './duration.ts';
export { MAX_INCLUDE_DEPTH, MAX_INCLUDES, type SourceReader } from './include-loader.ts';
export { type LintResult, lintPipeline } from './lint-pipeline.ts';
export { type LoadResult, loadPipeline } from './load-pipeline.ts';
export type {
  ArtifactsDefinition,
  ChangesCondition,
  ConditionSource,
  DeploymentTier,
  DeploySpec,
  EnvironmentAction,
  EnvironmentDefinition,
  JobDefinition,
  JobWhen,
  NeedDefinition,
  PipelineDefinition,
  RefFilter,
  RetryDefinition,
  RuleDefinition,
  RuleWhen,
  VariableDefinition,
  WorkflowDefinition,
} from './pipeline-definition.ts';
export { formatPipelineError, type PipelineError, sortPipelineErrors } from './pipeline-error.ts';
export type {
  PipelinePlan,
  PipelineSource,
  PlanContext,
  PlannedArtifacts,
  PlannedEnvironment,
  PlannedJob,
  PlannedNeed,
  PlannedWhen,
} from './pipeline-plan.ts';
export { compareToRefs, planPipeline, repositoryFactsNeeded } from './plan-pipeline.ts';
export { escapeDollars, expandVariables, referencedVariables } from './variable-expansion.ts';
