import type { DeploymentStatusRepository } from '../store/repositories/deployment-status-repository.ts';

/** Records why a deployment failed as its `failure` status (what the API and UI show as the reason). */
export async function recordFailureStatus(
  statuses: Pick<DeploymentStatusRepository, 'insert'>,
  deploymentId: number,
  message: string,
): Promise<void> {
  await statuses.insert({
    deployment_id: deploymentId,
    state: 'failure',
    description: message,
    log_url: null,
    environment_url: null,
    creator_id: null,
  });
}
