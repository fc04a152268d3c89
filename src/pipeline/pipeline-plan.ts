/** The input and output of `planPipeline`. */
import type { DeploymentTier, DeploySpec, EnvironmentAction } from './pipeline-definition.ts';
import type { PipelineError } from './pipeline-error.ts';

/** What started the pipeline, as `CI_PIPELINE_SOURCE` names it (`rebuild`: Gantry's rebuild of what is deployed). */
export type PipelineSource = 'push' | 'web' | 'api' | 'schedule' | 'trigger' | 'pipeline' | 'rebuild';

/** What one pipeline is being created for. */
export interface PlanContext {
  /**
   * Predefined `CI_*`, instance, project and pipeline variables, already merged by the caller. They
   * take precedence over the file's `variables:` (as project and pipeline variables do in GitLab).
   */
  variables: Record<string, string>;
  /** Branch or tag name. */
  ref: string;
  refType: 'branch' | 'tag';
  source: PipelineSource;
  /**
   * Files changed by the push, for `rules:changes` and `only:changes`; null = unknown (changes then
   * count as true, as GitLab does for new branches). Ignored for tags and non-push sources, where
   * GitLab also treats changes as true.
   */
  changedFiles: string[] | null;
  /**
   * For `rules:changes:compare_to`: changed files between each compared ref (as written, expanded)
   * and the commit. A ref missing here counts as unknown (true). See `compareToRefs`.
   */
  changedFilesComparedTo?: Record<string, string[] | null>;
  /** Every file path in the repository at the commit, for `rules:exists`. */
  files: string[];
}

/** When a planned job runs; jobs resolving to `never` are not planned. */
export type PlannedWhen = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed';

/** A `needs` entry of a planned job. */
export interface PlannedNeed {
  job: string;
  artifacts: boolean;
  optional: boolean;
}

/** A planned job's artifacts. */
export interface PlannedArtifacts {
  paths: string[];
  expireInSeconds: number | null;
  when: 'on_success' | 'on_failure' | 'always';
  dotenv: string | null;
}

/** A planned job's environment. */
export interface PlannedEnvironment {
  /** Unexpanded (the server expands it when the job runs). */
  name: string;
  url: string | null;
  action: EnvironmentAction;
  /** The stop job, when it is part of this pipeline; null otherwise. */
  onStop: string | null;
  autoStopInSeconds: number | null;
  deploymentTier: DeploymentTier | null;
  kubernetesNamespace: string | null;
}

/** One job to create in the pipeline. */
export interface PlannedJob {
  name: string;
  stage: string;
  /** Index into `PipelinePlan.stages`. */
  stageIndex: number;
  when: PlannedWhen;
  startInSeconds: number | null;
  /** Any failure is allowed. */
  allowFailure: boolean;
  /** When `allowFailure` is false, failures with these exit codes are allowed (`allow_failure:exit_codes`). */
  allowFailureExitCodes: number[];
  /** null = no `needs` (stage ordering); [] = start immediately. Optional needs on absent jobs are dropped. */
  needs: PlannedNeed[] | null;
  /** null = artifacts of all jobs in earlier stages; jobs not in this pipeline are dropped. */
  dependencies: string[] | null;
  image: string | null;
  beforeScript: string[];
  script: string[];
  afterScript: string[];
  /** The job's own variables with `rules:variables` applied (see `planPipeline` for the expansion form). */
  variables: Record<string, string>;
  artifacts: PlannedArtifacts | null;
  environment: PlannedEnvironment | null;
  resourceGroup: string | null;
  retry: { max: number; when: string[] };
  timeoutSeconds: number | null;
  tags: string[];
  interruptible: boolean;
  deploy: DeploySpec | null;
  coverage?: never;
}

/** The result of planning one pipeline. */
export interface PipelinePlan {
  /** False when `workflow:rules` exclude the pipeline, no job is left, or `planErrors` is not empty. */
  created: boolean;
  reason?: string;
  /** `workflow:name`, expanded. */
  name?: string;
  /** Stages that have jobs, in definition order. */
  stages: string[];
  /** Global `variables:` plus `workflow:rules:variables`. */
  variables: Record<string, string>;
  /** In stage order, then definition order. */
  jobs: PlannedJob[];
  /** Problems only this context reveals (a needed job left out by its rules); they prevent creation. */
  planErrors: PipelineError[];
}
