import type { DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { TargetRow } from '../store/repositories/target-repository.ts';

/** Lines a target writes to the job log of the deployment it runs (masked like any job log). */
export interface DeployLog {
  line(text: string): Promise<void>;
}

/** One deployment handed to a target: the `deploy:` job, its deployment and where it goes. */
export interface DeployRequest {
  job: JobRow;
  deployment: DeploymentRow;
  environment: EnvironmentRow;
  project: ProjectRow;
  target: TargetRow;
  log: DeployLog;
  /** Aborted when the job is canceled or the server shuts down. */
  signal: AbortSignal;
}

/**
 * How a deployment ended as far as the target can tell: `reported` when the outcome arrives later
 * from elsewhere (an external deployer posting statuses), else success or failure with the reason.
 * A success may bring the environment's URL, for a job that names none (a Podman target's
 * published port: GitLab's dynamic environment URLs).
 */
export type DeployOutcome =
  | { status: 'reported' }
  | { status: 'success'; environmentUrl?: string }
  | { status: 'failed'; message: string };

/**
 * Where environments run. Each kind lives in its own folder (`external/`, `kubernetes/`, `podman/`,
 * `ssh/`, `sftp/`, `s3/`, `maven/`, `ansible/`).
 * `deploy` runs a deployment to its end (or hands it over, `reported`); errors it throws fail
 * the job with their message.
 */
export interface Target {
  readonly kind: string;
  deploy(request: DeployRequest): Promise<DeployOutcome>;
}
