import type { Container } from '../kubernetes/pod-templates.ts';

/**
 * How Gantry tells that a running container is ready. Podman 4.3's `kube play` ignores readiness
 * probes and turns liveness probes into health checks that run curl or nc inside the container
 * (absent from most small images) and that only a systemd timer would run; so Gantry runs the
 * probes itself: HTTP and TCP ones against the container's published port, exec ones with
 * `podman exec`.
 */
export type ReadinessCheck =
  | {
      kind: 'http';
      port: number;
      path: string;
      https: boolean;
      headers: Record<string, string>;
      timeoutMs: number;
    }
  | { kind: 'tcp'; port: number; timeoutMs: number }
  | { kind: 'exec'; command: string[]; timeoutMs: number };

interface Probe {
  httpGet?: { path?: unknown; port?: unknown; scheme?: unknown; httpHeaders?: unknown };
  tcpSocket?: { port?: unknown };
  exec?: { command?: unknown };
  timeoutSeconds?: unknown;
}

/**
 * The check for a container: its readinessProbe, else its livenessProbe (a container that is not
 * alive is not ready either); null when it has neither, or a probe Gantry cannot run (a gRPC
 * probe, a port name no container port has). `pod` holds every container of the pod, since a
 * named port may belong to another one (they share the network).
 */
export function readinessCheck(container: Container, pod: readonly Container[]): ReadinessCheck | null {
  const probe = (container.readinessProbe ?? container.livenessProbe) as Probe | undefined;
  if (!probe || typeof probe !== 'object') return null;
  const timeoutMs =
    (typeof probe.timeoutSeconds === 'number' && probe.timeoutSeconds > 0 ? probe.timeoutSeconds : 1) * 1000;
  if (probe.httpGet) {
    const port = portNumber(probe.httpGet.port, container, pod);
    if (port === null) return null;
    const headers: Record<string, string> = {};
    for (const header of Array.isArray(probe.httpGet.httpHeaders) ? probe.httpGet.httpHeaders : []) {
      const { name, value } = header as { name?: unknown; value?: unknown };
      if (typeof name === 'string' && typeof value === 'string') headers[name] = value;
    }
    const path =
      typeof probe.httpGet.path === 'string' && probe.httpGet.path !== '' ? probe.httpGet.path : '/';
    return {
      kind: 'http',
      port,
      path: path.startsWith('/') ? path : `/${path}`,
      https: String(probe.httpGet.scheme).toUpperCase() === 'HTTPS',
      headers,
      timeoutMs,
    };
  }
  if (probe.tcpSocket) {
    const port = portNumber(probe.tcpSocket.port, container, pod);
    return port === null ? null : { kind: 'tcp', port, timeoutMs };
  }
  const command = probe.exec?.command;
  if (Array.isArray(command) && command.length > 0 && command.every((part) => typeof part === 'string')) {
    return { kind: 'exec', command: command as string[], timeoutMs };
  }
  return null;
}

/** How the job log names a check: `HTTP GET :8080/healthz`, `TCP :5432`, `exec pg_isready`. */
export function describeCheck(check: ReadinessCheck): string {
  switch (check.kind) {
    case 'http':
      return `${check.https ? 'HTTPS' : 'HTTP'} GET :${check.port}${check.path}`;
    case 'tcp':
      return `TCP :${check.port}`;
    case 'exec':
      return `exec ${check.command.join(' ')}`;
  }
}

/** A probe's port: a number, a numeric string, or the name of a container port in the pod. */
function portNumber(port: unknown, container: Container, pod: readonly Container[]): number | null {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return null;
  if (/^\d+$/.test(port)) return Number(port);
  for (const candidate of [container, ...pod]) {
    for (const declared of Array.isArray(candidate.ports) ? candidate.ports : []) {
      const { name, containerPort } = declared as { name?: unknown; containerPort?: unknown };
      if (name === port && typeof containerPort === 'number') return containerPort;
    }
  }
  return null;
}
