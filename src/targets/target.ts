import type { DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { TargetRow } from '../store/repositories/target-repository.ts';

/** One deployment handed to a target: the `deploy:` job, its deployment and where it goes. */
export interface DeployRequest {
  job: JobRow;
  deployment: DeploymentRow;
  environment: EnvironmentRow;
  project: ProjectRow;
  target: TargetRow;
}

/**
 * Where environments run. Each kind lives in its own folder (`external/`, and later Kubernetes
 * and Podman). `deploy` starts a deployment and returns a line for the job log; the outcome
 * arrives later (for external deployers, as reported statuses), ending the job.
 */
export interface Target {
  readonly kind: string;
  deploy(request: DeployRequest): Promise<string>;
}
