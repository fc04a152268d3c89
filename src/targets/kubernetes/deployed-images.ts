import type { KubeConfig } from '@kubernetes/client-node';
import type { DeployedImage } from '../../domain/deployment-snapshot.ts';
import { apiServerUrl, kubeRequest } from './kube-connection.ts';
import { kubeFailure } from './kube-errors.ts';
import type { KubeObject } from './kube-object.ts';

interface PodList {
  items: (KubeObject & {
    status?: { containerStatuses?: { name: string; image: string; imageID?: string }[] };
  })[];
}

/**
 * The images as deployed, each with the digest the cluster resolved it to (`imageID` of the
 * environment's running containers), when it reports one: what the registry served, even for a
 * tag that has moved since.
 */
export async function deployedImages(
  kubeConfig: KubeConfig,
  namespace: string,
  environmentSlug: string,
  applied: DeployedImage[],
): Promise<DeployedImage[]> {
  let pods: PodList;
  try {
    pods = (
      await kubeRequest<PodList>(kubeConfig, {
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        query: { labelSelector: `gantry.dev/environment=${environmentSlug}` },
      })
    ).body;
  } catch (error) {
    throw kubeFailure(error, `list the pods of namespace ${namespace}`, apiServerUrl(kubeConfig));
  }
  const digests = new Map<string, string>();
  for (const pod of pods.items) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const digest = digestOf(status.imageID ?? '');
      if (digest) digests.set(`${status.name}|${status.image}`, digest);
    }
  }
  return applied.map((image) => ({
    ...image,
    digest: digests.get(`${image.container}|${image.image}`) ?? image.digest,
  }));
}

/** `sha256:…` from an imageID such as `docker-pullable://registry/web@sha256:…`. */
export function digestOf(imageId: string): string | null {
  const match = /@?(sha256:[0-9a-f]{64})$/.exec(imageId);
  return match ? match[1]! : null;
}
