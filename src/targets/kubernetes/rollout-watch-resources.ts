import { AppsV1Api, BatchV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ObjectRef } from './kube-object.ts';

/** One namespaced list of objects: where to watch it and how to list it. */
export interface ResourceType {
  apiVersion: string;
  kind: string;
  /** The plural the API path uses: `deployments`, `pods`, … */
  plural: string;
  list(kubeConfig: KubeConfig, namespace: string): Promise<Listed>;
}

/** The objects a list returned and the resourceVersion a watch starts from. */
export interface Listed {
  items: KubeObject[];
  resourceVersion: string;
}

interface TypedList {
  items: object[];
  metadata?: { resourceVersion?: string };
}

// The typed clients parse timestamps into Dates and leave `kind` out of list items; neither matters to
// the health rules, which read counts, conditions, labels and owners, so the items pass as plain objects.
function listed(apiVersion: string, kind: string, list: TypedList): Listed {
  const items = list.items.map((item) => ({ ...item, apiVersion, kind }) as unknown as KubeObject);
  return { items, resourceVersion: list.metadata?.resourceVersion ?? '' };
}

function type(
  apiVersion: string,
  kind: string,
  plural: string,
  list: (kubeConfig: KubeConfig, namespace: string) => Promise<TypedList>,
): ResourceType {
  return {
    apiVersion,
    kind,
    plural,
    list: async (kubeConfig, namespace) => listed(apiVersion, kind, await list(kubeConfig, namespace)),
  };
}

const apps = (kc: KubeConfig) => kc.makeApiClient(AppsV1Api);
const core = (kc: KubeConfig) => kc.makeApiClient(CoreV1Api);

const deployments = type('apps/v1', 'Deployment', 'deployments', (kc, namespace) =>
  apps(kc).listNamespacedDeployment({ namespace }),
);
const replicaSets = type('apps/v1', 'ReplicaSet', 'replicasets', (kc, namespace) =>
  apps(kc).listNamespacedReplicaSet({ namespace }),
);
const statefulSets = type('apps/v1', 'StatefulSet', 'statefulsets', (kc, namespace) =>
  apps(kc).listNamespacedStatefulSet({ namespace }),
);
const daemonSets = type('apps/v1', 'DaemonSet', 'daemonsets', (kc, namespace) =>
  apps(kc).listNamespacedDaemonSet({ namespace }),
);
const jobs = type('batch/v1', 'Job', 'jobs', (kc, namespace) =>
  kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace }),
);
const pods = type('v1', 'Pod', 'pods', (kc, namespace) => core(kc).listNamespacedPod({ namespace }));
const claims = type('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', (kc, namespace) =>
  core(kc).listNamespacedPersistentVolumeClaim({ namespace }),
);
const services = type('v1', 'Service', 'services', (kc, namespace) =>
  core(kc).listNamespacedService({ namespace }),
);

// What each waited-for kind's health depends on: the object itself, and for workloads their pods.
const watchedFor: Record<string, ResourceType[]> = {
  Deployment: [deployments, replicaSets, pods],
  StatefulSet: [statefulSets, pods],
  DaemonSet: [daemonSets, pods],
  Job: [jobs, pods],
  PersistentVolumeClaim: [claims],
  Service: [services],
};

/** The resource types to watch to judge an object of this kind (one with a health rule). */
export function resourceTypesFor(ref: Pick<ObjectRef, 'kind'>): ResourceType[] {
  return watchedFor[ref.kind] ?? [];
}

/** The API path of a namespaced resource type: `/apis/apps/v1/namespaces/shop/deployments`. */
export function resourcePath(type: ResourceType, namespace: string): string {
  const root = type.apiVersion.includes('/') ? 'apis' : 'api';
  return `/${root}/${type.apiVersion}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`;
}
