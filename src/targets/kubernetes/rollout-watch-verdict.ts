import type { HealthStatus } from './health/health-status.ts';
import { objectHealth } from './health/object-health.ts';
import type { KubeObject, ObjectRef } from './kube-object.ts';
import { newPods, type PodSources } from './new-pods.ts';
import { podFailure } from './pod-failure.ts';
import type { RolloutFailure } from './rollout-watch-errors.ts';

/** The cluster as the watches last saw it. */
export interface RolloutView {
  object(ref: ObjectRef): KubeObject | undefined;
  /** The Pods and ReplicaSets in the object's namespace. */
  podSources(ref: ObjectRef): PodSources;
}

export interface ObjectProgress {
  ref: ObjectRef;
  health: HealthStatus;
}

/** Every object's health and, when the rollout cannot succeed any more, the first reason why. */
export interface RolloutVerdict {
  objects: ObjectProgress[];
  failure: RolloutFailure | undefined;
}

/**
 * Judges a rollout at one moment. An object fails it when it is degraded, or, while it is still
 * progressing, when one of its new pods is failing; old pods are not looked at, since they are on
 * their way out. An object not seen yet is progressing.
 */
export function judgeRollout(refs: ObjectRef[], view: RolloutView): RolloutVerdict {
  const objects: ObjectProgress[] = [];
  let failure: RolloutFailure | undefined;
  for (const ref of refs) {
    const object = view.object(ref);
    const health = object
      ? objectHealth(object)
      : { status: 'progressing' as const, message: 'not found yet' };
    objects.push({ ref, health });
    if (failure || !object) continue;
    if (health.status === 'degraded') {
      failure = { ref, reason: 'Degraded', detail: health.message };
    } else if (health.status === 'progressing') {
      const pods = newPods(object, view.podSources(ref));
      const failing = pods.map(podFailure).find((found) => found !== undefined);
      if (failing) {
        const { message, ...where } = failing;
        failure = { ref, ...where, detail: message };
      }
    }
  }
  return { objects, failure };
}
