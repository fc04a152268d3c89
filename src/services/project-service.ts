import type { Actor } from '../domain/actor.ts';
import { conflict, forbidden, GantryError } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import { validateProjectPath } from '../domain/project-path.ts';
import { ACCESS_LEVEL } from '../domain/project-role.ts';
import type { PushEvent } from '../events/event-bus.ts';
import type { ProjectRepository, ProjectRow } from '../store/repositories/project-repository.ts';
import type { PushEventRepository } from '../store/repositories/push-event-repository.ts';
import type { MirrorService } from './mirror-service.ts';
import type { ProjectAccess } from './project-access.ts';
import type { RepositoryStorage } from './repository-storage.ts';

const BRANCH = /^(?!\/|.*(\.\.|\/\/|@\{|\\|\.lock$|\/$|\.$))[A-Za-z0-9_./-]{1,200}$/;

export interface CreateProjectInput {
  name?: string;
  path: string;
  description?: string;
  default_branch?: string;
  mirror_url?: string;
  mirror_username?: string;
  mirror_password?: string;
}

export interface UpdateProjectInput {
  name?: string;
  description?: string;
  default_branch?: string;
  mirror_url?: string | null;
  mirror_username?: string | null;
  mirror_password?: string | null;
  /** Fail deployment jobs older than the environment's latest successful deployment (GitLab's setting). */
  prevent_outdated_deployment_jobs?: boolean;
  /** The least role that may open a shell into the project's environments. */
  shell_access?: 'maintainer' | 'developer';
}

/** Projects: each a database row plus a bare repository on disk, hosted or mirrored. */
export class ProjectService {
  readonly #projects: ProjectRepository;
  readonly #events: PushEventRepository;
  readonly #access: ProjectAccess;
  readonly #storage: RepositoryStorage;
  readonly #mirrors: MirrorService;

  constructor(deps: {
    projects: ProjectRepository;
    events: PushEventRepository;
    access: ProjectAccess;
    storage: RepositoryStorage;
    mirrors: MirrorService;
  }) {
    this.#projects = deps.projects;
    this.#events = deps.events;
    this.#access = deps.access;
    this.#storage = deps.storage;
    this.#mirrors = deps.mirrors;
  }

  /** Lists the projects the actor is a member of (admins: all), newest first. */
  async list(actor: Actor, page: PageRequest, search?: string): Promise<Page<ProjectRow>> {
    const scope = { memberUserId: actor.isAdmin ? null : actor.userId, search };
    const [items, total] = await Promise.all([this.#projects.list(scope, page), this.#projects.count(scope)]);
    return { items, total, request: page };
  }

  get(actor: Actor, ref: string): Promise<ProjectRow> {
    return this.#access.require(actor, ref, 'read');
  }

  /**
   * Creates a project with its creator as maintainer. A mirror's first fetch runs before the call
   * returns: an unreachable URL or bad credentials fail the request and leave nothing behind.
   */
  async create(actor: Actor, input: CreateProjectInput): Promise<ProjectRow> {
    if (!actor.scopes.includes('api')) throw forbidden('creating a project needs a token with the api scope');
    const path = validateProjectPath(input.path);
    const defaultBranch = checkBranch(input.default_branch ?? 'main');
    if (input.mirror_url === undefined && (input.mirror_username || input.mirror_password)) {
      throw new GantryError('validation_failed', 'mirror credentials need a mirror_url', [
        { path: '/mirror_url', message: 'required when mirror_username or mirror_password is given' },
      ]);
    }
    const mirror = input.mirror_url === undefined ? null : this.#mirrors.checkUrl(input.mirror_url);
    if (await this.#projects.findByPath(path)) throw conflict(`a project at ${path} already exists`);
    await this.#requireEnclosingMaintainer(actor, path);
    let project: ProjectRow;
    try {
      project = await this.#projects.create(
        {
          name: input.name ?? path.split('/').at(-1)!,
          path,
          description: input.description ?? '',
          defaultBranch,
          creatorId: actor.userId,
          mirrorUrl: mirror,
          mirrorUsername: input.mirror_username ?? null,
        },
        { userId: actor.userId, accessLevel: ACCESS_LEVEL.maintainer },
      );
    } catch (error) {
      if (await this.#projects.findByPath(path)) throw conflict(`a project at ${path} already exists`);
      throw error;
    }
    try {
      await this.#storage.create(project.id, defaultBranch);
      if (mirror !== null) {
        project = await this.#mirrors.configure(project, {
          url: mirror,
          username: input.mirror_username ?? null,
          password: input.mirror_password ?? null,
        });
        await this.#mirrors.fetchNow(project, { failOnError: true });
      }
    } catch (error) {
      await this.#projects.delete(project.id);
      await this.#storage.remove(project.id);
      throw error;
    }
    return project;
  }

  /**
   * A project nested in another's path (`group/app/web` in `group/app`) would own the registry names
   * under it (docs/registry.md), so only the enclosing projects' maintainers (and admins) create one.
   */
  async #requireEnclosingMaintainer(actor: Actor, path: string): Promise<void> {
    for (const enclosing of await this.#projects.findEnclosing(path)) {
      await this.#access.require(actor, String(enclosing.id), 'manageProject').catch((error: unknown) => {
        if (!(error instanceof GantryError)) throw error;
        throw forbidden(
          `${path} is inside project ${enclosing.path}: only its maintainers and administrators may create projects under it`,
        );
      });
    }
  }

  /** Updates name, description, default branch or mirror settings; maintainers only. */
  async update(actor: Actor, ref: string, input: UpdateProjectInput): Promise<ProjectRow> {
    let project = await this.#access.require(actor, ref, 'manageProject');
    const defaultBranch = input.default_branch === undefined ? undefined : checkBranch(input.default_branch);
    if (
      input.mirror_url !== undefined ||
      input.mirror_username !== undefined ||
      input.mirror_password !== undefined
    ) {
      project = await this.#mirrors.configure(project, {
        url: input.mirror_url === undefined ? project.mirror_url : input.mirror_url,
        username: input.mirror_username === undefined ? project.mirror_username : input.mirror_username,
        password: input.mirror_password,
      });
    }
    const updated = await this.#projects.update(project.id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(defaultBranch !== undefined && { default_branch: defaultBranch }),
      ...(input.prevent_outdated_deployment_jobs !== undefined && {
        prevent_outdated_deployments: input.prevent_outdated_deployment_jobs ? 1 : 0,
      }),
      ...(input.shell_access !== undefined && { shell_access: input.shell_access }),
    });
    if (defaultBranch !== undefined) await this.#storage.setDefaultBranch(project.id, defaultBranch);
    return updated ?? project;
  }

  /** Deletes the project's record and its repository on disk. */
  async delete(actor: Actor, ref: string): Promise<void> {
    const project = await this.#access.require(actor, ref, 'deleteProject');
    await this.#projects.delete(project.id);
    await this.#storage.remove(project.id);
  }

  async pushEvents(actor: Actor, ref: string, page: PageRequest): Promise<Page<PushEvent>> {
    const project = await this.#access.require(actor, ref, 'read');
    const [items, total] = await Promise.all([
      this.#events.list(project.id, page),
      this.#events.count(project.id),
    ]);
    return { items, total, request: page };
  }
}

function checkBranch(branch: string): string {
  if (!BRANCH.test(branch)) {
    throw new GantryError('validation_failed', `"${branch}" is not a valid branch name`, [
      { path: '/default_branch', message: 'a git branch name such as main' },
    ]);
  }
  return branch;
}
