import {
  type AnsibleSnapshot,
  type DeploymentSnapshot,
  type KubernetesSnapshot,
  type PodmanSnapshot,
  parseSnapshot,
  type S3Snapshot,
  type SftpSnapshot,
  type SshSnapshot,
} from '../domain/deployment-snapshot.ts';
import type { DeploymentRecorder } from '../scheduler/deployment-recorder.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository, EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { TargetRepository, TargetRow } from '../store/repositories/target-repository.ts';

/** Snapshots of the built-in deployers, whose stop takes down what they put on their target. */
type TornDownSnapshot =
  | KubernetesSnapshot
  | PodmanSnapshot
  | SshSnapshot
  | S3Snapshot
  | SftpSnapshot
  | AnsibleSnapshot;

function isTornDown(snapshot: DeploymentSnapshot): snapshot is TornDownSnapshot {
  return snapshot.kind !== 'script' && snapshot.kind !== 'external' && snapshot.kind !== 'maven';
}

/** How each built-in deployer takes down what a deployment of its own put on its target. */
export interface TeardownSteps {
  kubernetes(target: TargetRow, snapshot: KubernetesSnapshot): Promise<void>;
  podman(target: TargetRow, snapshot: PodmanSnapshot): Promise<void>;
  ssh(target: TargetRow, snapshot: SshSnapshot): Promise<void>;
  s3(target: TargetRow, snapshot: S3Snapshot): Promise<void>;
  sftp(target: TargetRow, snapshot: SftpSnapshot): Promise<void>;
  /** The project's repository holds the playbook the stop runs. */
  ansible(target: TargetRow, snapshot: AnsibleSnapshot, projectId: number): Promise<void>;
}

export interface TargetTeardownDeps {
  deployments: Pick<DeploymentRepository, 'findById' | 'insert' | 'transition'>;
  environments: Pick<EnvironmentRepository, 'findById'>;
  targets: Pick<TargetRepository, 'findById'>;
  recorder: Pick<DeploymentRecorder, 'updateEnvironment' | 'publish'>;
  steps: TeardownSteps;
  log: (line: string) => void;
}

/**
 * Stops an environment deployed by a built-in deployer (Kubernetes, Podman) when no stop job does
 * it: a stop deployment that takes down, by the running deployment's snapshot, what that deployment
 * put on its target (the target kind's step says how). The step runs in the background; the stop
 * deployment records its outcome and the environment follows it (stopping → stopped).
 */
export class TargetTeardown {
  readonly #deps: TargetTeardownDeps;
  readonly #running = new Set<Promise<void>>();

  constructor(deps: TargetTeardownDeps) {
    this.#deps = deps;
  }

  /**
   * Starts the stop deployment of an environment whose current deployment a built-in deployer
   * made; returns it, or undefined when the environment's current deployment is not such a one.
   */
  async stop(environment: EnvironmentRow, userId: number | null): Promise<DeploymentRow | undefined> {
    const current =
      environment.last_success_deployment_id === null
        ? undefined
        : await this.#deps.deployments.findById(environment.last_success_deployment_id);
    const snapshot = parseSnapshot(current?.snapshot ?? null);
    if (current?.action !== 'start') return undefined;
    if (snapshot === null || !isTornDown(snapshot)) return undefined;
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
    // Recording the outcome may fail too (the database gone): logged, never an unhandled rejection.
    const work = this.#takeDown(deployment, snapshot)
      .catch((error: unknown) =>
        this.#deps.log(`recording the stop of environment ${deployment.environment_id}: ${String(error)}`),
      )
      .finally(() => this.#running.delete(work));
    this.#running.add(work);
    return deployment;
  }

  /** Waits for stops under way (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #takeDown(deployment: DeploymentRow, snapshot: TornDownSnapshot): Promise<void> {
    let status: 'success' | 'failed' = 'success';
    try {
      const target = await this.#deps.targets.findById(snapshot.targetId);
      if (!target) throw new Error(`target ${snapshot.targetId}, which deployed the environment, is gone`);
      const { steps } = this.#deps;
      if (snapshot.kind === 'kubernetes') await steps.kubernetes(target, snapshot);
      else if (snapshot.kind === 'podman') await steps.podman(target, snapshot);
      else if (snapshot.kind === 'ssh') await steps.ssh(target, snapshot);
      else if (snapshot.kind === 's3') await steps.s3(target, snapshot);
      else if (snapshot.kind === 'sftp') await steps.sftp(target, snapshot);
      else await steps.ansible(target, snapshot, deployment.project_id);
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
