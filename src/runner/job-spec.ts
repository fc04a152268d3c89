/**
 * What the server hands a runner for one job, and what the runner reports back. This is the wire
 * contract between `scheduler/` (server) and `runner/` (agent and executors); both sides import it.
 */

/** A variable as the job's process sees it. `file` variables are written to a file whose path is the value. */
export interface JobVariable {
  key: string;
  value: string;
  /** GitLab's `variable_type: file`: the runner writes `value` to a temp file and sets KEY to its path. */
  file: boolean;
  /** Replaced by `[MASKED]` in logs (the server masks too; runners may mask earlier). */
  masked: boolean;
}

/** An earlier job whose artifacts this job receives (`needs:artifacts` / `dependencies`). */
export interface JobDependency {
  jobId: number;
  name: string;
}

export interface JobArtifactsSpec {
  /** Glob-free paths or simple globs (`dist/`, `build/*.txt`), relative to the workspace. */
  paths: string[];
  /** `artifacts:reports:dotenv`: a file of KEY=value lines whose variables flow to later jobs. */
  dotenv: string | null;
  /** `artifacts:when`: upload after success (default), failure, or always. */
  when: 'on_success' | 'on_failure' | 'always';
}

export interface JobSpec {
  id: number;
  name: string;
  stage: string;
  pipelineId: number;
  projectId: number;
  projectPath: string;
  /** Clone URL over HTTP without credentials; the runner authenticates with `CI_JOB_TOKEN` (user `gitlab-ci-token`). */
  repositoryUrl: string;
  sha: string;
  ref: string;
  /** The job token: fetches the project's repository and artifacts, valid only while the job runs. */
  token: string;
  /** `image:`; used by container executors, ignored by the shell executor. */
  image: string | null;
  beforeScript: string[];
  script: string[];
  afterScript: string[];
  /** Every variable, predefined `CI_*` included, in precedence order already resolved by the server. */
  variables: JobVariable[];
  timeoutSeconds: number;
  artifacts: JobArtifactsSpec | null;
  dependencies: JobDependency[];
}

/** Why a job failed, as GitLab names failure reasons (used by `retry:when`). */
export type FailureReason =
  | 'script_failure'
  | 'job_execution_timeout'
  | 'runner_system_failure'
  | 'stuck_or_timeout_failure'
  | 'runner_unsupported'
  | 'api_failure'
  | 'unknown_failure'
  | 'data_integrity_failure';

export interface JobResult {
  status: 'success' | 'failed' | 'canceled';
  /** Exit code of the failing script command (or 0); null when killed or never started. */
  exitCode: number | null;
  failureReason: FailureReason | null;
  /** Variables read from the dotenv report, when there was one. */
  dotenv: Record<string, string> | null;
}

/** The values a job's log must never show: masked variables and, always, the job's own token. */
export function maskedValues(spec: Pick<JobSpec, 'token' | 'variables'>): string[] {
  return [spec.token, ...spec.variables.filter((v) => v.masked).map((v) => v.value)];
}
