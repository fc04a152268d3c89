import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { apiServerUrl, kubeRequest } from './kube-connection.ts';
import { isNotFound, kubeFailure } from './kube-errors.ts';
import { describeRef, type ObjectRef, refKey } from './kube-object.ts';
import { type ResourceCatalog, resourceCatalog, resourcePath } from './resource-catalog.ts';

/**
 * The objects of the previous snapshot that the next one no longer has, in the previous order.
 * Objects are the same when their API group, kind, namespace and name are (a move from
 * `apps/v1beta2` to `apps/v1` is the same Deployment, not a prune and a create).
 */
export function refsToPrune(previous: ObjectRef[], next: ObjectRef[]): ObjectRef[] {
  const kept = new Set(next.map(refKey));
  return previous.filter((ref) => !kept.has(refKey(ref)));
}

/** `deleted`: the API accepted the deletion; `absent`: it was already gone. */
export type DeleteResult = 'deleted' | 'absent';

export interface DeleteOptions {
  onProgress?: (ref: ObjectRef, result: DeleteResult) => void;
  /** Cancels between and during deletions; its reason is thrown. */
  signal?: AbortSignal;
}

/**
 * Deletes objects one after the other in the given order (callers put workloads before the
 * configuration they use, and namespaces last), with background propagation so owned objects
 * (ReplicaSets, Pods) are collected by the cluster without Gantry waiting for them. An object
 * already gone, or whose kind the cluster no longer serves (its CRD was removed, taking its
 * objects with it), counts as deleted. Used for prune and for stopping an environment.
 *
 * @throws GantryError naming the object and the API's message; objects before it stay deleted.
 */
export async function deleteObjects(
  kubeConfig: KubeConfig,
  refs: ObjectRef[],
  options: DeleteOptions = {},
): Promise<void> {
  const catalog = resourceCatalog(kubeConfig);
  for (const ref of refs) {
    options.signal?.throwIfAborted();
    const result = await deleteOne(kubeConfig, catalog, ref, options.signal);
    options.onProgress?.(ref, result);
  }
}

async function deleteOne(
  kubeConfig: KubeConfig,
  catalog: ResourceCatalog,
  ref: ObjectRef,
  signal: AbortSignal | undefined,
): Promise<DeleteResult> {
  const info = await catalog.find(ref.apiVersion, ref.kind);
  if (!info) return 'absent';
  if (info.namespaced && !ref.namespace) {
    throw new GantryError(
      'validation_failed',
      `cannot delete ${describeRef(ref)}: a ${ref.kind} lives in a namespace`,
    );
  }
  try {
    await kubeRequest(kubeConfig, {
      method: 'DELETE',
      path: resourcePath(ref.apiVersion, info, ref),
      query: { propagationPolicy: 'Background' },
      ...(signal ? { signal } : {}),
    });
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'absent';
    throw kubeFailure(error, `delete ${describeRef(ref)}`, apiServerUrl(kubeConfig));
  }
}
