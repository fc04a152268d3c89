import type { Actor } from '../domain/actor.ts';
import { parseSnapshot } from '../domain/deployment-snapshot.ts';
import { notFound } from '../domain/errors.ts';
import type { DeploymentRepository } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository } from '../store/repositories/environment-repository.ts';
import type { TargetRepository } from '../store/repositories/target-repository.ts';
import { type EnvironmentPod, readEnvironmentPods } from '../targets/podman/environment-pods.ts';
import { openPodmanHost, type PodmanAccess } from '../targets/podman/podman-connection.ts';
import type { ProjectAccess } from './project-access.ts';

/** `GET /projects/:id/environments/:environment_id/podman`. */
export interface PodmanEnvironmentStatus {
  target: { id: number; name: string };
  pods: EnvironmentPod[];
}

/**
 * What runs of an environment served by a Podman target, read live from its host: the pods
 * labelled as the environment's, their containers with image, digest, state, health, restarts,
 * exit code and published ports. Reporters and up may read it. An environment never deployed by
 * the Podman deployer shows no pods (the host is not asked).
 */
export class PodmanEnvironmentService {
  readonly #deps: PodmanEnvironmentServiceDeps;

  constructor(deps: PodmanEnvironmentServiceDeps) {
    this.#deps = deps;
  }

  /**
   * @throws GantryError('not_found') when the environment is not the project's or its target is
   *   not a Podman one; GantryError('unavailable') when the host cannot be reached.
   */
  async status(actor: Actor, ref: string, environmentId: number): Promise<PodmanEnvironmentStatus> {
    const project = await this.#deps.access.require(actor, ref, 'read');
    const environment = await this.#deps.environments.findById(environmentId);
    if (!environment || environment.project_id !== project.id) throw notFound('environment');
    const target = await this.#deps.targets.findForEnvironment(project.id, environment.name);
    if (target?.kind !== 'podman') throw notFound(`a Podman target serving environment ${environment.name}`);
    const view = { target: { id: target.id, name: target.name } };
    const last =
      environment.last_deployment_id === null
        ? undefined
        : await this.#deps.deployments.findById(environment.last_deployment_id);
    const snapshot = parseSnapshot(last?.snapshot ?? null);
    if (snapshot?.kind !== 'podman') return { ...view, pods: [] };
    const host = await openPodmanHost(target, this.#deps.podman);
    try {
      // The prefix without its final `-` is the environment key its pods are labelled with.
      const key = snapshot.namePrefix.slice(0, -1);
      return { ...view, pods: await readEnvironmentPods(host, key, project.id, snapshot.ports) };
    } finally {
      await host.close();
    }
  }
}

export interface PodmanEnvironmentServiceDeps {
  access: ProjectAccess;
  environments: EnvironmentRepository;
  deployments: DeploymentRepository;
  targets: TargetRepository;
  podman: PodmanAccess;
}
