import { createHash } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';
import { type KubernetesSnapshot, parseSnapshot } from '../domain/deployment-snapshot.ts';
import { GantryError, notFound } from '../domain/errors.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository, EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { TargetRepository, TargetRow } from '../store/repositories/target-repository.ts';
import { checkDrift, type DriftReport } from '../targets/kubernetes/drift-check.ts';
import { ENVIRONMENT_LABEL, PROJECT_LABEL } from '../targets/kubernetes/gantry-metadata.ts';
import type { KubeObject } from '../targets/kubernetes/kube-object.ts';
import { deploymentSecretsContext } from '../targets/kubernetes/kubernetes-target.ts';
import { buildLiveView, type LiveView } from '../targets/kubernetes/live-view.ts';
import type { LiveViewCache } from '../targets/kubernetes/live-view-cache.ts';
import { restoreSecrets, type SecretValues } from '../targets/kubernetes/secret-redaction.ts';
import { connectTarget } from '../targets/kubernetes/target-connection.ts';
import type { ProjectAccess } from './project-access.ts';

/** Which deployment a live view or drift report is about; nulls when the environment runs none on Kubernetes. */
export interface KubernetesSource {
  /** The environment's current deployment: its last successful one, unless the environment is stopped. */
  deployment_id: number | null;
  namespace: string | null;
}

export type EnvironmentLiveView = KubernetesSource & LiveView;
export type EnvironmentDrift = KubernetesSource & DriftReport;

/** The environment's current Kubernetes deployment, with what it applied. */
interface Current {
  environment: EnvironmentRow;
  deployment: DeploymentRow;
  snapshot: KubernetesSnapshot;
  target: TargetRow;
}

/**
 * What runs in an environment deployed by the Kubernetes deployer, read from the cluster: the live
 * view (workloads, ReplicaSets, pods, from a watch-fed cache) and drift (live objects against the
 * current deployment's snapshot). Reporters and up may read both. An environment whose current
 * deployment is not a Kubernetes one (never deployed there, deployed by a script job, stopped)
 * gets an empty view and no drift.
 */
export class KubernetesEnvironmentService {
  readonly #access: ProjectAccess;
  readonly #environments: EnvironmentRepository;
  readonly #deployments: DeploymentRepository;
  readonly #targets: TargetRepository;
  readonly #secrets: SecretBox;
  readonly #liveViews: LiveViewCache;
  readonly #now: () => Date;

  constructor(deps: {
    access: ProjectAccess;
    environments: EnvironmentRepository;
    deployments: DeploymentRepository;
    targets: TargetRepository;
    secrets: SecretBox;
    liveViews: LiveViewCache;
    now?: () => Date;
  }) {
    this.#access = deps.access;
    this.#environments = deps.environments;
    this.#deployments = deps.deployments;
    this.#targets = deps.targets;
    this.#secrets = deps.secrets;
    this.#liveViews = deps.liveViews;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * The environment's workloads with their health, ReplicaSets and pods, in the namespace of its
   * current deployment and labelled as its objects. The first request for a namespace waits for the
   * cache's initial lists; later ones are served from the watches.
   * @throws GantryError('unavailable') when the cluster cannot be listed.
   */
  async liveView(actor: Actor, ref: string, environmentId: number): Promise<EnvironmentLiveView> {
    const current = await this.#current(actor, ref, environmentId);
    if (!current) return { deployment_id: null, namespace: null, workloads: [], replica_sets: [], pods: [] };
    const { environment, deployment, snapshot, target } = current;
    const objects = await this.#liveViews.objects({
      target: targetVersion(target),
      namespace: snapshot.namespace,
      connect: () => connectTarget(target, this.#secrets).kubeConfig,
    });
    // Pods and ReplicaSets carry these through the pod templates; the project too, as two
    // projects may deploy environments of the same name to one namespace.
    const selector = {
      [PROJECT_LABEL]: String(environment.project_id),
      [ENVIRONMENT_LABEL]: environment.slug,
    };
    return {
      deployment_id: deployment.id,
      namespace: snapshot.namespace,
      ...buildLiveView(objects, selector),
    };
  }

  /**
   * Drift of the environment's objects from its current deployment's snapshot: every object it
   * applied, in sync, modified (with the fields, Secret values never shown) or missing.
   * @throws GantryError('unavailable') when the cluster cannot be read.
   */
  async drift(actor: Actor, ref: string, environmentId: number): Promise<EnvironmentDrift> {
    const current = await this.#current(actor, ref, environmentId);
    if (!current) {
      return {
        deployment_id: null,
        namespace: null,
        drifted: false,
        checked_at: this.#now().toISOString(),
        objects: [],
      };
    }
    const { deployment, snapshot, target } = current;
    const values: SecretValues =
      deployment.secret_values_encrypted === null
        ? {}
        : JSON.parse(
            this.#secrets.decrypt(
              deployment.secret_values_encrypted,
              deploymentSecretsContext(deployment.id),
            ),
          );
    const report = await checkDrift({
      kubeConfig: connectTarget(target, this.#secrets).kubeConfig,
      manifests: restoreSecrets(snapshot.manifests as KubeObject[], values),
      now: this.#now,
    });
    return { deployment_id: deployment.id, namespace: snapshot.namespace, ...report };
  }

  async #current(actor: Actor, ref: string, environmentId: number): Promise<Current | undefined> {
    const project = await this.#access.require(actor, ref, 'read');
    const environment = await this.#environments.findById(environmentId);
    if (!environment || environment.project_id !== project.id) throw notFound('environment');
    // A stopped environment keeps its last successful deployment as history, but nothing runs.
    if (environment.state === 'stopped') return undefined;
    const id = environment.last_success_deployment_id;
    const deployment = id === null ? undefined : await this.#deployments.findById(id);
    if (deployment?.action !== 'start') return undefined;
    const snapshot = parseSnapshot(deployment.snapshot);
    if (snapshot?.kind !== 'kubernetes') return undefined;
    const target = await this.#targets.findById(snapshot.targetId);
    if (!target) {
      throw new GantryError(
        'conflict',
        `the Kubernetes target that deployed environment ${environment.name} (deployment #${deployment.iid}) has been deleted: register it again and re-deploy`,
      );
    }
    return { environment, deployment, snapshot, target };
  }
}

/**
 * Names a target's cluster and credentials as they are now: saving the target again changes it
 * (the credentials are encrypted afresh), so the live view never watches with settings replaced since.
 */
function targetVersion(target: TargetRow): string {
  const digest = createHash('sha256')
    .update(target.config)
    .update('\0')
    .update(target.secret_encrypted ?? '')
    .digest('hex');
  return `${target.id}:${digest.slice(0, 16)}`;
}
