/** The fields of a deployment that decide whether it can be applied again. */
export interface ReapplyCandidate {
  id: number;
  status: string;
  action?: string | undefined;
  snapshot: { kind: string } | null;
}

/**
 * Whether rollback or re-deploy can apply this deployment again, as the API decides it: a
 * successful start whose snapshot holds the job that made it (a script, Kubernetes or Podman
 * deployment; external tools' deployments don't).
 */
export function isReapplicable(deployment: ReapplyCandidate): boolean {
  const kind = deployment.snapshot?.kind;
  return (
    deployment.status === 'success' &&
    (deployment.action ?? 'start') === 'start' &&
    (kind === 'script' || kind === 'kubernetes' || kind === 'podman')
  );
}

/**
 * The buttons a row of the deployment history gets: the environment's current deployment (its
 * last successful one) is re-deployed, any other reapplicable one rolled back to.
 */
export function historyActions(
  deployment: ReapplyCandidate,
  currentId: number | null | undefined,
): { rollback: boolean; redeploy: boolean } {
  const reapplicable = isReapplicable(deployment);
  const current = deployment.id === currentId;
  return { rollback: reapplicable && !current, redeploy: reapplicable && current };
}
