import type { KubeObject } from './kube-object.ts';

/** The label that tells canary pods from stable ones (`track: canary`). */
export const TRACK_LABEL = 'track';
export const CANARY_SUFFIX = '-canary';

/**
 * Replicas of the new version at a step of an incremental rollout: `percent` of `total`, rounded
 * up, at least one, and below `total` until the last step (100 %) so the old version keeps
 * serving until then.
 */
export function canaryReplicas(total: number, percent: number): number {
  if (percent >= 100) return total;
  if (total <= 1) return 1;
  return Math.min(total - 1, Math.max(1, Math.ceil((total * percent) / 100)));
}

/** `spec.replicas` of a Deployment as written (1 when absent, as the API server defaults it). */
export function replicasOf(deployment: KubeObject): number {
  const replicas = (deployment.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof replicas === 'number' ? replicas : 1;
}

/**
 * The canary workload of a Deployment: the new version under `<name>-canary`, its selector and
 * pods labelled `track: canary` (so the stable Deployment never adopts them, while a Service
 * selecting the app's labels sends them a share of the traffic in proportion to replicas).
 */
export function canaryOf(deployment: KubeObject, replicas: number): KubeObject {
  const spec = (deployment.spec ?? {}) as {
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> } };
  };
  return {
    ...deployment,
    metadata: {
      ...deployment.metadata,
      name: `${deployment.metadata.name}${CANARY_SUFFIX}`,
      labels: { ...deployment.metadata.labels, [TRACK_LABEL]: 'canary' },
    },
    spec: {
      ...spec,
      replicas,
      selector: { ...spec.selector, matchLabels: { ...spec.selector?.matchLabels, [TRACK_LABEL]: 'canary' } },
      template: {
        ...spec.template,
        metadata: {
          ...spec.template?.metadata,
          labels: { ...spec.template?.metadata?.labels, [TRACK_LABEL]: 'canary' },
        },
      },
    },
  };
}

/** A Deployment as it runs now with fewer replicas: the stable track during a step. */
export function withReplicas(deployment: KubeObject, replicas: number): KubeObject {
  return { ...deployment, spec: { ...(deployment.spec as object), replicas } };
}
