import type { KubeObject } from './kube-object.ts';

/** The Secret Gantry writes an environment's secrets to; workloads use it with `envFrom`/volumes. */
export const ENVIRONMENT_SECRET_NAME = 'gantry-environment';

/**
 * The Kubernetes Secret holding an environment's secrets (kept encrypted in Gantry), or undefined
 * when none apply. Applied with the config step, before any workload.
 */
export function environmentSecretObject(
  values: Record<string, string>,
  namespace: string,
): KubeObject | undefined {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: ENVIRONMENT_SECRET_NAME, namespace },
    data: Object.fromEntries(keys.map((key) => [key, Buffer.from(values[key]!, 'utf8').toString('base64')])),
  };
}
