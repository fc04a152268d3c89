import type { KubeObject } from './kube-object.ts';
import type { PodObject } from './pod-failure.ts';

const revisionAnnotation = 'deployment.kubernetes.io/revision';

/** What a rollout's pods are picked from: the namespace's ReplicaSets and Pods. */
export interface PodSources {
  replicaSets: KubeObject[];
  pods: PodObject[];
}

/**
 * The pods of the release being rolled out — the only ones whose failure fails the rollout, since
 * old pods crashing says nothing about the new release. Empty for kinds without pods and while the
 * controller has not observed the object's current generation (until then, "new" would name the
 * previous release).
 */
export function newPods(object: KubeObject, sources: PodSources): PodObject[] {
  const status = object.status as { observedGeneration?: number; updateRevision?: string } | undefined;
  const observed = (status?.observedGeneration ?? 0) >= (object.metadata.generation ?? 0);
  switch (object.kind) {
    case 'Deployment': {
      if (!observed) return [];
      const revision = object.metadata.annotations?.[revisionAnnotation];
      const replicaSets = sources.replicaSets.filter(
        (set) =>
          isControlledBy(set, object) &&
          revision !== undefined &&
          set.metadata.annotations?.[revisionAnnotation] === revision,
      );
      return sources.pods.filter((pod) => replicaSets.some((set) => isControlledBy(pod, set)));
    }
    case 'StatefulSet':
      if (!observed || !status?.updateRevision) return [];
      return ownPods(object, sources.pods, 'controller-revision-hash', status.updateRevision);
    case 'DaemonSet':
      return ownPods(
        object,
        sources.pods,
        'pod-template-generation',
        String(object.metadata.generation ?? ''),
      );
    case 'Job':
      // Every pod of a Job is part of this release: a Job's pod template cannot change.
      return sources.pods.filter((pod) => {
        const labels = pod.metadata.labels ?? {};
        const uid = labels['batch.kubernetes.io/controller-uid'] ?? labels['controller-uid'];
        return uid !== undefined && uid === object.metadata.uid;
      });
    default:
      return [];
  }
}

function ownPods(owner: KubeObject, pods: PodObject[], label: string, value: string): PodObject[] {
  return pods.filter((pod) => isControlledBy(pod, owner) && pod.metadata.labels?.[label] === value);
}

function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata.uid;
  return (
    uid !== undefined &&
    (object.metadata.ownerReferences ?? []).some((ref) => ref.controller && ref.uid === uid)
  );
}
