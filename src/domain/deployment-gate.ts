/** What happens to a deployment job about to start. */
export type GateDecision =
  | { kind: 'proceed' }
  | { kind: 'wait_for_approval'; message: string }
  | {
      kind: 'fail';
      reason:
        | 'protected_environment_failure'
        | 'deployment_rejected'
        | 'failed_outdated_deployment_job'
        | 'deployment_frozen';
      message: string;
    };

/** Everything the gate looks at, looked up by the caller. */
export interface GateInput {
  environmentName: string;
  /** The user behind the job may deploy to the environment (always true when it is not protected). */
  deployAllowed: boolean;
  approval: {
    state: 'not_required' | 'pending' | 'approved' | 'rejected';
    approvedCount: number;
    requiredCount: number;
  };
  /** A newer deployment to the environment already succeeded (outdated job prevention), or null. */
  outdated: { latestSuccessfulIid: number } | null;
  /** The freeze in force for the environment, or null. */
  freeze: { description: string } | null;
  /** Someone allowed to has chosen to deploy through the freeze. */
  freezeOverridden: boolean;
}

/**
 * Decides whether a deployment job may start. Checks run from the most to the least final: a user
 * who may not deploy, or a rejection, fails the job whatever else holds; a pending approval waits
 * (approving may take longer than a freeze lasts, so freezes are judged when the job would start);
 * a job overtaken by a newer successful deployment fails rather than roll the environment back;
 * a freeze in force fails the job unless overridden.
 */
export function decideGate(input: GateInput): GateDecision {
  const env = input.environmentName;
  if (!input.deployAllowed) {
    return {
      kind: 'fail',
      reason: 'protected_environment_failure',
      message: `you are not allowed to deploy to ${env}`,
    };
  }
  const { state, approvedCount, requiredCount } = input.approval;
  if (state === 'rejected') {
    return { kind: 'fail', reason: 'deployment_rejected', message: `deployment to ${env} was rejected` };
  }
  if (state === 'pending') {
    const missing = Math.max(requiredCount - approvedCount, 1);
    return {
      kind: 'wait_for_approval',
      message: `deployment to ${env} needs ${missing} more ${missing === 1 ? 'approval' : 'approvals'} (${approvedCount} of ${requiredCount})`,
    };
  }
  if (input.outdated !== null) {
    return {
      kind: 'fail',
      reason: 'failed_outdated_deployment_job',
      message: `a newer deployment to ${env} (#${input.outdated.latestSuccessfulIid}) has already succeeded; this older deployment job would roll it back`,
    };
  }
  if (input.freeze !== null && !input.freezeOverridden) {
    return {
      kind: 'fail',
      reason: 'deployment_frozen',
      message: `deployment to ${env} refused: ${input.freeze.description}`,
    };
  }
  return { kind: 'proceed' };
}
