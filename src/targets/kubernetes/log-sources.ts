import { GantryError } from '../../domain/errors.ts';
import {
  byName,
  type EnvironmentPod,
  hasPreviousInstance,
  isTerminating,
  type PodContainerStatus,
  podContainers,
  podName,
} from './environment-pod.ts';

/** One container log the request covers. */
export interface LogSource {
  pod: string;
  container: string;
  /**
   * Which instance of the container the log would come from now (its container ID), null while it has
   * none to read (not started yet; no previous instance when the previous log is asked for). A
   * follow opens a source again when this changes: a new pod, a restarted container.
   */
  instance: string | null;
}

/** Which logs: the environment's containers unless `pod`/`container` narrow them. */
export interface LogSelection {
  pod?: string;
  container?: string;
  previous?: boolean;
}

/** `<pod>/<container>`: names a source in chunks and messages. */
export const sourceName = (source: Pick<LogSource, 'pod' | 'container'>): string =>
  `${source.pod}/${source.container}`;

/**
 * The container logs a selection covers, in pod-name order. Pods being deleted count only when named:
 * their last lines may be what is wanted, but a whole-workload view should not wait on them.
 * @throws GantryError('not_found') when the named pod, or the named container, is not the
 *   environment's.
 */
export function selectLogSources(
  pods: readonly EnvironmentPod[],
  selection: LogSelection,
  namespace: string,
): LogSource[] {
  const candidates = [...pods]
    .filter((pod) => (selection.pod === undefined ? !isTerminating(pod) : podName(pod) === selection.pod))
    .sort(byName);
  if (selection.pod !== undefined && candidates.length === 0) {
    throw new GantryError(
      'not_found',
      `pod ${selection.pod} is not one of the environment's pods in namespace ${namespace}`,
    );
  }
  const sources = candidates.flatMap((pod) =>
    podContainers(pod)
      .filter((container) => selection.container === undefined || container.name === selection.container)
      .map((container) => ({
        pod: podName(pod),
        container: container.name,
        instance: instanceOf(container.status, selection.previous === true),
      })),
  );
  if (selection.container !== undefined && sources.length === 0) {
    const names = [...new Set(candidates.flatMap((pod) => podContainers(pod).map(({ name }) => name)))];
    const where = selection.pod === undefined ? "the environment's pods have" : `pod ${selection.pod} has`;
    throw new GantryError(
      'not_found',
      `container ${selection.container} not found: ${where} ${names.length ? `containers ${names.join(', ')}` : 'no containers'}`,
    );
  }
  return sources;
}

/**
 * The instance whose log would be read. The current log of a container waiting after a crash is its
 * last run's, so that run's ID counts; a container that never ran has none.
 */
function instanceOf(status: PodContainerStatus | undefined, previous: boolean): string | null {
  if (!status) return null;
  const last = status.lastState?.terminated;
  if (previous)
    return hasPreviousInstance(status) ? (last?.containerID ?? `restart-${status.restartCount ?? 0}`) : null;
  const state = status.state;
  if (state?.running) return status.containerID ?? `run-${status.restartCount ?? 0}`;
  if (state?.terminated) return state.terminated.containerID ?? status.containerID ?? 'terminated';
  if (last) return last.containerID ?? status.containerID ?? `restart-${status.restartCount ?? 0}`;
  return null;
}
