/** What `podman inspect` says of a container (the fields Gantry reads). */
export interface PodmanContainerInspect {
  Name: string;
  /** The image's id. */
  Image?: string;
  ImageName?: string;
  ImageDigest?: string;
  RestartCount?: number;
  State: {
    Status: string;
    ExitCode?: number;
    Error?: string;
    StartedAt?: string;
    Health?: { Status?: string } | null;
  };
  Config?: { Healthcheck?: { Test?: string[] } | null };
  NetworkSettings?: { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
}

/** A container as the status API and the rollout show it. */
export interface ContainerState {
  /** Podman's name: `<pod>-<container>`. */
  name: string;
  image: string;
  /** The digest of the image it runs (the registry's manifest digest when pulled), if known. */
  digest: string | null;
  /** Podman's state: created, running, exited, stopped, paused, … */
  state: string;
  /** Health check status (starting, healthy, unhealthy); null without a health check. */
  health: string | null;
  restarts: number;
  /** The exit code of its last run, when it is not running. */
  exitCode: number | null;
  /** Podman's error starting it (a missing executable), if any. */
  error: string | null;
  startedAt: string | null;
  ports: { host_ip: string; host_port: number; container_port: number }[];
}

/** Reads the fields Gantry uses from `podman inspect` output. */
export function containerState(inspect: PodmanContainerInspect): ContainerState {
  const state = inspect.State;
  const running = state.Status === 'running';
  const test = inspect.Config?.Healthcheck?.Test ?? [];
  const hasHealthcheck = test.length > 0 && test[0] !== 'NONE';
  const ports: ContainerState['ports'] = [];
  for (const [key, bindings] of Object.entries(inspect.NetworkSettings?.Ports ?? {})) {
    const containerPort = Number.parseInt(key, 10);
    for (const binding of bindings ?? []) {
      const hostPort = Number.parseInt(binding.HostPort ?? '', 10);
      if (Number.isInteger(hostPort) && Number.isInteger(containerPort))
        ports.push({ host_ip: binding.HostIp ?? '', host_port: hostPort, container_port: containerPort });
    }
  }
  return {
    name: inspect.Name,
    image: inspect.ImageName ?? '',
    digest: inspect.ImageDigest || null,
    state: state.Status,
    health: hasHealthcheck ? state.Health?.Status || 'starting' : null,
    restarts: inspect.RestartCount ?? 0,
    exitCode: running || state.Status === 'created' ? null : (state.ExitCode ?? null),
    error: state.Error || null,
    startedAt: state.StartedAt && !state.StartedAt.startsWith('0001-') ? state.StartedAt : null,
    ports,
  };
}

/** How a container of a new deployment is doing. */
export type ContainerVerdict =
  | { kind: 'failed'; problem: string }
  | { kind: 'done' }
  | { kind: 'running' }
  | { kind: 'waiting' };

/**
 * Whether a container of a deployment has failed: it exited (an init container or one whose pod
 * does not restart may end with 0), was restarted (Podman restarts at once, with no back-off), or
 * could not start. `done`: an init container or a run-to-completion container that ended well.
 */
export function containerVerdict(
  state: ContainerState,
  options: { init: boolean; restartPolicy: string },
): ContainerVerdict {
  if (state.restarts > 0)
    return { kind: 'failed', problem: `restarted ${state.restarts} time${state.restarts === 1 ? '' : 's'}` };
  if (state.state === 'exited' || state.state === 'stopped' || state.state === 'dead') {
    if (state.exitCode === 0 && (options.init || options.restartPolicy !== 'Always')) return { kind: 'done' };
    return { kind: 'failed', problem: `exited with code ${state.exitCode ?? 'unknown'}` };
  }
  if (state.error !== null && state.state !== 'running')
    return { kind: 'failed', problem: `could not start: ${state.error}` };
  return state.state === 'running' ? { kind: 'running' } : { kind: 'waiting' };
}
