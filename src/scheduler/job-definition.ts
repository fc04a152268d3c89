import type { PlannedJob } from '../pipeline/index.ts';

/**
 * The planned job a `jobs` row runs, stored as JSON in `jobs.definition`: the pipeline compiler's
 * `PlannedJob`, with the pipeline's global variables merged into `variables`.
 */
export type JobDefinition = PlannedJob;

export function parseDefinition(json: string): JobDefinition {
  return JSON.parse(json) as JobDefinition;
}

/**
 * Whether a job passes the deployment gate (approvals, freezes, outdated check, locks) before it
 * runs: it deploys to or stops an environment, or it holds a `resource_group`.
 */
export function passesDeploymentGate(definition: JobDefinition): boolean {
  const action = definition.environment?.action;
  return action === 'start' || action === 'stop' || definition.resourceGroup !== null;
}

/** The status a job takes when it is ready to run: gated jobs wait for the gate first. */
export function queuedStatus(definition: JobDefinition): 'pending' | 'waiting_for_resource' {
  return passesDeploymentGate(definition) ? 'waiting_for_resource' : 'pending';
}
