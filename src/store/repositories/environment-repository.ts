import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { FolderCandidate } from '../../domain/environment-folders.ts';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, EnvironmentsTable } from '../schema.ts';

export type EnvironmentRow = Selectable<EnvironmentsTable>;
export type EnvironmentUpdate = Omit<
  Updateable<EnvironmentsTable>,
  'id' | 'project_id' | 'name' | 'slug' | 'created_at'
>;
export type NewEnvironment = Pick<
  EnvironmentRow,
  'project_id' | 'name' | 'slug' | 'tier' | 'external_url' | 'state' | 'kubernetes_namespace'
>;

export interface EnvironmentFilter {
  name?: string | undefined;
  /** Names starting with this (GitLab's `search`, a prefix match). */
  search?: string | undefined;
  states?: string[] | undefined;
}

/**
 * One cell of the what-runs-where matrix: an environment, its last successful deployment (what
 * runs there) and, as `last_*`, the deployment that ran last whatever its status (running, failed).
 */
export interface MatrixRow {
  project_id: number;
  project_path: string;
  environment_id: number;
  environment_name: string;
  tier: string;
  state: string;
  deployment_id: number | null;
  deployment_iid: number | null;
  sha: string | null;
  ref: string | null;
  tag: number | null;
  finished_at: string | null;
  user_id: number | null;
  username: string | null;
  last_deployment_id: number | null;
  last_deployment_iid: number | null;
  last_status: string | null;
  last_sha: string | null;
  last_ref: string | null;
  last_tag: number | null;
  last_created_at: string | null;
}

/** Queries on `environments`. */
export class EnvironmentRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  findById(id: number): Promise<EnvironmentRow | undefined> {
    return this.#db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByName(projectId: number, name: string): Promise<EnvironmentRow | undefined> {
    return this.#db
      .selectFrom('environments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  /** Inserts; returns undefined when the name is taken (the unique index decides, on any dialect). */
  async insert(values: NewEnvironment): Promise<EnvironmentRow | undefined> {
    const now = new Date().toISOString();
    return this.#db
      .insertInto('environments')
      .values({ ...values, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** The environment of that name, created when absent; concurrent callers get the same row. */
  async findOrCreate(values: NewEnvironment): Promise<{ row: EnvironmentRow; created: boolean }> {
    const inserted = await this.insert(values);
    if (inserted) return { row: inserted, created: true };
    const existing = await this.findByName(values.project_id, values.name);
    if (!existing) throw new Error(`environment ${values.name} vanished while being created`);
    return { row: existing, created: false };
  }

  update(id: number, values: EnvironmentUpdate): Promise<EnvironmentRow | undefined> {
    return this.#db
      .updateTable('environments')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Moves the state only from one of `from` (guarded against concurrent stops and deploys). */
  transition(id: number, from: string[], values: EnvironmentUpdate): Promise<EnvironmentRow | undefined> {
    return this.#db
      .updateTable('environments')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('state', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  #filtered(projectId: number, filter: EnvironmentFilter) {
    let query = this.#db.selectFrom('environments').where('project_id', '=', projectId);
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    if (filter.search !== undefined) {
      // A prefix range instead of LIKE: uses the (project_id, name) index and needs no escaping.
      query = query.where('name', '>=', filter.search).where('name', '<', `${filter.search}\u{10FFFF}`);
    }
    if (filter.states?.length) query = query.where('state', 'in', filter.states);
    return query;
  }

  list(projectId: number, filter: EnvironmentFilter, page: PageRequest): Promise<EnvironmentRow[]> {
    return this.#filtered(projectId, filter)
      .selectAll()
      .orderBy('name')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  /** Id, name and last change of every environment matching `filter`: what folder grouping needs. */
  listForFolders(projectId: number, filter: EnvironmentFilter): Promise<FolderCandidate[]> {
    return this.#filtered(projectId, filter).select(['id', 'name', 'updated_at']).execute();
  }

  async count(projectId: number, filter: EnvironmentFilter): Promise<number> {
    const row = await this.#filtered(projectId, filter)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Available environments whose auto-stop time has come, oldest first. */
  listDueForAutoStop(now: string, limit: number): Promise<EnvironmentRow[]> {
    return this.#db
      .selectFrom('environments')
      .selectAll()
      .where('auto_stop_at', '<=', now)
      .where('state', '=', 'available')
      .orderBy('auto_stop_at')
      .limit(limit)
      .execute();
  }

  /** The earliest pending auto-stop time, for arming the timer. */
  async nextAutoStopAt(): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('environments')
      .select('auto_stop_at')
      .where('auto_stop_at', 'is not', null)
      .where('state', '=', 'available')
      .orderBy('auto_stop_at')
      .limit(1)
      .executeTakeFirst();
    return row?.auto_stop_at ?? undefined;
  }

  /** Available environments not deployed to since `before` (GitLab's stop_stale). */
  listStale(projectId: number, before: string, limit: number): Promise<EnvironmentRow[]> {
    return this.#db
      .selectFrom('environments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('state', '=', 'available')
      .where('updated_at', '<', before)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Stopped environments in a folder (`review`) last changed before `before`. */
  listStoppedInFolder(projectId: number, folder: string, before: string, limit: number) {
    return this.#db
      .selectFrom('environments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('state', '=', 'stopped')
      .where('name', '>=', `${folder}/`)
      .where('name', '<', `${folder}/\u{10FFFF}`)
      .where('updated_at', '<', before)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.#db.deleteFrom('environments').where('id', '=', id).execute();
  }

  /**
   * What runs where: environments of the given projects (all when null) with their last successful
   * deployment, by project path then environment name.
   */
  matrix(projectIds: number[] | null, page: PageRequest): Promise<MatrixRow[]> {
    let query = this.#db
      .selectFrom('environments as e')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .leftJoin('deployments as d', 'd.id', 'e.last_success_deployment_id')
      .leftJoin('users as u', 'u.id', 'd.user_id')
      .leftJoin('deployments as l', 'l.id', 'e.last_deployment_id')
      .select([
        'e.project_id',
        'p.path as project_path',
        'e.id as environment_id',
        'e.name as environment_name',
        'e.tier',
        'e.state',
        'd.id as deployment_id',
        'd.iid as deployment_iid',
        'd.sha',
        'd.ref',
        'd.tag',
        'd.finished_at',
        'd.user_id',
        'u.username',
        'l.id as last_deployment_id',
        'l.iid as last_deployment_iid',
        'l.status as last_status',
        'l.sha as last_sha',
        'l.ref as last_ref',
        'l.tag as last_tag',
        'l.created_at as last_created_at',
      ]);
    if (projectIds !== null) query = query.where('e.project_id', 'in', projectIds.length ? projectIds : [-1]);
    return query.orderBy('p.path').orderBy('e.name').limit(page.perPage).offset(offsetOf(page)).execute();
  }

  async countMatrix(projectIds: number[] | null): Promise<number> {
    let query = this.#db.selectFrom('environments');
    if (projectIds !== null) query = query.where('project_id', 'in', projectIds.length ? projectIds : [-1]);
    const row = await query.select(sql<number>`cast(count(*) as integer)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Several environments by id (those of a page of deployments). */
  findMany(ids: number[]): Promise<EnvironmentRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db.selectFrom('environments').selectAll().where('id', 'in', ids).execute();
  }

  /** The projects a user is a member of, whose environments the matrix shows them. */
  async memberProjectIds(userId: number): Promise<number[]> {
    const rows = await this.#db
      .selectFrom('project_members')
      .select('project_id')
      .where('user_id', '=', userId)
      .execute();
    return rows.map((row) => row.project_id);
  }
}
