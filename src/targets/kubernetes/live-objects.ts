import type { KubeConfig } from '@kubernetes/client-node';
import { apiServerUrl, kubeRequest } from './kube-connection.ts';
import { isNotFound, kubeFailure } from './kube-errors.ts';
import { describeRef, type KubeObject, refKey, refOf } from './kube-object.ts';
import { resourceCatalog, resourcePath } from './resource-catalog.ts';

/**
 * The live versions of the given objects, by `refKey`; objects the cluster does not have are
 * absent. Read concurrently, one GET each.
 */
export async function readLiveObjects(
  kubeConfig: KubeConfig,
  objects: KubeObject[],
): Promise<Map<string, KubeObject>> {
  const catalog = resourceCatalog(kubeConfig);
  const live = new Map<string, KubeObject>();
  await Promise.all(
    objects.map(async (object) => {
      const ref = refOf(object);
      const info = await catalog.find(ref.apiVersion, ref.kind);
      if (!info) return;
      try {
        const { body } = await kubeRequest<KubeObject>(kubeConfig, {
          method: 'GET',
          path: resourcePath(ref.apiVersion, info, ref),
        });
        live.set(refKey(ref), body);
      } catch (error) {
        if (isNotFound(error)) return;
        throw kubeFailure(error, `read ${describeRef(ref)}`, apiServerUrl(kubeConfig));
      }
    }),
  );
  return live;
}
