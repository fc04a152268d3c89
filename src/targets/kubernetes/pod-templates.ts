import { apiGroupOf, type KubeObject } from './kube-object.ts';

/** A container as Gantry reads it; every other field passes through. */
export interface Container {
  name: string;
  image?: string;
  [field: string]: unknown;
}

/** A pod template (`spec.template` of a workload): labels and annotations, and the pod spec. */
export interface PodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec?: PodSpec;
  [field: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  [field: string]: unknown;
}

// Where each workload keeps its pod template, by `group|kind` (the core group is empty).
const templatePaths: Record<string, readonly string[]> = {
  'apps|Deployment': ['spec', 'template'],
  'apps|StatefulSet': ['spec', 'template'],
  'apps|DaemonSet': ['spec', 'template'],
  'apps|ReplicaSet': ['spec', 'template'],
  'batch|Job': ['spec', 'template'],
  'batch|CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
};

const workloadKey = (object: KubeObject) => `${apiGroupOf(object.apiVersion)}|${object.kind}`;

const isPod = (object: KubeObject) => workloadKey(object) === '|Pod';

/** Whether the object runs pods: a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob. */
export function isWorkload(object: KubeObject): boolean {
  return isPod(object) || Object.hasOwn(templatePaths, workloadKey(object));
}

/**
 * The pod template of a workload other than a Pod, as a live reference into `object` (callers
 * that change it work on a copy); undefined for a Pod, any other kind, or a template not written.
 * Kinds are matched with their API group: a custom resource called `Job` is not a workload.
 */
export function podTemplateOf(object: KubeObject): PodTemplate | undefined {
  const path = templatePaths[workloadKey(object)];
  return path ? (objectAt(object, path) as PodTemplate | undefined) : undefined;
}

/** A CronJob's job template (`spec.jobTemplate`, whose metadata the Jobs it creates get), as a live reference. */
export function jobTemplateOf(object: KubeObject): Pick<PodTemplate, 'metadata'> | undefined {
  return workloadKey(object) === 'batch|CronJob' ? objectAt(object, ['spec', 'jobTemplate']) : undefined;
}

function objectAt(object: KubeObject, path: readonly string[]): Record<string, unknown> | undefined {
  let node: unknown = object;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null && !Array.isArray(node)
    ? (node as Record<string, unknown>)
    : undefined;
}

/** The pod spec of a workload (a Pod's own spec, or its template's), as a live reference. */
export function podSpecOf(object: KubeObject): PodSpec | undefined {
  const spec = isPod(object) ? object.spec : podTemplateOf(object)?.spec;
  return typeof spec === 'object' && spec !== null ? (spec as PodSpec) : undefined;
}

/** The containers and init containers of a workload, as live references; [] for other kinds. */
export function containersOf(object: KubeObject): Container[] {
  const spec = podSpecOf(object);
  if (!spec) return [];
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  return [...list(spec.initContainers), ...list(spec.containers)].filter(
    (container): container is Container =>
      typeof container === 'object' &&
      container !== null &&
      typeof (container as Container).name === 'string',
  );
}
