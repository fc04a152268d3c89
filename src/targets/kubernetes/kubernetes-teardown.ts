import { type KubernetesSnapshot, parseSnapshot } from '../../domain/deployment-snapshot.ts';
import type { DeploymentRecorder } from '../../scheduler/deployment-recorder.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { DeploymentRepository, DeploymentRow } from '../../store/repositories/deployment-repository.ts';
import type {
  EnvironmentRepository,
  EnvironmentRow,
} from '../../store/repositories/environment-repository.ts';
import type { TargetRepository } from '../../store/repositories/target-repository.ts';
import { deletionSteps } from './apply-order.ts';
import { deleteObjects } from './prune.ts';
import { connectTarget } from './target-connection.ts';

/**
 * Stops an environment deployed by the Kubernetes deployer when no stop job does it: a stop
 * deployment that deletes, by the inventory of the running deployment's snapshot, everything that
 * deployment applied (workloads first, namespaces last). Claims bound by StatefulSets are not in
 * the inventory and stay, as `kubectl delete` leaves them. The deletion runs in the background;
 * the stop deployment records its outcome and the environment follows it (stopping → stopped).
 */
export class KubernetesTeardown {
  readonly #deps: KubernetesTeardownDeps;
  readonly #running = new Set<Promise<void>>();

  constructor(deps: KubernetesTeardownDeps) {
    this.#deps = deps;
  }

  /**
   * Starts the stop deployment of an environment whose current deployment is a Kubernetes one;
   * returns it, or undefined when the environment's current deployment is not Kubernetes.
   */
  async stop(environment: EnvironmentRow, userId: number | null): Promise<DeploymentRow | undefined> {
    const current =
      environment.last_success_deployment_id === null
        ? undefined
        : await this.#deps.deployments.findById(environment.last_success_deployment_id);
    const snapshot = parseSnapshot(current?.snapshot ?? null);
    if (!current || snapshot?.kind !== 'kubernetes' || current.action !== 'start') return undefined;
    const deployment = await this.#deps.deployments.insert({
      project_id: environment.project_id,
      environment_id: environment.id,
      sha: current.sha,
      ref: current.ref,
      tag: current.tag,
      user_id: userId,
      status: 'running',
      action: 'stop',
      job_id: null,
      pipeline_id: null,
      deployable_name: null,
      snapshot: JSON.stringify(snapshot),
      rollback_of: null,
    });
    await this.#settle(deployment);
    const work = this.#delete(deployment, snapshot).finally(() => this.#running.delete(work));
    this.#running.add(work);
    return deployment;
  }

  /** Waits for stops under way (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #delete(deployment: DeploymentRow, snapshot: KubernetesSnapshot): Promise<void> {
    let status: 'success' | 'failed' = 'success';
    try {
      const target = await this.#deps.targets.findById(snapshot.targetId);
      if (!target) throw new Error(`target ${snapshot.targetId}, which deployed the environment, is gone`);
      const { kubeConfig } = connectTarget(target, this.#deps.secrets);
      await deleteObjects(
        kubeConfig,
        deletionSteps(snapshot.inventory).flatMap((step) => step.items),
      );
    } catch (error) {
      status = 'failed';
      this.#deps.log(`stopping environment ${deployment.environment_id} failed: ${(error as Error).message}`);
    }
    const finished = await this.#deps.deployments.transition(deployment.id, ['running'], {
      status,
      finished_at: new Date().toISOString(),
    });
    if (finished) await this.#settle(finished);
  }

  async #settle(deployment: DeploymentRow): Promise<void> {
    const environment = await this.#deps.environments.findById(deployment.environment_id);
    if (environment) await this.#deps.recorder.updateEnvironment(deployment, environment, null);
    this.#deps.recorder.publish(deployment);
  }
}

export interface KubernetesTeardownDeps {
  deployments: DeploymentRepository;
  environments: EnvironmentRepository;
  targets: TargetRepository;
  recorder: DeploymentRecorder;
  secrets: SecretBox;
  log: (line: string) => void;
}
