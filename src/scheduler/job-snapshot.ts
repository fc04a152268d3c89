import type { ScriptSnapshot } from '../domain/deployment-snapshot.ts';
import type { DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';
import { parseDefinition } from './job-definition.ts';

/**
 * What the snapshot of every job-made deployment records (a script job's, or a built-in
 * deployer's before what it applied): the commit, and the job as planned with its environment's
 * name filled in, so that applying the snapshot again can run that job again.
 * @param variablesVersion keyed digest of the CI/CD variables that applied; null when unknown.
 */
export function jobSnapshot(
  job: JobRow,
  deployment: DeploymentRow,
  environment: EnvironmentRow,
  variablesVersion: string | null,
): Omit<ScriptSnapshot, 'kind'> {
  const definition = parseDefinition(job.definition);
  return {
    sha: deployment.sha,
    ref: deployment.ref,
    tag: deployment.tag === 1,
    pipelineId: deployment.pipeline_id,
    jobId: job.id,
    jobName: job.name,
    definition: { ...definition, environment: { ...definition.environment, name: environment.name } },
    variablesVersion,
  };
}
