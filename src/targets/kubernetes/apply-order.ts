import { apiGroupOf } from './kube-object.ts';

/** One step of an apply (or deletion): its objects do not depend on each other and may go in parallel. */
export interface ApplyStep<T> {
  /** For the job log: `namespaces`, `custom resource definitions`, `configuration`, `services`, `workloads and the rest`. */
  name: string;
  items: T[];
}

// By `group|kind` (the core group is empty). Kinds of other groups with the same name (a custom
// `Secret`) are custom resources: they go last.
const ORDER: ReadonlyArray<{ name: string; kinds: readonly string[] }> = [
  { name: 'namespaces', kinds: ['|Namespace'] },
  { name: 'custom resource definitions', kinds: ['apiextensions.k8s.io|CustomResourceDefinition'] },
  {
    name: 'configuration',
    kinds: [
      '|ServiceAccount',
      'rbac.authorization.k8s.io|Role',
      'rbac.authorization.k8s.io|ClusterRole',
      'rbac.authorization.k8s.io|RoleBinding',
      'rbac.authorization.k8s.io|ClusterRoleBinding',
      '|ConfigMap',
      '|Secret',
      'storage.k8s.io|StorageClass',
      '|PersistentVolume',
      '|PersistentVolumeClaim',
      '|LimitRange',
      '|ResourceQuota',
      'scheduling.k8s.io|PriorityClass',
    ],
  },
  { name: 'services', kinds: ['|Service'] },
];
const LAST = 'workloads and the rest';

const stepOfKind = new Map(ORDER.flatMap((step, index) => step.kinds.map((kind) => [kind, index])));

/**
 * Groups objects (or references: anything with apiVersion and kind) into apply steps in dependency
 * order: namespaces; custom resource definitions; service accounts, RBAC, ConfigMaps, Secrets,
 * storage, quotas and priority classes; Services; then workloads and everything else (Ingresses,
 * autoscalers, disruption budgets, custom resources). Steps without objects are left out; within a
 * step, objects keep their input order.
 */
export function applySteps<T extends { apiVersion: string; kind: string }>(
  items: readonly T[],
): ApplyStep<T>[] {
  const steps: ApplyStep<T>[] = [
    ...ORDER.map((step) => ({ name: step.name, items: [] })),
    { name: LAST, items: [] },
  ];
  for (const item of items) {
    steps[stepOfKind.get(`${apiGroupOf(item.apiVersion)}|${item.kind}`) ?? ORDER.length]!.items.push(item);
  }
  return steps.filter((step) => step.items.length > 0);
}

/**
 * The steps of deleting objects (pruning, stopping an environment): the apply steps in reverse, so
 * workloads go before the configuration they use and namespaces go last.
 */
export function deletionSteps<T extends { apiVersion: string; kind: string }>(
  items: readonly T[],
): ApplyStep<T>[] {
  return applySteps(items).reverse();
}
