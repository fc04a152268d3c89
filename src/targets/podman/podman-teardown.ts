import { type PodmanSnapshot, parseSnapshot } from '../../domain/deployment-snapshot.ts';
import type { DeploymentRecorder } from '../../scheduler/deployment-recorder.ts';
import type { DeploymentRepository, DeploymentRow } from '../../store/repositories/deployment-repository.ts';
import type {
  EnvironmentRepository,
  EnvironmentRow,
} from '../../store/repositories/environment-repository.ts';
import type { TargetRepository } from '../../store/repositories/target-repository.ts';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { removePods } from './pod-removal.ts';
import { openPodmanHost, type PodmanAccess } from './podman-connection.ts';

/**
 * Stops an environment deployed by the Podman deployer when no stop job does it: a stop deployment
 * that takes down (as `podman kube down`) what the running deployment played. Its containers and pods go;
 * its named volumes (the claims) stay, with their data, for the next deployment — as `kube down`
 * leaves them. Runs in the background; the stop deployment records the outcome and the environment
 * follows it (stopping → stopped).
 */
export class PodmanTeardown {
  readonly #deps: PodmanTeardownDeps;
  readonly #running = new Set<Promise<void>>();

  constructor(deps: PodmanTeardownDeps) {
    this.#deps = deps;
  }

  /**
   * Starts the stop deployment of an environment whose current deployment is a Podman one;
   * returns it, or undefined when the environment's current deployment is not Podman.
   */
  async stop(environment: EnvironmentRow, userId: number | null): Promise<DeploymentRow | undefined> {
    const current =
      environment.last_success_deployment_id === null
        ? undefined
        : await this.#deps.deployments.findById(environment.last_success_deployment_id);
    const snapshot = parseSnapshot(current?.snapshot ?? null);
    if (!current || snapshot?.kind !== 'podman' || current.action !== 'start') return undefined;
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
    const work = this.#down(deployment, snapshot).finally(() => this.#running.delete(work));
    this.#running.add(work);
    return deployment;
  }

  /** Waits for stops under way (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #down(deployment: DeploymentRow, snapshot: PodmanSnapshot): Promise<void> {
    let status: 'success' | 'failed' = 'success';
    try {
      const target = await this.#deps.targets.findById(snapshot.targetId);
      if (!target) throw new Error(`target ${snapshot.targetId}, which deployed the environment, is gone`);
      const host = await openPodmanHost(target, this.#deps);
      try {
        await removePods(host, snapshot.manifests as KubeObject[]);
      } finally {
        await host.close();
      }
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

export interface PodmanTeardownDeps extends PodmanAccess {
  deployments: DeploymentRepository;
  environments: EnvironmentRepository;
  targets: TargetRepository;
  recorder: DeploymentRecorder;
  log: (line: string) => void;
}
