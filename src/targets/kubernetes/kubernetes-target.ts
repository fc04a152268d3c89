import type { KubeConfig } from '@kubernetes/client-node';
import type { DeployedImage, InventoryEntry, KubernetesSnapshot } from '../../domain/deployment-snapshot.ts';
import type { DeploySpec } from '../../pipeline/pipeline-definition.ts';
import { parseDefinition } from '../../scheduler/job-definition.ts';
import { jobSnapshot } from '../../scheduler/job-snapshot.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { DeploymentRepository, DeploymentRow } from '../../store/repositories/deployment-repository.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import { findSnapshot, runningSnapshot } from '../deployment-snapshots.ts';
import type { DeployLog, DeployOutcome, DeployRequest, Target } from '../target.ts';
import { applyObjects } from './applier.ts';
import { applySteps, deletionSteps } from './apply-order.ts';
import { canaryOf, canaryReplicas, replicasOf, withReplicas } from './canary-track.ts';
import { deployedImages } from './deployed-images.ts';
import { ensureNamespace } from './ensure-namespace.ts';
import { environmentSecretObject } from './environment-secret-object.ts';
import { addGantryMetadata } from './gantry-metadata.ts';
import { type JobManifestSources, renderJobManifests } from './job-manifests.ts';
import { describeRef, type KubeObject, type ObjectRef, refKey, refOf } from './kube-object.ts';
import { readLiveObjects } from './live-objects.ts';
import { manifestDigest } from './manifest-digest.ts';
import { defaultNamespaces } from './namespace-default.ts';
import { keepLiveImages } from './partial-rollout.ts';
import { deleteObjects, refsToPrune } from './prune.ts';
import { resourceCatalog } from './resource-catalog.ts';
import { waitForRollout } from './rollout-watch.ts';
import { redactSecrets, restoreSecrets } from './secret-redaction.ts';
import { connectTarget, environmentNamespace } from './target-connection.ts';
import { workloadImages } from './workload-images.ts';

/** Rollouts wait this long for health when `deploy:timeout` is not given. */
export const DEFAULT_ROLLOUT_TIMEOUT_SECONDS = 300;

/** The encryption context of the Secret values a deployment applied. */
export const deploymentSecretsContext = (deploymentId: number) => `deployments.secret_values:${deploymentId}`;

export interface KubernetesTargetDeps extends JobManifestSources {
  secrets: SecretBox;
  deployments: DeploymentRepository;
  /** The environment's secrets (decrypted) and the version naming that set. */
  environmentSecrets(
    projectId: number,
    environmentName: string,
  ): Promise<{ values: Record<string, string>; version: string | null }>;
  /** Keyed digest of the CI/CD variables that apply (the snapshot's variables version). */
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
}

/** What one deployment applies: complete objects (Secret values included) in apply order. */
interface Plan {
  objects: KubeObject[];
  images: DeployedImage[];
  secretsVersion: string | null;
}

/**
 * The built-in Kubernetes deployer for `deploy:` jobs. Renders the manifests at the deployment's
 * commit (or takes a stored snapshot, for rollback and re-deploy), rewrites images, adds Gantry's
 * labels, applies everything server-side in dependency order after a server-side dry run (so a
 * rejected object changes nothing), prunes what the previous deployment applied and this one
 * does not, and succeeds only once the workloads are healthy — failing as soon as a new pod
 * crash-loops, cannot pull its image or cannot be scheduled.
 */
export class KubernetesTarget implements Target {
  readonly kind = 'kubernetes';
  readonly #deps: KubernetesTargetDeps;
  readonly #rollouts = new Map<number, RolloutControl>();

  constructor(deps: KubernetesTargetDeps) {
    this.#deps = deps;
  }

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    const { job, deployment, environment, project, target, log, signal } = request;
    const definition = parseDefinition(job.definition);
    const spec = definition.deploy;
    if (!spec) throw new Error(`job ${job.name} has no deploy: settings`);
    const connection = connectTarget(target, this.#deps.secrets);
    const kubeConfig = connection.kubeConfig;
    const source =
      deployment.rollback_of === null
        ? null
        : await findSnapshot(this.#deps.deployments, deployment.rollback_of, 'kubernetes');
    // A snapshot applied again goes where it went then: its manifests name that namespace.
    const namespace =
      source?.snapshot.namespace ??
      environmentNamespace(
        connection.config,
        project,
        environment.slug,
        definition.environment?.kubernetesNamespace ?? null,
      );
    await log.line(
      `Deploying to ${environment.name}: Kubernetes target "${target.name}" (${kubeConfig.getCurrentCluster()?.server}), namespace ${namespace}`,
    );
    const started = performance.now();
    const previous = await runningSnapshot(this.#deps.deployments, environment, deployment.id, 'kubernetes');
    const plan = source
      ? await this.#planFromSnapshot(source, log)
      : await this.#planFromCommit(request, spec, kubeConfig, namespace);
    const inventory = plan.objects.map(refOf) as InventoryEntry[];
    const snapshot = await this.#recordSnapshot(request, plan, inventory, namespace);

    signal.throwIfAborted();
    await ensureNamespace(kubeConfig, namespace);
    const steps = applySteps(plan.objects).map((step) => step.items);
    const timeoutMs = (spec.timeoutSeconds ?? DEFAULT_ROLLOUT_TIMEOUT_SECONDS) * 1000;
    const canaries =
      spec.strategy && previous && !source
        ? await this.#stepThrough(
            request,
            { kubeConfig, namespace, plan, previous, timeoutMs },
            spec.strategy,
          )
        : [];
    await applyObjects({
      kubeConfig,
      steps,
      signal,
      onProgress: (ref, result) => log.line(`${describeRef(ref)} ${result}`),
    });
    const stale = [...canaries, ...refsToPrune(previous?.inventory ?? [], inventory)];
    if (stale.length > 0) {
      await deleteObjects(
        kubeConfig,
        deletionSteps(stale).flatMap((step) => step.items),
        { onProgress: (ref) => void log.line(`${describeRef(ref)} pruned (not in this deployment)`) },
      );
    }
    await log.line('Waiting for the workloads to become healthy');
    await waitForRollout({
      kubeConfig,
      namespace,
      objects: inventory,
      timeoutMs,
      signal,
      onProgress: (line) => void log.line(line),
    });
    const images = await deployedImages(kubeConfig, namespace, environment.slug, plan.images);
    await this.#deps.deployments.update(deployment.id, {
      snapshot: JSON.stringify({ ...snapshot, images }),
    });
    await log.line(
      `Deployment #${deployment.iid} is healthy after ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return { status: 'success' };
  }

  /**
   * Promotes an incremental rollout waiting at a step (`strategy` without `pause`); false when
   * the deployment is not waiting for one.
   */
  promote(deploymentId: number): boolean {
    const control = this.#rollouts.get(deploymentId);
    if (!control?.waiting) return false;
    control.promote();
    return true;
  }

  /** Aborts an incremental rollout under way: back to the previous deployment, this one failed. */
  abort(deploymentId: number, reason: string): boolean {
    const control = this.#rollouts.get(deploymentId);
    if (!control) return false;
    control.abort(reason);
    return true;
  }

  /**
   * The steps of an incremental rollout before the last (100 %), on the canary track: each
   * Deployment that runs now gets a `<name>-canary` Deployment of the new version with the step's
   * share of the replicas while the running version is scaled down by as many; after each step
   * Gantry waits for health, then for the pause or a promote. An abort (or a cancel) deletes the
   * canaries and restores the running version. Returns the canaries, to delete after the last
   * step. Deployments new in this release, and all other objects, are applied at the last step.
   */
  async #stepThrough(
    request: DeployRequest,
    context: {
      kubeConfig: KubeConfig;
      namespace: string;
      plan: Plan;
      previous: KubernetesSnapshot;
      timeoutMs: number;
    },
    strategy: NonNullable<DeploySpec['strategy']>,
  ): Promise<ObjectRef[]> {
    const { deployment, log, signal } = request;
    const { kubeConfig, namespace, plan, previous, timeoutMs } = context;
    const running = new Map(
      (previous.manifests as KubeObject[]).map((object) => [refKey(refOf(object)), object]),
    );
    const tracks = plan.objects
      .filter((object) => object.kind === 'Deployment' && running.has(refKey(refOf(object))))
      .map((next) => ({ next, stable: running.get(refKey(refOf(next)))! }));
    if (tracks.length === 0) return [];
    const canaryRefs = tracks.map(({ next }) => refOf(canaryOf(next, 1)));
    const control = new RolloutControl(signal);
    this.#rollouts.set(deployment.id, control);
    try {
      const steps = strategy.steps.filter((percent) => percent < 100);
      for (const [index, percent] of steps.entries()) {
        const objects = tracks.flatMap(({ next, stable }) => {
          const total = replicasOf(next);
          const canary = canaryReplicas(total, percent);
          return [canaryOf(next, canary), withReplicas(stable, Math.max(0, total - canary))];
        });
        await log.line(
          `Step ${index + 1} of ${strategy.steps.length}: ${percent}% of the replicas on the new version`,
        );
        await applyObjects({ kubeConfig, steps: [objects], signal: control.signal });
        await waitForRollout({
          kubeConfig,
          namespace,
          objects: objects.map(refOf),
          timeoutMs,
          signal: control.signal,
          onProgress: (line) => void log.line(line),
        });
        const resumeAt =
          strategy.pauseSeconds > 0
            ? new Date(Date.now() + strategy.pauseSeconds * 1000).toISOString()
            : null;
        // Waiting (and so promotable) before the state says so: a promote right after reading it lands.
        const promoted = control.waitForPromote(strategy.pauseSeconds * 1000);
        promoted.catch(() => {});
        await this.#deps.deployments.update(deployment.id, {
          rollout_state: JSON.stringify({
            step: index + 1,
            steps: strategy.steps,
            percent,
            waiting: resumeAt ? 'pause' : 'promote',
            resume_at: resumeAt,
          }),
        });
        await log.line(
          resumeAt
            ? `Pausing until ${resumeAt} (promote to go on now)`
            : `Waiting for a promote (POST /projects/${deployment.project_id}/deployments/${deployment.id}/promote)`,
        );
        await promoted;
      }
      await this.#deps.deployments.update(deployment.id, {
        rollout_state: JSON.stringify({
          step: strategy.steps.length,
          steps: strategy.steps,
          percent: 100,
          waiting: null,
          resume_at: null,
        }),
      });
      await log.line(`Step ${strategy.steps.length} of ${strategy.steps.length}: 100%`);
      return canaryRefs;
    } catch (error) {
      await log.line(
        `Rolling back to deployment ${previous.jobName} at ${previous.sha.slice(0, 8)}: ${(error as Error).message}`,
      );
      await deleteObjects(kubeConfig, canaryRefs);
      await applyObjects({ kubeConfig, steps: [tracks.map(({ stable }) => stable)] });
      throw error;
    } finally {
      this.#rollouts.delete(deployment.id);
    }
  }

  /** Renders the manifests at the deployment's commit and turns them into what gets applied. */
  async #planFromCommit(
    request: DeployRequest,
    spec: DeploySpec,
    kubeConfig: KubeConfig,
    namespace: string,
  ): Promise<Plan> {
    const { deployment, environment, project, log } = request;
    let objects = await renderJobManifests(request, spec, namespace, this.#deps);
    const secrets = await this.#deps.environmentSecrets(project.id, environment.name);
    const secretObject = environmentSecretObject(secrets.values, namespace);
    if (secretObject) {
      objects = [
        ...objects.filter((object) => refKey(refOf(object)) !== refKey(refOf(secretObject))),
        secretObject,
      ];
      await log.line(
        `Environment secrets: ${Object.keys(secrets.values).length} keys in Secret ${secretObject.metadata.name}`,
      );
    }
    const catalog = resourceCatalog(kubeConfig);
    // Discovery first (an unknown kind fails here, naming it), so defaulting can stay pure.
    const scopes = new Map<string, boolean>();
    for (const object of objects) {
      const key = `${object.apiVersion}|${object.kind}`;
      if (scopes.has(key)) continue;
      const info = await catalog.find(object.apiVersion, object.kind);
      // A custom resource whose CRD is in this same set: the cluster cannot know its kind yet.
      const namespaced =
        info?.namespaced ??
        crdScope(objects, object) ??
        (await catalog.get(object.apiVersion, object.kind)).namespaced;
      scopes.set(key, namespaced);
    }
    objects = defaultNamespaces(objects, {
      namespace,
      isNamespaced: (apiVersion, kind) => scopes.get(`${apiVersion}|${kind}`) ?? true,
    });
    objects = addGantryMetadata(objects, {
      projectId: project.id,
      projectPath: project.path,
      environmentSlug: environment.slug,
      environmentName: environment.name,
      deploymentId: deployment.id,
      secretsVersion: secrets.version,
    });
    if (spec.containers !== null) {
      const live = await readLiveObjects(kubeConfig, objects);
      const partial = keepLiveImages(objects, live, spec.containers);
      objects = partial.objects;
      for (const kept of partial.kept) {
        await log.line(
          `${describeRef(kept.ref)}: container ${kept.container} keeps ${kept.image} (partial rollout)`,
        );
      }
    }
    return { objects, images: workloadImages(objects), secretsVersion: secrets.version };
  }

  /** Applies a stored snapshot again (rollback, re-deploy): its manifests, its Secret values. */
  async #planFromSnapshot(
    source: { row: DeploymentRow; snapshot: KubernetesSnapshot },
    log: DeployLog,
  ): Promise<Plan> {
    const { row, snapshot } = source;
    const values =
      row.secret_values_encrypted === null
        ? {}
        : (JSON.parse(
            this.#deps.secrets.decrypt(row.secret_values_encrypted, deploymentSecretsContext(row.id)),
          ) as Parameters<typeof restoreSecrets>[1]);
    const objects = restoreSecrets(snapshot.manifests as KubeObject[], values);
    await log.line(`Applying the snapshot of deployment #${row.iid} (${snapshot.sha.slice(0, 8)}) again`);
    return { objects, images: snapshot.images, secretsVersion: snapshot.secretsVersion };
  }

  async #recordSnapshot(
    request: DeployRequest,
    plan: Plan,
    inventory: InventoryEntry[],
    namespace: string,
  ): Promise<KubernetesSnapshot> {
    const { job, deployment, environment, target } = request;
    const { redacted, values } = redactSecrets(plan.objects, (value) =>
      this.#deps.secrets.digest(value, `secret-reference:${deployment.project_id}`),
    );
    const snapshot: KubernetesSnapshot = {
      kind: 'kubernetes',
      ...jobSnapshot(job, deployment, environment, await this.#deps.variablesVersion(job, environment.name)),
      targetId: target.id,
      namespace,
      manifests: redacted,
      inventory,
      images: plan.images,
      manifestDigest: manifestDigest(redacted),
      secretsVersion: plan.secretsVersion,
    };
    await this.#deps.deployments.update(deployment.id, {
      snapshot: JSON.stringify(snapshot),
      secret_values_encrypted:
        Object.keys(values).length === 0
          ? null
          : this.#deps.secrets.encrypt(JSON.stringify(values), deploymentSecretsContext(deployment.id)),
    });
    return snapshot;
  }
}

/**
 * The controls of one incremental rollout: a promote (or the pause) moves it to its next step;
 * an abort, a cancel of its job or a server shutdown stops it.
 */
class RolloutControl {
  readonly #controller = new AbortController();
  #promote: (() => void) | undefined;

  constructor(outer: AbortSignal) {
    outer.addEventListener('abort', () => this.#controller.abort(outer.reason), { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get waiting(): boolean {
    return this.#promote !== undefined;
  }

  promote(): void {
    this.#promote?.();
  }

  abort(reason: string): void {
    this.#controller.abort(new Error(reason));
  }

  /** Resolves on a promote, or after `pauseMs` when it is above 0; rejects when aborted. */
  waitForPromote(pauseMs: number): Promise<void> {
    const signal = this.#controller.signal;
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        this.#promote = undefined;
      };
      const aborted = () => {
        done();
        reject(signal.reason);
      };
      const go = () => {
        done();
        resolve();
      };
      const timer = pauseMs > 0 ? setTimeout(go, pauseMs) : undefined;
      this.#promote = go;
      signal.addEventListener('abort', aborted, { once: true });
    });
  }
}

/**
 * Whether a custom resource is namespaced according to a CRD in the same set (undefined when no
 * CRD there defines its kind).
 */
function crdScope(objects: KubeObject[], object: KubeObject): boolean | undefined {
  const group = object.apiVersion.split('/')[0];
  for (const candidate of objects) {
    if (candidate.kind !== 'CustomResourceDefinition') continue;
    const spec = candidate.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.group === group && spec?.names?.kind === object.kind) return spec?.scope !== 'Cluster';
  }
  return undefined;
}
