import type { KubeConfig } from '@kubernetes/client-node';
import { hasHealthRule } from './health/object-health.ts';
import { describeRef, type ObjectRef, refKey } from './kube-object.ts';
import { RolloutFailedError, RolloutTimeoutError, type StillProgressing } from './rollout-watch-errors.ts';
import { type Reflector, reflect } from './rollout-watch-reflector.ts';
import { resourceTypesFor } from './rollout-watch-resources.ts';
import { judgeRollout, type RolloutVerdict, type RolloutView } from './rollout-watch-verdict.ts';

export { RolloutFailedError, RolloutTimeoutError } from './rollout-watch-errors.ts';

export interface RolloutWatchOptions {
  kubeConfig: KubeConfig;
  /** The namespace of objects whose reference names none. */
  namespace: string;
  /** The applied objects; only Deployments, StatefulSets, DaemonSets, Jobs, PVCs and Services are waited for. */
  objects: ObjectRef[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** A line per object whenever what it waits for changes: `Deployment web: 2 of 3 updated replicas available`. */
  onProgress?: (line: string) => void;
}

/**
 * Waits until every object is healthy by its kind's rules, judging again on every watch event — so
 * the promise settles within the event that made the last object healthy, with no polling interval in
 * between. Rejects with {@link RolloutFailedError} as soon as an object degrades or a pod of the new
 * release crash-loops, cannot pull its image, cannot start or cannot be scheduled; with
 * {@link RolloutTimeoutError} when `timeoutMs` passes first; with the signal's reason when aborted.
 * One watch per resource type and namespace; all of them end when the promise settles.
 */
export function waitForRollout(options: RolloutWatchOptions): Promise<void> {
  const { kubeConfig, timeoutMs, signal, onProgress } = options;
  const namespaceOf = (ref: ObjectRef) => ref.namespace ?? options.namespace;
  const refs = options.objects.filter(hasHealthRule);
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (refs.length === 0) return Promise.resolve();

  return new Promise<void>((resolve, reject) => {
    const reflectors = new Map<string, Reflector>();
    const lines = new Map<string, string>();
    let verdict: RolloutVerdict | undefined;
    let listed = false;
    let settled = false;

    const objectsOf = (namespace: string, kind: string) => reflectors.get(`${namespace}|${kind}`)?.objects;
    const view: RolloutView = {
      object: (ref) => objectsOf(namespaceOf(ref), ref.kind)?.get(ref.name),
      podSources: (ref) => ({
        replicaSets: [...(objectsOf(namespaceOf(ref), 'ReplicaSet')?.values() ?? [])],
        pods: [...(objectsOf(namespaceOf(ref), 'Pod')?.values() ?? [])],
      }),
    };

    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      for (const reflector of reflectors.values()) reflector.stop();
      if (error === undefined) resolve();
      else reject(error);
    };

    const judge = () => {
      if (!listed || settled) return;
      verdict = judgeRollout(refs, view);
      for (const { ref, health } of verdict.objects) {
        const line = `${describeRef(ref)}: ${health.message}`;
        if (lines.get(refKey(ref)) === line) continue;
        lines.set(refKey(ref), line);
        onProgress?.(line);
      }
      if (verdict.failure) settle(new RolloutFailedError(verdict.failure));
      else if (verdict.objects.every((entry) => entry.health.status === 'healthy')) settle();
    };

    const stillProgressing = (): StillProgressing[] =>
      verdict
        ? verdict.objects
            .filter((entry) => entry.health.status !== 'healthy')
            .map((entry) => ({ ref: entry.ref, message: entry.health.message }))
        : refs.map((ref) => ({ ref, message: 'not listed yet' }));

    const onAbort = () => settle(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => settle(new RolloutTimeoutError(timeoutMs, stillProgressing())), timeoutMs);

    const watched = new Map(
      refs.flatMap((ref) =>
        resourceTypesFor(ref).map((type) => [
          `${namespaceOf(ref)}|${type.kind}`,
          { namespace: namespaceOf(ref), type },
        ]),
      ),
    );
    const started = [...watched].map(([key, { namespace, type }]) =>
      reflect({ kubeConfig, namespace, type, onChange: judge, onError: settle }).then((reflector) => {
        if (settled) reflector.stop();
        else reflectors.set(key, reflector);
      }),
    );
    Promise.all(started).then(() => {
      listed = true;
      judge();
    }, settle);
  });
}
