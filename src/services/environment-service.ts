import { type Actor, mayWrite } from '../domain/actor.ts';
import { type TopLevelEntry, topLevelEntries } from '../domain/environment-folders.ts';
import { validateEnvironmentName } from '../domain/environment-name.ts';
import { environmentSlug } from '../domain/environment-slug.ts';
import { type DeploymentTier, guessTier } from '../domain/environment-tier.ts';
import { badRequest, conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import { isHttpUrl } from '../domain/http-url.ts';
import { offsetOf, type Page, type PageRequest } from '../domain/pagination.ts';
import type { ProjectRole } from '../domain/project-role.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type {
  EnvironmentFilter,
  EnvironmentRepository,
  EnvironmentRow,
  EnvironmentUpdate,
  MatrixRow,
} from '../store/repositories/environment-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import { type DeploymentRelations, loadDeploymentRelations } from './deployment-relations.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** An environment with the deployments the API shows next to it. */
export interface EnvironmentEntry {
  environment: EnvironmentRow;
  /** The newest deployment, whatever its status. */
  lastDeployment: DeploymentRow | null;
  /** The newest successful deployment (what runs there); only loaded for a single environment. */
  lastSuccessfulDeployment?: DeploymentRow | null;
}

/** A page of environments, with the users, jobs and environments their deployments refer to. */
export interface EnvironmentPage extends Page<EnvironmentEntry> {
  relations: DeploymentRelations;
}

/** One environment and what its deployments refer to. */
export interface EnvironmentDetails {
  entry: EnvironmentEntry;
  relations: DeploymentRelations;
}

export interface EnvironmentInput {
  name: string;
  external_url?: string | null | undefined;
  tier?: DeploymentTier | undefined;
  kubernetes_namespace?: string | null | undefined;
  /** Where the app serves Prometheus metrics (`/metrics`), scraped at the external URL. */
  metrics_path?: string | null | undefined;
}

/** What an update may change; `name` is accepted only unchanged (environments are never renamed). */
export interface EnvironmentChanges {
  name?: string | undefined;
  external_url?: string | null | undefined;
  tier?: DeploymentTier | undefined;
  kubernetes_namespace?: string | null | undefined;
  /** Where the app serves Prometheus metrics (`/metrics`), scraped at the external URL. */
  metrics_path?: string | null | undefined;
}

/** The answer of deleting stopped review apps: what was (or, in a dry run, would be) deleted. */
export interface ReviewAppCleanup {
  scheduled: EnvironmentRow[];
  unprocessable: EnvironmentRow[];
  dryRun: boolean;
}

/** At most this many environments are stopped by one `stop_stale` call, as in GitLab. */
export const STOP_STALE_LIMIT = 100;
/** `review_apps` deletes at most this many per call; 100 unless the caller asks for another limit. */
export const REVIEW_APPS_MAX_LIMIT = 1000;
export const REVIEW_APPS_DEFAULT_LIMIT = 100;
const REVIEW_FOLDER = 'review';
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_URL_LENGTH = 255;

/**
 * Environments of projects (GitLab's environments API, the reading and housekeeping side): list
 * with filters, get with the last deployments, create, update, delete stopped ones, stop stale
 * ones, delete old stopped review apps, and the instance-wide what-runs-where matrix. Reporters
 * read; developers create, update and stop stale environments; maintainers delete. Stopping one
 * environment and deploying belong to the deployment service.
 */
export class EnvironmentService {
  readonly #stop: (environment: EnvironmentRow, userId: number) => Promise<EnvironmentRow>;
  readonly #environments: EnvironmentRepository;
  readonly #deployments: DeploymentRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #now: () => Date;

  constructor(deps: {
    environments: EnvironmentRepository;
    deployments: DeploymentRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    /** Stops one environment as the stop API does (its stop job, if it has one). */
    stop: (environment: EnvironmentRow, userId: number) => Promise<EnvironmentRow>;
    now?: () => Date;
  }) {
    this.#stop = deps.stop;
    this.#environments = deps.environments;
    this.#deployments = deps.deployments;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * A page of a project's environments by name, each with its last deployment. The deployments
   * of the whole page, and what they refer to, are read in a few queries, never one per row.
   */
  async list(
    actor: Actor,
    ref: string,
    filter: EnvironmentFilter,
    page: PageRequest,
  ): Promise<EnvironmentPage> {
    if (filter.name !== undefined && filter.search !== undefined) {
      throw badRequest('name and search are mutually exclusive: give one of them');
    }
    const project = await this.#access.require(actor, ref, 'read');
    const [rows, total] = await Promise.all([
      this.#environments.list(project.id, filter, page),
      this.#environments.count(project.id, filter),
    ]);
    return { ...(await this.#withLastDeployments(rows)), total, request: page };
  }

  /**
   * A page of the top level of a project's environments: environments outside folders and folders
   * (`review`) with their size, each folder standing for its most recently updated environment, by
   * name. Grouping reads only ids, names and times of the matching environments (one indexed
   * query), then the page's environments and deployments as {@link list} does.
   */
  async folders(
    actor: Actor,
    ref: string,
    filter: Pick<EnvironmentFilter, 'search' | 'states'>,
    page: PageRequest,
  ): Promise<Page<TopLevelEntry & { entry: EnvironmentEntry }> & { relations: DeploymentRelations }> {
    const project = await this.#access.require(actor, ref, 'read');
    const entries = topLevelEntries(await this.#environments.listForFolders(project.id, filter));
    const start = offsetOf(page);
    const shown = entries.slice(start, start + page.perPage);
    const rows = await this.#environments.findMany(shown.map((entry) => entry.environmentId));
    const { items, relations } = await this.#withLastDeployments(rows);
    const byId = new Map(items.map((item) => [item.environment.id, item]));
    return {
      items: shown.flatMap((entry) => {
        const item = byId.get(entry.environmentId);
        return item ? [{ ...entry, entry: item }] : [];
      }),
      total: entries.length,
      request: page,
      relations,
    };
  }

  /** Environments with their last deployments, and what those refer to, in a few queries. */
  async #withLastDeployments(
    rows: EnvironmentRow[],
  ): Promise<{ items: EnvironmentEntry[]; relations: DeploymentRelations }> {
    const deployments = await this.#deployments.findMany(
      rows.map((row) => row.last_deployment_id).filter((id): id is number => id !== null),
    );
    const byId = new Map(deployments.map((row) => [row.id, row]));
    const items = rows.map((environment) => ({
      environment,
      lastDeployment:
        environment.last_deployment_id === null ? null : (byId.get(environment.last_deployment_id) ?? null),
    }));
    return { items, relations: await this.#relations(deployments, rows) };
  }

  /** One environment with its last deployment and its last successful deployment. */
  async get(actor: Actor, ref: string, environmentId: number): Promise<EnvironmentDetails> {
    const project = await this.#access.require(actor, ref, 'read');
    return this.#details(await this.#find(project, environmentId));
  }

  /** Creates an environment (developers); the slug is derived and the tier guessed unless given. */
  async create(actor: Actor, ref: string, input: EnvironmentInput): Promise<EnvironmentDetails> {
    const project = await this.#writable(actor, ref, 'developer', 'creating an environment');
    validateEnvironmentName(input.name);
    const externalUrl = checkedUrl(input.external_url ?? null);
    const row = await this.#environments.insert({
      project_id: project.id,
      name: input.name,
      slug: environmentSlug(input.name),
      tier: input.tier ?? guessTier(input.name),
      external_url: externalUrl,
      state: 'available',
      kubernetes_namespace: input.kubernetes_namespace ?? null,
    });
    if (!row) throw conflict(`environment ${input.name} already exists in ${project.path}`);
    return this.#details(row);
  }

  /** Changes an environment's URL, tier or Kubernetes namespace (developers). */
  async update(
    actor: Actor,
    ref: string,
    environmentId: number,
    changes: EnvironmentChanges,
  ): Promise<EnvironmentDetails> {
    const project = await this.#writable(actor, ref, 'developer', 'changing an environment');
    const environment = await this.#find(project, environmentId);
    if (changes.name !== undefined && changes.name !== environment.name) {
      throw new GantryError(
        'validation_failed',
        `environment ${environment.name} cannot be renamed: create a new environment named ${changes.name} instead`,
        [{ path: '/name', message: 'environment names cannot change' }],
      );
    }
    const values: EnvironmentUpdate = {};
    if (changes.external_url !== undefined) values.external_url = checkedUrl(changes.external_url);
    if (changes.tier !== undefined) values.tier = changes.tier;
    if (changes.kubernetes_namespace !== undefined)
      values.kubernetes_namespace = changes.kubernetes_namespace;
    if (changes.metrics_path !== undefined) {
      // Gantry itself fetches this path every few seconds: who points it somewhere is a maintainer.
      await this.#roles.require(actor, project, 'maintainer', 'setting the metrics path of an environment');
      values.metrics_path = changes.metrics_path;
    }
    const updated = await this.#environments.update(environment.id, values);
    if (!updated) throw notFound('environment');
    return this.#details(updated);
  }

  /**
   * Deletes a stopped environment with its deployments (maintainers). An environment still
   * available or stopping must be stopped first, so nothing is left running unrecorded.
   */
  async delete(actor: Actor, ref: string, environmentId: number): Promise<void> {
    const project = await this.#writable(actor, ref, 'maintainer', 'deleting an environment');
    const environment = await this.#find(project, environmentId);
    if (environment.state !== 'stopped') {
      throw conflict(
        `environment ${environment.name} is ${environment.state}: stop it first, then delete it`,
      );
    }
    await this.#environments.delete(environment.id);
  }

  /**
   * Stops available environments not updated (deployed to or changed) since `before`, which must
   * lie in the past; at most {@link STOP_STALE_LIMIT} per call (developers). Each is stopped as
   * `POST …/stop` would: by its stop job when it has one (it is `stopping` until that ends).
   */
  async stopStale(actor: Actor, ref: string, before: string): Promise<{ stopped: number; more: boolean }> {
    const project = await this.#writable(actor, ref, 'developer', 'stopping stale environments');
    const cutoff = this.#pastDate(before, 'before');
    const stale = await this.#environments.listStale(project.id, cutoff, STOP_STALE_LIMIT);
    let stopped = 0;
    for (const environment of stale) {
      const after = await this.#stop(environment, actor.userId);
      if (after.state !== 'available') stopped++;
    }
    return { stopped, more: stale.length === STOP_STALE_LIMIT };
  }

  /**
   * GitLab's "delete stopped review apps": stopped environments in the `review` folder last
   * updated before `before` (default 30 days ago), at most `limit` of them. A dry run (the
   * default) only lists them (maintainers).
   */
  async deleteReviewApps(
    actor: Actor,
    ref: string,
    options: { before?: string | undefined; limit?: number | undefined; dryRun?: boolean | undefined },
  ): Promise<ReviewAppCleanup> {
    const project = await this.#writable(actor, ref, 'maintainer', 'deleting review apps');
    const before =
      options.before === undefined
        ? new Date(this.#now().getTime() - 30 * DAY_MS).toISOString()
        : this.#pastDate(options.before, 'before');
    const limit = options.limit ?? REVIEW_APPS_DEFAULT_LIMIT;
    const dryRun = options.dryRun ?? true;
    const candidates = await this.#environments.listStoppedInFolder(project.id, REVIEW_FOLDER, before, limit);
    if (dryRun) return { scheduled: candidates, unprocessable: [], dryRun };
    const scheduled: EnvironmentRow[] = [];
    const unprocessable: EnvironmentRow[] = [];
    for (const environment of candidates) {
      // Re-read: one deployed to since it was listed is no longer stopped and is kept.
      const current = await this.#environments.findById(environment.id);
      if (current?.state !== 'stopped') {
        unprocessable.push(environment);
        continue;
      }
      await this.#environments.delete(environment.id);
      scheduled.push(environment);
    }
    return { scheduled, unprocessable, dryRun };
  }

  /**
   * What runs where: environments (with their last successful deployment) of every project for
   * admins, of the projects the actor is a member of for everyone else, by project path and
   * environment name. `projectRef` narrows it to one project the actor can read.
   */
  async matrix(actor: Actor, page: PageRequest, projectRef?: string): Promise<Page<MatrixRow>> {
    let projectIds: number[] | null;
    if (projectRef !== undefined) {
      projectIds = [(await this.#access.require(actor, projectRef, 'read')).id];
    } else {
      projectIds = actor.isAdmin ? null : await this.#environments.memberProjectIds(actor.userId);
    }
    if (projectIds?.length === 0) return { items: [], total: 0, request: page };
    const [items, total] = await Promise.all([
      this.#environments.matrix(projectIds, page),
      this.#environments.countMatrix(projectIds),
    ]);
    return { items, total, request: page };
  }

  async #find(project: ProjectRow, environmentId: number): Promise<EnvironmentRow> {
    const environment = await this.#environments.findById(environmentId);
    if (!environment || environment.project_id !== project.id) throw notFound('environment');
    return environment;
  }

  async #details(environment: EnvironmentRow): Promise<EnvironmentDetails> {
    const ids = [environment.last_deployment_id, environment.last_success_deployment_id].filter(
      (id): id is number => id !== null,
    );
    const deployments = await this.#deployments.findMany([...new Set(ids)]);
    const find = (id: number | null) =>
      id === null ? null : (deployments.find((row) => row.id === id) ?? null);
    return {
      entry: {
        environment,
        lastDeployment: find(environment.last_deployment_id),
        lastSuccessfulDeployment: find(environment.last_success_deployment_id),
      },
      relations: await this.#relations(deployments, [environment]),
    };
  }

  #relations(deployments: DeploymentRow[], environments: EnvironmentRow[]): Promise<DeploymentRelations> {
    return loadDeploymentRelations(
      { deployments: this.#deployments, environments: this.#environments },
      deployments,
      environments,
    );
  }

  /** The project, if the actor has `role` there and a credential that may write. */
  async #writable(actor: Actor, ref: string, role: ProjectRole, what: string): Promise<ProjectRow> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, role, what);
    if (!mayWrite(actor)) {
      throw forbidden('this token has the read_api scope; changing anything needs the api scope');
    }
    return project;
  }

  /** A date in the past, as an ISO timestamp; `field` names it in the error. */
  #pastDate(text: string, field: string): string {
    const time = Date.parse(text);
    const fail = (why: string): never => {
      throw new GantryError('validation_failed', `${field} ${why}, got "${text}"`, [
        { path: `/${field}`, message: why },
      ]);
    };
    if (Number.isNaN(time)) fail('must be an ISO 8601 date such as 2026-01-31T00:00:00Z');
    if (time >= this.#now().getTime()) fail('must be in the past');
    return new Date(time).toISOString();
  }
}

/** An external URL: http or https only (it is shown as a link), at most 255 characters. */
function checkedUrl(url: string | null): string | null {
  if (url === null) return null;
  const fail = (): never => {
    throw new GantryError('validation_failed', `external_url must be an http or https URL, got "${url}"`, [
      { path: '/external_url', message: 'an http:// or https:// URL of at most 255 characters' },
    ]);
  };
  if (url.length > MAX_URL_LENGTH || !isHttpUrl(url)) fail();
  return url;
}
