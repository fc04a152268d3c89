import type { Actor } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import type { ProjectAction } from '../domain/project-role.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import { DEPLOYER_USERNAME, type PullCredentials } from './pull-credentials.ts';
import { denied, unauthorized } from './registry-error.ts';
import { projectPathCandidates, type RepositoryAction } from './registry-path.ts';

/** The username registry clients send with a job token (GitLab's). */
export const JOB_TOKEN_USERNAME = 'gitlab-ci-token';

/** Who a registry request comes from, once its Basic credentials are checked. */
export type RegistryPrincipal =
  | { kind: 'job'; jobId: number; projectId: number }
  | { kind: 'deployer'; projectId: number }
  | { kind: 'user'; actor: Actor };

/** What {@link RegistryAccess} asks of the rest of Gantry. */
export interface RegistryAccessDeps {
  /** A personal access token's user (AuthService.authenticateToken); throws when refused. */
  authenticateToken(token: string): Promise<Actor>;
  /** The running job of a job token (JobService.authenticateJobToken); throws when its job is not running. */
  authenticateJobToken(token: string): Promise<{ id: number; project_id: number }>;
  /** Whether the actor may perform `action` in the project (ProjectAccess.require, as a boolean). */
  mayPerform(actor: Actor, projectId: number, action: ProjectAction): Promise<boolean>;
  /** Whether the actor is at least a maintainer of the project (ProjectRoleCheck.has). */
  isMaintainer(actor: Actor, projectId: number): Promise<boolean>;
  /** The project a repository was recorded in by its first push (RegistryRepository.findRecordedProject). */
  findRecordedProject(name: string): Promise<Pick<ProjectRow, 'id' | 'path'> | undefined>;
  /** The project with the longest lower-cased path among the candidates (RegistryRepository.findProjectByPath). */
  findProjectByPath(candidates: readonly string[]): Promise<Pick<ProjectRow, 'id' | 'path'> | undefined>;
  pullCredentials: PullCredentials;
}

/**
 * Who may do what in the registry. Credentials are HTTP Basic: `gitlab-ci-token` + a running job's
 * token (pull and push in its own project), `gantry-deployer` + a minted pull credential (pull in
 * one project), or any username + a personal access token (pull where the user can read the
 * project, push for developers and up, delete for maintainers; admins everything). A repository
 * belongs to the project it was recorded in by its first push; one not recorded yet, to the project
 * with the longest path its name starts with.
 */
export class RegistryAccess {
  readonly #deps: RegistryAccessDeps;

  constructor(deps: RegistryAccessDeps) {
    this.#deps = deps;
  }

  /** Checks an `Authorization` header; throws a 401 RegistryError for missing or refused credentials. */
  async authenticate(header: string | undefined): Promise<RegistryPrincipal> {
    const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')?.[1];
    if (encoded === undefined) throw unauthorized('authentication required: a username and token');
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw unauthorized('malformed Basic credentials');
    const username = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    if (username === DEPLOYER_USERNAME) {
      const credential = this.#deps.pullCredentials.verify(username, secret);
      if (credential === null) throw unauthorized('the deployer credential is invalid or has expired');
      return { kind: 'deployer', projectId: credential.projectId };
    }
    try {
      if (username === JOB_TOKEN_USERNAME) {
        const job = await this.#deps.authenticateJobToken(secret);
        return { kind: 'job', jobId: job.id, projectId: job.project_id };
      }
      return { kind: 'user', actor: await this.#deps.authenticateToken(secret) };
    } catch (error) {
      if (error instanceof GantryError && error.code === 'unauthorized') throw unauthorized(error.message);
      throw error;
    }
  }

  /**
   * The project of repository `name` if the principal may perform `action` there; throws a 403
   * RegistryError otherwise (the same one whether the project is missing, hidden or needs a higher role).
   */
  async authorize(
    principal: RegistryPrincipal,
    action: RepositoryAction,
    name: string,
  ): Promise<{ id: number; path: string }> {
    // A recorded repository stays with its project: a project created later at a longer matching
    // path (`group/app/web` under `group/app`) must not take over images already pushed.
    const project =
      (await this.#deps.findRecordedProject(name)) ??
      (await this.#deps.findProjectByPath(projectPathCandidates(name)));
    if (project === undefined) throw denied();
    if (!(await this.#allows(principal, action, project.id))) throw denied();
    return project;
  }

  /** Whether the principal may list every repository (`/v2/_catalog`): admins only. */
  mayListCatalog(principal: RegistryPrincipal): boolean {
    return principal.kind === 'user' && principal.actor.isAdmin;
  }

  async #allows(principal: RegistryPrincipal, action: RepositoryAction, projectId: number): Promise<boolean> {
    switch (principal.kind) {
      case 'job':
        return principal.projectId === projectId && action !== 'delete';
      case 'deployer':
        return principal.projectId === projectId && action === 'pull';
      case 'user': {
        const { actor } = principal;
        if (action === 'pull') return this.#deps.mayPerform(actor, projectId, 'read');
        if (!(await this.#deps.mayPerform(actor, projectId, 'push'))) return false;
        return action === 'push' || this.#deps.isMaintainer(actor, projectId);
      }
    }
  }
}
