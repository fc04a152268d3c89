import type {
  DriftObject,
  KubernetesDrift,
  KubernetesPod,
  KubernetesWorkload,
} from '../api/environment-types.ts';

/** A pod's ready app containers out of all of them (init containers aside), as kubectl shows it. */
export function podReadiness(pod: Pick<KubernetesPod, 'containers'>): string {
  const app = pod.containers.filter((container) => !container.init);
  return `${app.filter((container) => container.ready).length}/${app.length}`;
}

/** Ready replicas out of desired, or a Job's succeeded pods out of its completions. */
export function workloadReadiness(workload: Pick<KubernetesWorkload, 'replicas' | 'job'>): string {
  if (workload.replicas) return `${workload.replicas.ready}/${workload.replicas.desired}`;
  if (workload.job) return `${workload.job.succeeded}/${workload.job.completions}`;
  return '—';
}

/**
 * Why a pod is not well, in a few words: the pod's own reason (Evicted, Unschedulable) or the
 * first container's waiting or termination reason (CrashLoopBackOff, ImagePullBackOff, Error).
 */
export function podProblem(pod: Pick<KubernetesPod, 'reason' | 'containers'>): string | null {
  if (pod.reason) return pod.reason;
  const troubled = pod.containers.find(
    (container) => container.reason && container.reason !== 'Completed' && !container.ready,
  );
  return troubled?.reason ?? null;
}

/** How many of a drift check's objects are in sync, modified or missing. */
export function driftCounts(drift: Pick<KubernetesDrift, 'objects'>): Record<DriftObject['state'], number> {
  const counts = { in_sync: 0, modified: 0, missing: 0 };
  for (const object of drift.objects) counts[object.state] += 1;
  return counts;
}

/**
 * A drifted field's JSON Pointer as people write field paths: `/spec/template/spec/containers/0/image`
 * → `spec.template.spec.containers[0].image`; keys that are not plain words (an annotation's
 * `gantry.dev/deployment`, written `gantry.dev~1deployment` in a pointer) in quoted brackets.
 */
export function driftField(pointer: string): string {
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((key, index) => {
      if (/^\d+$/.test(key)) return `[${key}]`;
      if (/^[A-Za-z_][\w-]*$/.test(key)) return index === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

/** A drifted field's value for display; `(not set)` for a side without the field. */
export function driftValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
