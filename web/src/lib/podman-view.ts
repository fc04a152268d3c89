import type { PodmanContainer, PodmanPod, PodmanPort } from '../api/podman-types.ts';

/** A badge for a container: `status` picks its colour (see status-tone.ts), `label` is its text. */
export interface ContainerBadge {
  status: string;
  label: string;
}

/**
 * What a container's badge says: a running container by its health check when it has one
 * (healthy, unhealthy, starting), an exited one by its exit code (`exited (1)` is a failure,
 * `exited (0)` finished), any other state as Podman names it.
 */
export function containerBadge(
  container: Pick<PodmanContainer, 'state' | 'health' | 'exit_code'>,
): ContainerBadge {
  const state = container.state.toLowerCase();
  if (state === 'running') {
    if (container.health === 'healthy') return { status: 'healthy', label: 'healthy' };
    if (container.health === 'unhealthy') return { status: 'degraded', label: 'unhealthy' };
    if (container.health === 'starting') return { status: 'progressing', label: 'starting' };
    return { status: 'running', label: 'running' };
  }
  if (state === 'exited' || state === 'stopped') {
    if (container.exit_code === null) return { status: 'stopped', label: state };
    return container.exit_code === 0
      ? { status: 'stopped', label: `${state} (0)` }
      : { status: 'failed', label: `${state} (${container.exit_code})` };
  }
  return { status: state, label: state };
}

/** A pod's running containers out of all of them, as `podman pod ps` counts them. */
export function podRunning(pod: { containers: readonly Pick<PodmanContainer, 'state'>[] }): string {
  const running = pod.containers.filter((container) => container.state.toLowerCase() === 'running');
  return `${running.length}/${pod.containers.length}`;
}

/** A pod's status for a badge: Podman's words lowered (`Running` → `running`, `Degraded` → `degraded`). */
export function podStatus(pod: Pick<PodmanPod, 'status'>): string {
  return pod.status.toLowerCase();
}

/**
 * A published port as `podman ps` writes it: `127.0.0.1:8080→80`; a port published on every
 * address (`0.0.0.0`, `::` or none) without its address, `8080→80`.
 */
export function portText(port: PodmanPort): string {
  const everywhere = port.host_ip === '' || port.host_ip === '0.0.0.0' || port.host_ip === '::';
  const host = everywhere ? String(port.host_port) : `${bracketed(port.host_ip)}:${port.host_port}`;
  return `${host}→${port.container_port}`;
}

/** An IPv6 address in brackets, as in a URL, so its colons do not run into the port's. */
function bracketed(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}
