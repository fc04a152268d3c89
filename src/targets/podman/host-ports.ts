import type { PublishedPort } from '../../domain/deployment-snapshot.ts';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { podSpecOf } from '../kubernetes/pod-templates.ts';
import { podmanPods } from './podman-objects.ts';

/** A container port of a pod, and the host port the manifest gave it, if any. */
export interface PortRequest {
  pod: string;
  container: string;
  containerPort: number;
  protocol: string;
  hostPort: number | null;
  hostIp: string | null;
}

interface ContainerPort {
  containerPort?: unknown;
  hostPort?: unknown;
  hostIP?: unknown;
  protocol?: unknown;
}

/** Every container port the workloads among `objects` declare, in manifest order. */
export function portRequests(objects: readonly KubeObject[]): PortRequest[] {
  return podmanPods(objects).flatMap(({ pod, containers }) =>
    containers.flatMap(({ spec }) =>
      (Array.isArray(spec.ports) ? (spec.ports as ContainerPort[]) : [])
        .filter((port) => typeof port.containerPort === 'number')
        .map((port) => ({
          pod,
          container: spec.name,
          containerPort: port.containerPort as number,
          protocol: typeof port.protocol === 'string' ? port.protocol : 'TCP',
          hostPort: typeof port.hostPort === 'number' && port.hostPort > 0 ? port.hostPort : null,
          hostIp: typeof port.hostIP === 'string' && port.hostIP !== '' ? port.hostIP : null,
        })),
    ),
  );
}

const portKey = (port: Pick<PortRequest, 'pod' | 'container' | 'containerPort' | 'protocol'>) =>
  `${port.pod}|${port.container}|${port.containerPort}|${port.protocol}`;

/**
 * Decides the host port of every container port: the manifest's own `hostPort` when it sets one;
 * else the port the environment's previous deployment published it on (so the environment's URL
 * stays the same across deployments); else one of `fresh`, taken in order. The host address is
 * the manifest's `hostIP`, else `publishAddress`.
 * @param fresh free host ports, at least as many as requests with neither a hostPort nor a previous port.
 */
export function publishPorts(
  requests: readonly PortRequest[],
  previous: readonly PublishedPort[],
  publishAddress: string,
  fresh: readonly number[],
): PublishedPort[] {
  const before = new Map(previous.map((port) => [portKey(port), port.hostPort]));
  const unused = [...fresh];
  return requests.map((request) => {
    const hostPort = request.hostPort ?? before.get(portKey(request)) ?? unused.shift();
    if (hostPort === undefined) throw new Error('not enough free host ports were found');
    return {
      pod: request.pod,
      container: request.container,
      containerPort: request.containerPort,
      protocol: request.protocol,
      hostIp: request.hostIp ?? publishAddress,
      hostPort,
    };
  });
}

/** How many requests need a fresh host port (no hostPort in the manifest, none published before). */
export function freshPortsNeeded(
  requests: readonly PortRequest[],
  previous: readonly PublishedPort[],
): number {
  const before = new Set(previous.map(portKey));
  return requests.filter((request) => request.hostPort === null && !before.has(portKey(request))).length;
}

/**
 * Writes the published ports into copies of the workloads as `hostPort` and `hostIP`, which
 * `podman kube play` publishes; other objects are returned as they are.
 */
export function withHostPorts(objects: readonly KubeObject[], ports: readonly PublishedPort[]): KubeObject[] {
  const byKey = new Map(ports.map((port) => [portKey(port), port]));
  const pods = new Map(podmanPods(objects).map((pod) => [pod.ref.name, pod.pod]));
  return objects.map((object) => {
    const pod = pods.get(object.metadata.name ?? '');
    if (pod === undefined) return object;
    const copy = structuredClone(object);
    const spec = podSpecOf(copy);
    for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      for (const port of Array.isArray(container.ports) ? (container.ports as ContainerPort[]) : []) {
        if (typeof port.containerPort !== 'number') continue;
        const protocol = typeof port.protocol === 'string' ? port.protocol : 'TCP';
        const published = byKey.get(
          portKey({ pod, container: container.name, containerPort: port.containerPort, protocol }),
        );
        if (!published) continue;
        port.hostPort = published.hostPort;
        port.hostIP = published.hostIp;
      }
    }
    return copy;
  });
}

/**
 * The environment URL a deployment gives an environment whose job names none:
 * `http://<host>:<port>` of the first published port, or null when nothing is published or the
 * ports cannot be reached from the Gantry server's side (`host` null).
 */
export function environmentUrl(ports: readonly PublishedPort[], host: string | null): string | null {
  const first = ports.find((port) => port.protocol === 'TCP');
  if (!first || host === null) return null;
  return `http://${host.includes(':') ? `[${host}]` : host}:${first.hostPort}`;
}
