import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, ProjectHooksTable } from '../schema.ts';

export type ProjectHookRow = Selectable<ProjectHooksTable>;
export type NewProjectHook = Omit<ProjectHookRow, 'id' | 'created_at' | 'secret_encrypted'>;
export type ProjectHookUpdate = Omit<Updateable<ProjectHooksTable>, 'id' | 'project_id' | 'created_at'>;

/** The columns saying which events a hook receives. */
export type HookEventColumn = 'pipeline_events' | 'job_events' | 'deployment_events' | 'release_events';

/** Queries on `project_hooks`; secrets stay encrypted here. */
export class ProjectHookRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** One page of a project's hooks, oldest first. */
  list(projectId: number, page: PageRequest): Promise<ProjectHookRow[]> {
    return this.#db
      .selectFrom('project_hooks')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async count(projectId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('project_hooks')
      .where('project_id', '=', projectId)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  find(projectId: number, id: number): Promise<ProjectHookRow | undefined> {
    return this.#db
      .selectFrom('project_hooks')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findById(id: number): Promise<ProjectHookRow | undefined> {
    return this.#db.selectFrom('project_hooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The project's hooks that receive one kind of event. */
  listSubscribed(projectId: number, column: HookEventColumn): Promise<ProjectHookRow[]> {
    return this.#db
      .selectFrom('project_hooks')
      .selectAll()
      .where('project_id', '=', projectId)
      .where(column, '=', 1)
      .orderBy('id')
      .execute();
  }

  /**
   * Inserts a hook and, in the same transaction, its encrypted secret: the encryption context
   * names the new row's id, which exists only once the row does.
   */
  insert(values: NewProjectHook, encryptSecret: ((id: number) => string) | null): Promise<ProjectHookRow> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('project_hooks')
        .values({ ...values, secret_encrypted: null, created_at: new Date().toISOString() })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (encryptSecret === null) return row;
      return trx
        .updateTable('project_hooks')
        .set({ secret_encrypted: encryptSecret(row.id) })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  update(id: number, values: ProjectHookUpdate): Promise<ProjectHookRow | undefined> {
    return this.#db
      .updateTable('project_hooks')
      .set(values)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Deletes a hook; its delivery log goes with it (foreign key cascade). */
  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('project_hooks').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

/** The project fields a webhook payload shows. */
export interface HookProjectRow {
  id: number;
  name: string;
  path: string;
  description: string;
  default_branch: string;
}

/** A user as payloads show them. */
export interface HookUserRow {
  id: number;
  username: string;
  name: string;
  email: string | null;
}

export interface HookPipelineRow {
  id: number;
  project_id: number;
  iid: number;
  sha: string;
  before_sha: string;
  ref: string;
  tag: number;
  source: string;
  status: string;
  name: string | null;
  user_id: number | null;
  created_at: string;
  finished_at: string | null;
}

export interface HookJobRow {
  id: number;
  pipeline_id: number;
  project_id: number;
  name: string;
  stage: string;
  status: string;
  when: string;
  allow_failure: number;
  user_id: number | null;
  failure_reason: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface HookDeploymentRow {
  id: number;
  project_id: number;
  iid: number;
  sha: string;
  ref: string;
  tag: number;
  status: string;
  action: string;
  user_id: number | null;
  job_id: number | null;
  pipeline_id: number | null;
  environment_id: number;
  environment_name: string;
  environment_slug: string;
  environment_tier: string;
  environment_external_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface HookReleaseRow {
  id: number;
  project_id: number;
  tag_name: string;
  name: string;
  description: string;
  sha: string;
  released_at: string;
  created_at: string;
}

/**
 * Read-only queries that gather what a webhook payload describes (a pipeline, job, deployment or
 * release with its project), so payloads are built from the rows as they are when the event fires.
 */
export class HookSubjectRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  project(id: number): Promise<HookProjectRow | undefined> {
    return this.#db
      .selectFrom('projects')
      .select(['id', 'name', 'path', 'description', 'default_branch'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  user(id: number): Promise<HookUserRow | undefined> {
    return this.#db
      .selectFrom('users')
      .select(['id', 'username', 'name', 'email'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  pipeline(id: number): Promise<HookPipelineRow | undefined> {
    return this.#pipelines().where('id', '=', id).executeTakeFirst();
  }

  /** The jobs of a pipeline (latest attempts only), in stage order. */
  pipelineJobs(pipelineId: number): Promise<HookJobRow[]> {
    return this.#jobs()
      .where('pipeline_id', '=', pipelineId)
      .where('retried', '=', 0)
      .orderBy('stage_index')
      .orderBy('id')
      .execute();
  }

  job(id: number): Promise<HookJobRow | undefined> {
    return this.#jobs().where('id', '=', id).executeTakeFirst();
  }

  deployment(id: number): Promise<HookDeploymentRow | undefined> {
    return this.#deployments().where('deployments.id', '=', id).executeTakeFirst();
  }

  release(id: number): Promise<HookReleaseRow | undefined> {
    return this.#releases().where('id', '=', id).executeTakeFirst();
  }

  /** The project's newest pipeline, job, deployment or release: the sample a hook test sends. */
  latestPipeline(projectId: number): Promise<HookPipelineRow | undefined> {
    return this.#pipelines()
      .where('project_id', '=', projectId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  latestJob(projectId: number): Promise<HookJobRow | undefined> {
    return this.#jobs().where('project_id', '=', projectId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  }

  latestDeployment(projectId: number): Promise<HookDeploymentRow | undefined> {
    return this.#deployments()
      .where('deployments.project_id', '=', projectId)
      .orderBy('deployments.id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  latestRelease(projectId: number): Promise<HookReleaseRow | undefined> {
    return this.#releases()
      .where('project_id', '=', projectId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  #pipelines() {
    return this.#db
      .selectFrom('pipelines')
      .select([
        'id',
        'project_id',
        'iid',
        'sha',
        'before_sha',
        'ref',
        'tag',
        'source',
        'status',
        'name',
        'user_id',
        'created_at',
        'finished_at',
      ]);
  }

  #jobs() {
    return this.#db
      .selectFrom('jobs')
      .select([
        'id',
        'pipeline_id',
        'project_id',
        'name',
        'stage',
        'status',
        'when',
        'allow_failure',
        'user_id',
        'failure_reason',
        'created_at',
        'started_at',
        'finished_at',
      ]);
  }

  #deployments() {
    return this.#db
      .selectFrom('deployments')
      .innerJoin('environments', 'environments.id', 'deployments.environment_id')
      .select([
        'deployments.id',
        'deployments.project_id',
        'deployments.iid',
        'deployments.sha',
        'deployments.ref',
        'deployments.tag',
        'deployments.status',
        'deployments.action',
        'deployments.user_id',
        'deployments.job_id',
        'deployments.pipeline_id',
        'deployments.environment_id',
        'environments.name as environment_name',
        'environments.slug as environment_slug',
        'environments.tier as environment_tier',
        'environments.external_url as environment_external_url',
        'deployments.created_at',
        'deployments.updated_at',
      ]);
  }

  #releases() {
    return this.#db
      .selectFrom('releases')
      .select(['id', 'project_id', 'tag_name', 'name', 'description', 'sha', 'released_at', 'created_at']);
  }
}
