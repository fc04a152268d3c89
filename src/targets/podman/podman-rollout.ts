import { setTimeout as sleep } from 'node:timers/promises';
import type { PublishedPort } from '../../domain/deployment-snapshot.ts';
import {
  type ContainerState,
  containerState,
  containerVerdict,
  type PodmanContainerInspect,
} from './container-state.ts';
import { httpProbe, tcpProbe } from './network-probes.ts';
import type { PodmanHost } from './podman-host.ts';
import type { PodmanPod } from './podman-objects.ts';
import { describeCheck, type ReadinessCheck, readinessCheck } from './readiness-checks.ts';
import { registryDigest } from './registry-digest.ts';

/** What to wait for after `podman kube play`. */
export interface RolloutRequest {
  host: PodmanHost;
  pods: readonly PodmanPod[];
  ports: readonly PublishedPort[];
  /** When the pods were played: exit codes of restarted containers are read from events since then. */
  since: Date;
  timeoutMs: number;
  signal: AbortSignal;
  onProgress(line: string): void;
  /** Time between two looks at the containers; default 500 ms. */
  pollMs?: number;
  /** How long a container stays up and ready before it counts; default 1 s. */
  settleMs?: number;
}

/** A container of the deployment failed: the deployment fails at once, saying why. */
export class ContainerFailure extends Error {
  readonly container: string;
  readonly exitCode: number | null;

  constructor(message: string, container: string, exitCode: number | null) {
    super(message);
    this.name = 'ContainerFailure';
    this.container = container;
    this.exitCode = exitCode;
  }
}

const LOG_LINES = 20;

/**
 * Waits until every container of the pods runs and is ready — its readiness (else liveness) probe
 * passes, run by Gantry (see `readinessCheck`), or the health check of its image when it has no
 * probe — and has stayed so for `settleMs`; init containers must have ended with 0. Fails fast: a
 * container that exits or is restarted fails the rollout at the next look, naming it, its exit
 * code and its last 20 log lines; its pod is stopped, since Podman would restart it in a tight
 * loop. Resolves to the containers' states.
 * @throws ContainerFailure, an Error after `timeoutMs` naming what is not ready, or the signal's reason.
 */
export async function waitForPods(request: RolloutRequest): Promise<ContainerState[]> {
  const { host, pods, signal } = request;
  const pollMs = request.pollMs ?? 500;
  const settleMs = request.settleMs ?? 1000;
  const deadline = Date.now() + request.timeoutMs;
  const readySince = new Map<string, number>();
  const announced = new Set<string>();
  const names = pods.flatMap((pod) => pod.containers.map((container) => container.name));
  for (;;) {
    signal.throwIfAborted();
    const states = await inspectContainers(host, names, signal);
    const pending: string[] = [];
    for (const pod of pods) {
      const specs = pod.containers.map((container) => container.spec);
      for (const container of pod.containers) {
        const state = states.get(container.name);
        const label = `pod ${pod.pod} container ${container.spec.name}`;
        if (!state) throw new ContainerFailure(`${label} does not exist`, container.name, null);
        const verdict = containerVerdict(state, { init: container.init, restartPolicy: pod.restartPolicy });
        if (verdict.kind === 'failed')
          throw await failure(request, pod, container.name, label, state, verdict.problem);
        if (verdict.kind === 'done') continue;
        if (verdict.kind === 'waiting') {
          readySince.delete(container.name);
          pending.push(`${label}: ${state.state}`);
          continue;
        }
        const check = readinessCheck(container.spec, specs);
        const problem = await runCheck(request, pod, container.name, check, state);
        if (problem !== null) {
          readySince.delete(container.name);
          pending.push(`${label}: ${problem}`);
          continue;
        }
        const since = readySince.get(container.name) ?? Date.now();
        readySince.set(container.name, since);
        if (Date.now() - since < settleMs) {
          pending.push(`${label}: ready for less than ${settleMs} ms`);
          continue;
        }
        if (!announced.has(container.name)) {
          announced.add(container.name);
          request.onProgress(
            `${label} is running${check ? ` and ready (${describeCheck(check)})` : state.health ? ' and healthy' : ''}`,
          );
        }
      }
    }
    if (pending.length === 0) return [...states.values()];
    if (Date.now() >= deadline) {
      throw new Error(`not ready after ${Math.round(request.timeoutMs / 1000)} s: ${pending.join('; ')}`);
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), undefined, { signal });
  }
}

/** `podman inspect` of the containers, by name. */
export async function inspectContainers(
  host: PodmanHost,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, ContainerState>> {
  if (names.length === 0) return new Map();
  const output = await host.attempt(['container', 'inspect', '--format', 'json', ...names], { signal });
  // Exit code 125 with the others listed: some are gone; their absence is the answer.
  const parsed =
    output.stdout.trim() === '' ? [] : (JSON.parse(output.stdout) as PodmanContainerInspect[] | null);
  if (output.code !== 0 && (parsed ?? []).length === 0 && !/no such container/i.test(output.stderr))
    throw host.failure(['container', 'inspect'], output.stderr);
  const repoDigests = await imageRepoDigests(
    host,
    (parsed ?? []).flatMap((inspect) => (inspect.Image ? [inspect.Image] : [])),
    signal,
  );
  return new Map(
    (parsed ?? []).map((inspect) => {
      const state = containerState(inspect);
      const digest = registryDigest(state.image, repoDigests.get(inspect.Image ?? ''), state.digest);
      return [inspect.Name, { ...state, digest }];
    }),
  );
}

/** The `RepoDigests` of images, by image id (an image removed meanwhile is left out). */
async function imageRepoDigests(
  host: PodmanHost,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, string[]>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const output = await host.attempt(['image', 'inspect', '--format', 'json', ...unique], { signal });
  const images =
    output.stdout.trim() === ''
      ? []
      : ((JSON.parse(output.stdout) as Array<{ Id: string; RepoDigests?: string[] | null }> | null) ?? []);
  return new Map(images.map((image) => [image.Id, image.RepoDigests ?? []]));
}

/** Runs a container's readiness check once: null when it passed, else what failed. */
async function runCheck(
  request: RolloutRequest,
  pod: PodmanPod,
  name: string,
  check: ReadinessCheck | null,
  state: ContainerState,
): Promise<string | null> {
  const { host, signal } = request;
  if (check === null) {
    if (state.health === null) return null;
    // Podman runs health checks from a systemd timer, absent on many hosts: run it now.
    const run = await host.attempt(['healthcheck', 'run', name], { signal });
    return run.code === 0 ? null : `health check ${run.stdout.trim() || 'failed'}`;
  }
  if (check.kind === 'exec') {
    const run = await host.attempt(['exec', name, ...check.command], {
      signal,
      timeoutMs: check.timeoutMs + 5000,
      mergeOutput: true,
    });
    return run.code === 0 ? null : `${describeCheck(check)} exited with ${run.code}`;
  }
  const published = request.ports.find(
    (port) => port.pod === pod.pod && port.containerPort === check.port && port.protocol === 'TCP',
  );
  const address = host.reachableAddress;
  // A port that is not published, or published where the server cannot reach: running is all Gantry can tell.
  if (!published || address === null) return null;
  const probeHost =
    published.hostIp === '0.0.0.0' || published.hostIp === '::' || !host.local ? address : published.hostIp;
  const target = { host: probeHost, port: published.hostPort, timeoutMs: check.timeoutMs };
  const problem = check.kind === 'http' ? await httpProbe(target, check) : await tcpProbe(target);
  return problem === null ? null : `${describeCheck(check)}: ${problem}`;
}

/** The failure of a container: exit code, last log lines; stops its pod. */
async function failure(
  request: RolloutRequest,
  pod: PodmanPod,
  name: string,
  label: string,
  state: ContainerState,
  problem: string,
): Promise<ContainerFailure> {
  const { host } = request;
  // Read before the stop: stopping kills a run restarted since, whose death (137) would come last.
  const exitCode = (await lastExitCode(host, name, request.since)) ?? state.exitCode;
  await host.attempt(['pod', 'stop', '--time', '0', pod.pod]);
  const logs = await host.attempt(['logs', '--tail', String(LOG_LINES), name], { mergeOutput: true });
  const lines = logs.code === 0 ? logs.stderr.trimEnd() : '';
  const code = exitCode === null ? '' : ` (exit code ${exitCode})`;
  const message = [
    `${label} ${problem}${problem.startsWith('exited') ? '' : code}; its pod was stopped`,
    lines === '' ? 'It wrote no log lines.' : `Its last log lines:\n${lines}`,
  ].join('\n');
  return new ContainerFailure(message, name, exitCode);
}

/** The exit code of the container's last death since `since`, from Podman's events. */
async function lastExitCode(host: PodmanHost, name: string, since: Date): Promise<number | null> {
  const events = await host.attempt([
    'events',
    '--stream=false',
    '--since',
    since.toISOString(),
    '--filter',
    `container=${name}`,
    '--filter',
    'event=died',
    '--format',
    'json',
  ]);
  let code: number | null = null;
  for (const line of events.stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const event = JSON.parse(line) as { ContainerExitCode?: number };
    if (typeof event.ContainerExitCode === 'number') code = event.ContainerExitCode;
  }
  return code;
}
