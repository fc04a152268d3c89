import type { PublishedPort } from '../../domain/deployment-snapshot.ts';
import type { ContainerState } from './container-state.ts';
import { ownedBy } from './host-ownership.ts';
import type { PodmanHost } from './podman-host.ts';
import { ENVIRONMENT_KEY_LABEL } from './podman-objects.ts';
import { inspectContainers } from './podman-rollout.ts';

/** A pod of an environment as the status API shows it. */
export interface EnvironmentPod {
  name: string;
  /** Podman's pod status: Running, Degraded, Exited, Created, … */
  status: string;
  containers: EnvironmentContainer[];
}

/** A container of such a pod (its name as in the manifest, not Podman's `<pod>-<name>`). */
export interface EnvironmentContainer {
  name: string;
  image: string;
  digest: string | null;
  state: string;
  health: string | null;
  restarts: number;
  exit_code: number | null;
  started_at: string | null;
  ports: ContainerState['ports'];
}

/** What `podman pod ps --format json` says of a pod (the fields Gantry reads). */
export interface PodmanPodListing {
  Name: string;
  Status: string;
  InfraId?: string;
  Containers?: { Id: string; Names: string }[] | null;
  Labels?: Record<string, string> | null;
}

/**
 * The pods of an environment on a Podman host — those labelled with its environment key and its
 * project (another project's environment may have the same key), whatever deployment made them —
 * with their containers (not the infra container), sorted by name.
 * @param published the ports the last deployment published, which say which container of a pod
 *   declared which port (Podman shows every port of the pod on each of its containers).
 */
export async function readEnvironmentPods(
  host: PodmanHost,
  key: string,
  projectId: number,
  published: readonly PublishedPort[],
  signal?: AbortSignal,
): Promise<EnvironmentPod[]> {
  const listed =
    (await host.json<PodmanPodListing[] | null>(
      ['pod', 'ps', '--filter', `label=${ENVIRONMENT_KEY_LABEL}=${key}`, '--format', 'json'],
      { ...(signal && { signal }) },
    )) ?? [];
  const pods = projectPods(listed, projectId);
  const names = pods.flatMap((pod) => containerNames(pod));
  const states = await inspectContainers(host, names, signal);
  return environmentPods(pods, states, published);
}

/** The pods labelled as project `projectId`'s (pure). */
export function projectPods(pods: readonly PodmanPodListing[], projectId: number): PodmanPodListing[] {
  return pods.filter((pod) => ownedBy(pod.Labels ?? {}, projectId));
}

/** Joins pods and their containers' states into the status API's shape (pure). */
export function environmentPods(
  pods: readonly PodmanPodListing[],
  states: ReadonlyMap<string, ContainerState>,
  published: readonly PublishedPort[] = [],
): EnvironmentPod[] {
  return pods
    .map((pod) => ({
      name: pod.Name,
      status: pod.Status,
      containers: containerNames(pod)
        .flatMap((name) => {
          const state = states.get(name);
          return state ? [containerView(pod.Name, state, published)] : [];
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function containerNames(pod: PodmanPodListing): string[] {
  return (pod.Containers ?? [])
    .filter((container) => container.Id !== pod.InfraId)
    .map((container) => container.Names);
}

function containerView(
  pod: string,
  state: ContainerState,
  published: readonly PublishedPort[],
): EnvironmentContainer {
  const name = state.name.startsWith(`${pod}-`) ? state.name.slice(pod.length + 1) : state.name;
  const ofPod = published.filter((port) => port.pod === pod);
  const own = (containerPort: number) =>
    ofPod.length === 0 ||
    ofPod.some((port) => port.container === name && port.containerPort === containerPort);
  return {
    name,
    image: state.image,
    digest: state.digest,
    state: state.state,
    health: state.health,
    restarts: state.restarts,
    exit_code: state.exitCode,
    started_at: state.startedAt,
    ports: state.ports.filter((port) => own(port.container_port)),
  };
}
