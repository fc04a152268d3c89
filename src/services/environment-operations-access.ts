import { type Actor, mayWrite } from '../domain/actor.ts';
import {
  type KubernetesSnapshot,
  type PodmanSnapshot,
  parseSnapshot,
} from '../domain/deployment-snapshot.ts';
import { forbidden, GantryError, notFound } from '../domain/errors.ts';
import { ACCESS_LEVEL, type ProjectRole } from '../domain/project-role.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository, EnvironmentRow } from '../store/repositories/environment-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { TargetRepository, TargetRow } from '../store/repositories/target-repository.ts';
import type { EnvironmentOperations } from '../targets/environment-operations.ts';
import type { DeploymentPolicy } from './deployment-policy.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** An environment's deployment whose containers can be looked into, with where it went. */
export interface OperableDeployment {
  environment: EnvironmentRow;
  deployment: DeploymentRow;
  snapshot: KubernetesSnapshot | PodmanSnapshot;
  target: TargetRow;
}

/** Opens a target's operations for a deployment (src/targets/environment-operations-opener.ts). */
export type OperationsOpener = (deployment: OperableDeployment) => Promise<EnvironmentOperations>;

/** Reading logs, containers and metrics, or opening a shell. */
export type OperationKind = 'logs' | 'shell';

/** The project, the environment and, when something runs there, its operable deployment. */
export interface AuthorizedEnvironment {
  project: ProjectRow;
  environment: EnvironmentRow;
  current: OperableDeployment | undefined;
}

/**
 * Who may look into a running environment, and what runs there. Logs, containers and metrics
 * need the protected environment's `logs_access` role (reporter when unprotected); a shell needs
 * the project's `shell_access` role (maintainer by default), a token with the `api` scope, and is
 * refused outright in a protected environment whose `shell_enabled` is off.
 */
export class EnvironmentOperationsAccess {
  readonly #deps: EnvironmentOperationsAccessDeps;

  constructor(deps: EnvironmentOperationsAccessDeps) {
    this.#deps = deps;
  }

  /**
   * Checks that the actor may do `kind` in the environment, without looking at what runs there.
   * @throws GantryError('not_found') for a project the actor cannot read or an environment not of
   *   the project; GantryError('forbidden') when the actor's role or token does not allow `kind`.
   */
  async check(
    actor: Actor,
    ref: string,
    environmentId: number,
    kind: OperationKind,
  ): Promise<{ project: ProjectRow; environment: EnvironmentRow }> {
    const project = await this.#deps.access.require(actor, ref, 'read');
    const environment = await this.#deps.environments.findById(environmentId);
    if (!environment || environment.project_id !== project.id) throw notFound('environment');
    const rule = await this.#deps.policy.protectedRuleFor(project.id, environment.name);
    if (kind === 'logs') {
      const role = roleNamed(rule?.logs_access, 'reporter');
      await this.#deps.roles.require(actor, project, role, `reading the logs of ${environment.name}`);
    } else {
      if (rule && rule.shell_enabled === 0) {
        throw forbidden(
          `shells are disabled for the protected environment ${environment.name} (protected environment ${rule.name}: shell_enabled is off)`,
        );
      }
      const role = roleNamed(project.shell_access, 'maintainer');
      await this.#deps.roles.require(actor, project, role, `opening a shell in ${environment.name}`);
      if (!mayWrite(actor)) {
        throw forbidden('this token has the read_api scope; opening a shell needs the api scope');
      }
    }
    return { project, environment };
  }

  /** {@link check}, then what runs in the environment. */
  async authorize(
    actor: Actor,
    ref: string,
    environmentId: number,
    kind: OperationKind,
  ): Promise<AuthorizedEnvironment> {
    const { project, environment } = await this.check(actor, ref, environmentId, kind);
    return { project, environment, current: await this.#operable(environment) };
  }

  /**
   * The operations of what runs in the environment now, for the system (the metrics sampler):
   * undefined when nothing does.
   */
  async openCurrent(environment: EnvironmentRow): Promise<EnvironmentOperations | undefined> {
    const current = await this.#operable(environment);
    return current && this.#deps.open(current);
  }

  /**
   * The deployment whose containers run (or last ran) in the environment: the last one when it
   * went to Kubernetes or Podman (a failed one's crashed containers are what one wants to read),
   * else the last successful one; none when the environment is stopped.
   */
  async #operable(environment: EnvironmentRow): Promise<OperableDeployment | undefined> {
    if (environment.state === 'stopped') return undefined;
    for (const id of new Set([environment.last_deployment_id, environment.last_success_deployment_id])) {
      if (id === null) continue;
      const deployment = await this.#deps.deployments.findById(id);
      if (deployment?.action !== 'start') continue;
      const snapshot = parseSnapshot(deployment.snapshot);
      if (snapshot?.kind !== 'kubernetes' && snapshot?.kind !== 'podman') continue;
      const target = await this.#deps.targets.findById(snapshot.targetId);
      if (!target) {
        throw new GantryError(
          'conflict',
          `the target that deployed environment ${environment.name} (deployment #${deployment.iid}) has been deleted: register it again and re-deploy`,
        );
      }
      return { environment, deployment, snapshot, target };
    }
    return undefined;
  }

  /**
   * The target's operations for the environment's running deployment.
   * @throws GantryError('conflict') when nothing runs there that a target can show.
   */
  open(environment: AuthorizedEnvironment): Promise<EnvironmentOperations> {
    if (!environment.current) throw nothingRuns(environment.environment);
    return this.#deps.open(environment.current);
  }
}

/** The error for an environment with no Kubernetes or Podman deployment to look into. */
export function nothingRuns(environment: EnvironmentRow): GantryError {
  return new GantryError(
    'conflict',
    `nothing runs in environment ${environment.name} that Gantry deployed to a Kubernetes or Podman target`,
  );
}

function roleNamed(value: string | undefined, fallback: ProjectRole): ProjectRole {
  return value !== undefined && value in ACCESS_LEVEL ? (value as ProjectRole) : fallback;
}

export interface EnvironmentOperationsAccessDeps {
  access: ProjectAccess;
  roles: ProjectRoleCheck;
  policy: DeploymentPolicy;
  environments: EnvironmentRepository;
  deployments: DeploymentRepository;
  targets: TargetRepository;
  open: OperationsOpener;
}
