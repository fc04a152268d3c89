import { stringify } from 'yaml';
import type {
  DeployedImage,
  InventoryEntry,
  PodmanSnapshot,
  PublishedPort,
} from '../../domain/deployment-snapshot.ts';
import type { DeploySpec } from '../../pipeline/pipeline-definition.ts';
import { parseDefinition } from '../../scheduler/job-definition.ts';
import { jobSnapshot } from '../../scheduler/job-snapshot.ts';
import type { DeploymentRepository, DeploymentRow } from '../../store/repositories/deployment-repository.ts';
import type { DeploymentStatusRepository } from '../../store/repositories/deployment-status-repository.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import { findSnapshot, runningSnapshot } from '../deployment-snapshots.ts';
import { recordFailureStatus } from '../failure-status.ts';
import { addGantryMetadata, gantryLabels } from '../kubernetes/gantry-metadata.ts';
import { rewriteImages } from '../kubernetes/image-rewrite.ts';
import { type JobManifestSources, renderJobManifests } from '../kubernetes/job-manifests.ts';
import { describeRef, type KubeObject, refKey, refOf } from '../kubernetes/kube-object.ts';
import { manifestDigest } from '../kubernetes/manifest-digest.ts';
import { keepLiveImages } from '../kubernetes/partial-rollout.ts';
import { workloadImages } from '../kubernetes/workload-images.ts';
import type { DeployLog, DeployOutcome, DeployRequest, Target } from '../target.ts';
import type { ContainerState } from './container-state.ts';
import { freeHostPorts } from './free-ports.ts';
import { assertOwnNames } from './host-ownership.ts';
import { environmentUrl, freshPortsNeeded, portRequests, publishPorts, withHostPorts } from './host-ports.ts';
import { removePods } from './pod-removal.ts';
import { environmentKey, openPodmanHost, type PodmanAccess } from './podman-connection.ts';
import type { PodmanHost } from './podman-host.ts';
import {
  DEPLOYMENT_LABEL,
  ENVIRONMENT_KEY_LABEL,
  isPodmanWorkload,
  podmanObjects,
  podmanPods,
  replicaNotes,
  withPodLabels,
} from './podman-objects.ts';
import { ContainerFailure, inspectContainers, waitForPods } from './podman-rollout.ts';
import { isRegistryImage, repositoryOf } from './registry-digest.ts';

/** Deployments wait this long for their containers when `deploy:timeout` is not given. */
export const DEFAULT_PODMAN_TIMEOUT_SECONDS = 300;

/** Credentials to pull an image from Gantry's own registry. */
export interface PullCredential {
  username: string;
  password: string;
}

export interface PodmanTargetDeps extends PodmanAccess, JobManifestSources {
  deployments: DeploymentRepository;
  /** Where a failed deployment's reason is recorded as a `failure` status. */
  statuses: DeploymentStatusRepository;
  /** Keyed digest of the CI/CD variables that apply (the snapshot's variables version). */
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
  /**
   * Gantry's own registry, when there is one: its `host[:port]`, and short-lived pull credentials
   * scoped to a project, used when a deployment's images are there.
   */
  registry?: {
    host: string;
    pullCredential(projectId: number, ttlSeconds: number): Promise<PullCredential> | PullCredential;
  };
}

/** What one deployment plays: the objects for `podman kube play`, the claims, the ports. */
interface Plan {
  /** ConfigMaps, Pods and Deployments, as played. */
  objects: KubeObject[];
  volumes: { claim: string; volume: string }[];
  inventory: InventoryEntry[];
  ports: PublishedPort[];
  images: DeployedImage[];
}

/** How long the pull credentials of one deployment live. */
const PULL_CREDENTIAL_TTL_SECONDS = 900;

/**
 * The built-in Podman deployer for `deploy:` jobs on a Podman target (the Gantry server's host, or
 * one reached over SSH). Renders the manifests at the deployment's commit as the Kubernetes deployer
 * does (or takes a stored snapshot, for rollback and re-deploy), rewrites images, keeps what Podman
 * runs (Deployments, Pods, ConfigMaps; claims become named volumes), names everything after the
 * project and environment, publishes every container port on a host port that stays the
 * environment's, runs `podman kube play --replace`, removes pods the previous deployment had and
 * this one has not, and succeeds once every container runs and is ready — failing as soon as one
 * exits or restarts, with its exit code and last log lines.
 */
export class PodmanTarget implements Target {
  readonly kind = 'podman';
  readonly #deps: PodmanTargetDeps;

  constructor(deps: PodmanTargetDeps) {
    this.#deps = deps;
  }

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    const { job, deployment, environment, project, target, log, signal } = request;
    const definition = parseDefinition(job.definition);
    const spec = definition.deploy;
    if (!spec) throw new Error(`job ${job.name} has no deploy: settings`);
    const host = await openPodmanHost(target, this.#deps);
    try {
      const source =
        deployment.rollback_of === null
          ? null
          : await findSnapshot(this.#deps.deployments, deployment.rollback_of, 'podman');
      // A snapshot applied again keeps its names: its objects were named then.
      const prefix = source?.snapshot.namePrefix ?? `${environmentKey(project, environment.slug)}-`;
      await log.line(
        `Deploying to ${environment.name}: Podman target "${target.name}" (${host.where}), objects named ${prefix}…`,
      );
      const started = performance.now();
      const previous = await runningSnapshot(this.#deps.deployments, environment, deployment.id, 'podman');
      const plan = source
        ? await this.#planFromSnapshot(source.row, source.snapshot, log)
        : await this.#planFromCommit(request, spec, host, prefix, previous);
      // Names can collide across projects (see environmentKey): refuse before anything is replaced.
      await assertOwnNames(
        host,
        { pods: podmanPods(plan.objects).map((pod) => pod.pod), volumes: plan.volumes.map((v) => v.volume) },
        project.id,
        signal,
      );
      const snapshot = await this.#recordSnapshot(request, plan, prefix);

      signal.throwIfAborted();
      const timeoutMs = (spec.timeoutSeconds ?? DEFAULT_PODMAN_TIMEOUT_SECONDS) * 1000;
      await this.#createVolumes(host, plan, request, prefix);
      const since = new Date();
      await this.#play(host, plan, request, timeoutMs);
      await this.#removeGone(host, previous, plan, request);
      await log.line('Waiting for the containers to run and become ready');
      let states: ContainerState[];
      try {
        states = await waitForPods({
          host,
          pods: podmanPods(plan.objects),
          ports: plan.ports,
          since,
          timeoutMs,
          signal,
          onProgress: (line) => void log.line(line),
        });
      } catch (error) {
        if (error instanceof ContainerFailure)
          await recordFailureStatus(this.#deps.statuses, deployment.id, error.message);
        throw error;
      }
      const images = withDigests(plan, states);
      await this.#deps.deployments.update(deployment.id, {
        snapshot: JSON.stringify({ ...snapshot, images }),
      });
      const url = definition.environment?.url ? null : environmentUrl(plan.ports, host.reachableAddress);
      if (url !== null) await log.line(`Environment URL: ${url}`);
      await log.line(
        `Deployment #${deployment.iid} is running after ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return url === null ? { status: 'success' } : { status: 'success', environmentUrl: url };
    } finally {
      await host.close();
    }
  }

  /** Renders the manifests at the deployment's commit and turns them into what Podman plays. */
  async #planFromCommit(
    request: DeployRequest,
    spec: DeploySpec,
    host: PodmanHost,
    prefix: string,
    previous: PodmanSnapshot | null,
  ): Promise<Plan> {
    const { deployment, environment, project, log } = request;
    const rendered = await renderJobManifests(request, spec, prefix.slice(0, -1), this.#deps);
    if (spec.strategy)
      await log.line(
        'deploy:strategy is for Kubernetes: Podman replaces the pods at once (one replica each)',
      );
    const kept = podmanObjects(rendered, prefix);
    for (const { ref, reason } of kept.skipped) await log.line(`${describeRef(ref)} skipped: ${reason}`);
    for (const note of replicaNotes(kept.objects)) await log.line(note);
    const identity = { projectId: project.id, environmentSlug: environment.slug };
    let objects = withPodLabels(
      addGantryMetadata(kept.objects, {
        ...identity,
        projectPath: project.path,
        environmentName: environment.name,
        deploymentId: deployment.id,
      }),
      {
        ...gantryLabels(identity),
        [ENVIRONMENT_KEY_LABEL]: prefix.slice(0, -1),
        [DEPLOYMENT_LABEL]: String(deployment.id),
      },
    );
    if (spec.containers !== null) {
      const partial = keepLiveImages(objects, await liveWorkloads(host, objects), spec.containers);
      objects = partial.objects;
      for (const { ref, container, image } of partial.kept)
        await log.line(`${describeRef(ref)}: container ${container} keeps ${image} (partial rollout)`);
    }
    const requests = portRequests(objects);
    const previousPorts = previous?.ports ?? [];
    const reserved = new Set(requests.flatMap((port) => (port.hostPort === null ? [] : [port.hostPort])));
    for (const port of previousPorts) reserved.add(port.hostPort);
    const fresh = await freeHostPorts(host, freshPortsNeeded(requests, previousPorts), reserved);
    const ports = publishPorts(requests, previousPorts, host.config.publish_address, fresh);
    objects = withHostPorts(objects, ports);
    const claims = objects.filter((object) => object.kind === 'PersistentVolumeClaim');
    const played = [
      ...objects.filter((object) => object.kind === 'ConfigMap'),
      ...objects.filter(isPodmanWorkload),
    ];
    return {
      objects: played,
      volumes: claims.map((claim) => ({
        claim: (claim.metadata.name ?? '').slice(prefix.length),
        volume: claim.metadata.name ?? '',
      })),
      inventory: [...claims, ...played].map(refOf) as InventoryEntry[],
      ports,
      images: workloadImages(played),
    };
  }

  /**
   * Plays a stored snapshot again (rollback, re-deploy): its objects, volumes and ports as they were,
   * and its registry images **by digest** — a tag may have moved since (a rebuild pushes the same
   * tag anew), the digest is what that deployment ran.
   */
  async #planFromSnapshot(row: DeploymentRow, snapshot: PodmanSnapshot, log: DeployLog): Promise<Plan> {
    await log.line(`Applying the snapshot of deployment #${row.iid} (${snapshot.sha.slice(0, 8)}) again`);
    const pinned: Record<string, string> = {};
    for (const { container, image, digest } of snapshot.images) {
      if (digest !== null && isRegistryImage(image)) pinned[container] = `${repositoryOf(image)}@${digest}`;
    }
    for (const [container, image] of Object.entries(pinned)) await log.line(`${container}: ${image}`);
    return {
      objects: rewriteImages(snapshot.manifests as KubeObject[], pinned).objects,
      volumes: snapshot.volumes,
      inventory: snapshot.inventory,
      ports: snapshot.ports,
      images: snapshot.images.map((image) => ({
        ...image,
        image: pinned[image.container] ?? image.image,
        digest: null,
      })),
    };
  }

  /** Creates the named volume of every claim that has none yet; existing ones, and their data, stay. */
  async #createVolumes(host: PodmanHost, plan: Plan, request: DeployRequest, prefix: string): Promise<void> {
    const { project, environment, log, signal } = request;
    const labels = {
      ...gantryLabels({ projectId: project.id, environmentSlug: environment.slug }),
      [ENVIRONMENT_KEY_LABEL]: prefix.slice(0, -1),
    };
    for (const { claim, volume } of plan.volumes) {
      if ((await host.attempt(['volume', 'exists', volume], { signal })).code === 0) {
        await log.line(`PersistentVolumeClaim ${claim}: volume ${volume} kept`);
        continue;
      }
      await host.run(
        [
          'volume',
          'create',
          ...Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
          volume,
        ],
        { signal },
      );
      await log.line(`PersistentVolumeClaim ${claim}: volume ${volume} created`);
    }
  }

  /** `podman kube play --replace` of the plan's objects; what a failed play created is taken down again. */
  async #play(host: PodmanHost, plan: Plan, request: DeployRequest, timeoutMs: number): Promise<void> {
    const { project, log, signal } = request;
    const file = await host.file('play.yaml', kubeYaml(plan.objects));
    const args = ['kube', 'play', '--replace'];
    if (!host.config.tls_verify) args.push('--tls-verify=false');
    const registry = this.#deps.registry;
    const pullArgs = host.config.tls_verify ? [] : ['--tls-verify=false'];
    if (registry && plan.images.some((image) => image.image.startsWith(`${registry.host}/`))) {
      const credential = await registry.pullCredential(project.id, PULL_CREDENTIAL_TTL_SECONDS);
      const auth = Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
      const authFile = await host.file('auth.json', JSON.stringify({ auths: { [registry.host]: { auth } } }));
      args.push('--authfile', authFile);
      pullArgs.push('--authfile', authFile);
    }
    // kube play takes an image already on the host as it is (a build job on this host leaves it
    // there): pulling first makes it run what the registry holds, and records the registry's digest.
    for (const image of new Set(plan.images.map((entry) => entry.image).filter(isRegistryImage))) {
      await log.line(`Pulling ${image}`);
      await host.run(['pull', '--quiet', ...pullArgs, image], { signal, timeoutMs });
    }
    try {
      await host.run([...args, file], { signal, timeoutMs });
    } catch (error) {
      await removePods(host, plan.objects, project.id).catch(() => {});
      throw error;
    }
    for (const object of plan.objects) {
      if (object.kind === 'ConfigMap') {
        await log.line(`${describeRef(refOf(object))} played`);
        continue;
      }
      const [pod] = podmanPods([object]);
      const containers = pod!.containers.map(
        (container) => `${container.spec.name} (${container.spec.image})`,
      );
      await log.line(`${describeRef(refOf(object))}: pod ${pod!.pod} started with ${containers.join(', ')}`);
    }
  }

  /** Takes down the pods of the previous deployment that this one does not run. */
  async #removeGone(
    host: PodmanHost,
    previous: PodmanSnapshot | null,
    plan: Plan,
    request: DeployRequest,
  ): Promise<void> {
    const now = new Set(plan.objects.map((object) => refKey(refOf(object))));
    const gone = ((previous?.manifests ?? []) as KubeObject[]).filter(
      (object) => isPodmanWorkload(object) && !now.has(refKey(refOf(object))),
    );
    const removed = new Set(await removePods(host, gone, request.project.id, request.signal));
    for (const pod of podmanPods(gone)) {
      if (removed.has(pod.pod))
        await request.log.line(`${describeRef(pod.ref)} removed (not in this deployment)`);
    }
  }

  async #recordSnapshot(request: DeployRequest, plan: Plan, prefix: string): Promise<PodmanSnapshot> {
    const { job, deployment, environment, target } = request;
    const snapshot: PodmanSnapshot = {
      kind: 'podman',
      ...jobSnapshot(job, deployment, environment, await this.#deps.variablesVersion(job, environment.name)),
      targetId: target.id,
      namePrefix: prefix,
      manifests: plan.objects,
      volumes: plan.volumes,
      inventory: plan.inventory,
      ports: plan.ports,
      images: plan.images,
      manifestDigest: manifestDigest(plan.objects),
    };
    await this.#deps.deployments.update(deployment.id, { snapshot: JSON.stringify(snapshot) });
    return snapshot;
  }
}

/** The objects as one multi-document YAML file for `podman kube play` and `kube down`. */
export function kubeYaml(objects: readonly KubeObject[]): string {
  return objects.map((object) => stringify(object)).join('---\n');
}

/**
 * The workloads as they run now, by key, holding only their running containers' images (from
 * `podman inspect`): what a partial rollout keeps.
 */
async function liveWorkloads(
  host: PodmanHost,
  objects: readonly KubeObject[],
): Promise<Map<string, KubeObject>> {
  const pods = podmanPods(objects);
  const states = await inspectContainers(
    host,
    pods.flatMap((pod) => pod.containers.map((container) => container.name)),
  );
  const live = new Map<string, KubeObject>();
  for (const pod of pods) {
    const containers = pod.containers.flatMap((container) => {
      const state = states.get(container.name);
      return state ? [{ name: container.spec.name, image: state.image }] : [];
    });
    if (containers.length === 0) continue;
    const podSpec = { containers };
    live.set(refKey(pod.ref), {
      apiVersion: pod.ref.apiVersion,
      kind: pod.ref.kind,
      metadata: { name: pod.ref.name },
      spec: pod.ref.kind === 'Pod' ? podSpec : { template: { spec: podSpec } },
    });
  }
  return live;
}

/** The plan's images with the digests Podman reported for the containers running them. */
function withDigests(plan: Plan, states: readonly ContainerState[]): DeployedImage[] {
  const digests = new Map<string, string | null>();
  for (const pod of podmanPods(plan.objects)) {
    for (const container of pod.containers) {
      const state = states.find((candidate) => candidate.name === container.name);
      if (state) digests.set(container.spec.name, state.digest);
    }
  }
  return plan.images.map((image) => ({ ...image, digest: digests.get(image.container) ?? null }));
}
