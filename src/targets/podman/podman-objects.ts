import type { KubeObject, ObjectRef } from '../kubernetes/kube-object.ts';
import { apiGroupOf, refOf } from '../kubernetes/kube-object.ts';
import { type Container, podSpecOf, podTemplateOf } from '../kubernetes/pod-templates.ts';

/** Labels every pod of an environment on a Podman host: its {@link environmentKey}, and the deployment. */
export const ENVIRONMENT_KEY_LABEL = 'gantry.dev/environment-key';
export const DEPLOYMENT_LABEL = 'gantry.dev/deployment';

/** An object Podman does not run, and why (for the job log). */
export interface SkippedObject {
  ref: ObjectRef;
  reason: string;
}

/** A workload as Podman runs it: one pod of its containers. */
export interface PodmanPod {
  ref: ObjectRef;
  /** The pod `podman kube play` creates: a Pod's name, `<name>-pod-0` for a Deployment. */
  pod: string;
  /** Init containers first, as in the spec. */
  containers: { spec: Container; init: boolean; name: string }[];
  restartPolicy: string;
}

const SUPPORTED = new Set(['|Pod', 'apps|Deployment', '|ConfigMap', '|PersistentVolumeClaim']);

const keyOf = (object: KubeObject) => `${apiGroupOf(object.apiVersion)}|${object.kind}`;

/** Whether `podman kube play` runs pods for this object (a Pod or a Deployment). */
export function isPodmanWorkload(object: KubeObject): boolean {
  const key = keyOf(object);
  return key === '|Pod' || key === 'apps|Deployment';
}

/**
 * Keeps the objects Podman 4.3's `kube play` handles — Deployments, Pods, ConfigMaps and
 * PersistentVolumeClaims (which become named volumes) — and names each after the environment:
 * `prefix` + its name, and so every reference from a pod spec to a ConfigMap or a claim, so that two
 * environments on one host never share a pod, a ConfigMap or a volume. Namespaces are dropped
 * (Podman has none). Copies are returned; the input is not changed.
 */
export function podmanObjects(
  objects: readonly KubeObject[],
  prefix: string,
): { objects: KubeObject[]; skipped: SkippedObject[] } {
  const kept: KubeObject[] = [];
  const skipped: SkippedObject[] = [];
  for (const object of objects) {
    if (!SUPPORTED.has(keyOf(object))) {
      skipped.push({ ref: refOf(object), reason: skipReason(object) });
      continue;
    }
    const copy = structuredClone(object);
    copy.metadata.name = `${prefix}${object.metadata.name}`;
    delete copy.metadata.namespace;
    const spec = podSpecOf(copy);
    if (spec) prefixReferences(spec as PodSpecReferences, prefix);
    kept.push(copy);
  }
  return { objects: kept, skipped };
}

/** The pods the workloads among `objects` run, with their containers. */
export function podmanPods(objects: readonly KubeObject[]): PodmanPod[] {
  return objects.filter(isPodmanWorkload).map((object) => {
    const spec = podSpecOf(object) ?? {};
    const name = object.metadata.name ?? '';
    const pod = keyOf(object) === '|Pod' ? name : `${name}-pod-0`;
    const list = (value: unknown): Container[] => (Array.isArray(value) ? (value as Container[]) : []);
    return {
      ref: refOf(object),
      pod,
      containers: [
        ...list(spec.initContainers).map((container) => ({
          spec: container,
          init: true,
          name: `${pod}-${container.name}`,
        })),
        ...list(spec.containers).map((container) => ({
          spec: container,
          init: false,
          name: `${pod}-${container.name}`,
        })),
      ],
      restartPolicy: typeof spec.restartPolicy === 'string' ? spec.restartPolicy : 'Always',
    };
  });
}

/**
 * Adds `labels` to the pods of the workloads among `objects` (a Pod's own labels, a Deployment's
 * pod template's), on copies: Podman labels pods and their containers with them.
 */
export function withPodLabels(objects: readonly KubeObject[], labels: Record<string, string>): KubeObject[] {
  return objects.map((object) => {
    if (!isPodmanWorkload(object)) return object;
    const copy = structuredClone(object);
    const template = keyOf(copy) === '|Pod' ? copy : podTemplateOf(copy);
    if (!template) return object;
    template.metadata ??= {};
    template.metadata.labels = { ...template.metadata.labels, ...labels };
    return copy;
  });
}

/** Deployments asking for more than one replica (Podman runs one pod per Deployment). */
export function replicaNotes(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((object) => {
    const replicas = (object.spec as { replicas?: unknown } | undefined)?.replicas;
    return keyOf(object) === 'apps|Deployment' && typeof replicas === 'number' && replicas > 1
      ? [`Deployment ${object.metadata.name} asks for ${replicas} replicas: Podman runs one pod`]
      : [];
  });
}

function skipReason(object: KubeObject): string {
  switch (object.kind) {
    case 'Service':
    case 'Ingress':
      return 'Podman has no Services or Ingresses: containers answer on their published ports';
    case 'Secret':
      return "Podman 4.3's kube play cannot hand Secret values to containers";
    default:
      return `podman kube play does not run ${object.kind}`;
  }
}

interface NameRef {
  name?: unknown;
}

interface PodSpecReferences {
  volumes?: { persistentVolumeClaim?: { claimName?: unknown }; configMap?: NameRef }[];
  containers?: ContainerReferences[];
  initContainers?: ContainerReferences[];
}

interface ContainerReferences {
  env?: { valueFrom?: { configMapKeyRef?: NameRef } }[];
  envFrom?: { configMapRef?: NameRef }[];
}

/** Prefixes the claim and ConfigMap names a pod spec refers to, in place. */
function prefixReferences(spec: PodSpecReferences, prefix: string): void {
  const prefixed = (name: unknown) => (typeof name === 'string' ? `${prefix}${name}` : name);
  for (const volume of arrayOf(spec.volumes)) {
    if (volume.persistentVolumeClaim)
      volume.persistentVolumeClaim.claimName = prefixed(volume.persistentVolumeClaim.claimName);
    if (volume.configMap) volume.configMap.name = prefixed(volume.configMap.name);
  }
  for (const container of [...arrayOf(spec.initContainers), ...arrayOf(spec.containers)]) {
    for (const variable of arrayOf(container.env)) {
      const ref = variable.valueFrom?.configMapKeyRef;
      if (ref) ref.name = prefixed(ref.name);
    }
    for (const source of arrayOf(container.envFrom)) {
      if (source.configMapRef) source.configMapRef.name = prefixed(source.configMapRef.name);
    }
  }
}

function arrayOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}
