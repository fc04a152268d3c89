import type { DeploymentStatus } from './deployment-status.ts';

/** States an external deployer reports, as GitHub's Deployments API names them. */
export const EXTERNAL_DEPLOYMENT_STATES = [
  'queued',
  'pending',
  'in_progress',
  'success',
  'failure',
  'error',
  'inactive',
] as const;
export type ExternalDeploymentState = (typeof EXTERNAL_DEPLOYMENT_STATES)[number];

const STATUS: Record<ExternalDeploymentState, DeploymentStatus | null> = {
  queued: 'created',
  pending: 'created',
  in_progress: 'running',
  success: 'success',
  failure: 'failed',
  // GitHub separates "the deployment failed" from "the deployer broke"; Gantry's deployment failed
  // either way, and the reported description says which.
  error: 'failed',
  inactive: null,
};

/**
 * The deployment status an external deployer's reported state stands for, or null for `inactive`:
 * that only says a newer deployment replaced this one, which is no change to how it went.
 */
export function deploymentStatusForExternalState(state: ExternalDeploymentState): DeploymentStatus | null {
  return STATUS[state];
}
