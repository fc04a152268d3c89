import { GantryError } from '../../domain/errors.ts';
import { apiGroupOf, describeRef, type KubeObject, refKey, refOf } from './kube-object.ts';

/** Whether objects of a kind live in a namespace; answered from the cluster's API discovery. */
export type IsNamespaced = (apiVersion: string, kind: string) => boolean;

/**
 * Puts every namespaced object into the environment's namespace: one without a namespace gets it,
 * one naming another namespace is refused (an environment's objects stay in its namespace, where
 * its target's credentials, quotas and clean-up apply). Cluster-scoped objects (Namespace itself,
 * ClusterRole, CustomResourceDefinition, …) lose a namespace they set, as kubectl ignores it.
 * Objects are copied only when their namespace changes.
 * @throws GantryError('validation_failed') for an object in another namespace, or two objects
 *   that are the same object once their namespace is filled in.
 */
export function defaultNamespaces(
  objects: readonly KubeObject[],
  environment: { namespace: string; isNamespaced: IsNamespaced },
): KubeObject[] {
  const seen = new Set<string>();
  return objects.map((object) => {
    const namespaced =
      !(apiGroupOf(object.apiVersion) === '' && object.kind === 'Namespace') &&
      environment.isNamespaced(object.apiVersion, object.kind);
    const written = object.metadata.namespace;
    let result = object;
    if (namespaced && written && written !== environment.namespace) {
      throw new GantryError(
        'validation_failed',
        `${object.kind} ${object.metadata.name} sets namespace ${written}; Gantry deploys this environment to ${environment.namespace}`,
      );
    }
    if (namespaced ? !written : written !== undefined) {
      result = structuredClone(object);
      if (namespaced) result.metadata.namespace = environment.namespace;
      else delete result.metadata.namespace;
    }
    const key = refKey(refOf(result));
    if (seen.has(key)) {
      throw new GantryError(
        'validation_failed',
        `${describeRef(refOf(result))} is defined twice in the manifests`,
      );
    }
    seen.add(key);
    return result;
  });
}
