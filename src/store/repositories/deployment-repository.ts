import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, DeploymentsTable } from '../schema.ts';
import { InternalIdRepository } from './internal-id-repository.ts';

export type DeploymentRow = Selectable<DeploymentsTable>;
export type DeploymentUpdate = Omit<
  Updateable<DeploymentsTable>,
  'id' | 'project_id' | 'iid' | 'environment_id' | 'created_at'
>;
export type NewDeployment = Omit<
  DeploymentRow,
  | 'id'
  | 'iid'
  | 'created_at'
  | 'updated_at'
  | 'finished_at'
  | 'external_state'
  | 'freeze_override_reason'
  | 'freeze_override_by'
  | 'secret_values_encrypted'
  | 'rollout_state'
  | 'rebuild'
> &
  Partial<Pick<DeploymentRow, 'freeze_override_reason' | 'freeze_override_by' | 'rebuild'>>;

/** A deployment with the names a list shows next to it. */
export type DeploymentListRow = DeploymentRow & { environment_name: string };

export interface DeploymentFilter {
  environmentId?: number | undefined;
  status?: string | undefined;
  updatedAfter?: string | undefined;
  updatedBefore?: string | undefined;
}

export const DEPLOYMENT_ORDER_COLUMNS = [
  'id',
  'iid',
  'created_at',
  'updated_at',
  'finished_at',
  'ref',
] as const;
export type DeploymentOrder = {
  by: (typeof DEPLOYMENT_ORDER_COLUMNS)[number];
  sort: 'asc' | 'desc';
};

/** Queries on `deployments`. */
export class DeploymentRepository {
  readonly #db: Kysely<Database>;
  readonly #iids: InternalIdRepository;

  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#iids = new InternalIdRepository(db);
  }

  async insert(values: NewDeployment): Promise<DeploymentRow> {
    const iid = await this.#iids.next(values.project_id, 'deployments');
    const now = new Date().toISOString();
    return this.#db
      .insertInto('deployments')
      .values({ ...values, iid, created_at: now, updated_at: now, finished_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findById(id: number): Promise<DeploymentRow | undefined> {
    return this.#db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByJobId(jobId: number): Promise<DeploymentRow | undefined> {
    return this.#db.selectFrom('deployments').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  }

  update(id: number, values: DeploymentUpdate): Promise<DeploymentRow | undefined> {
    return this.#db
      .updateTable('deployments')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Records a snapshot unless one is there: a target that records its own (Kubernetes) must not be
   * overwritten by the generic one the recorder writes when the job starts.
   */
  async setSnapshotIfNone(id: number, snapshot: string): Promise<void> {
    await this.#db
      .updateTable('deployments')
      .set({ snapshot, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('snapshot', 'is', null)
      .execute();
  }

  /** Changes the status only from one of `from`: concurrent updates cannot both win. */
  transition(id: number, from: string[], values: DeploymentUpdate): Promise<DeploymentRow | undefined> {
    return this.#db
      .updateTable('deployments')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  #filtered(projectId: number, filter: DeploymentFilter) {
    let query = this.#db.selectFrom('deployments as d').where('d.project_id', '=', projectId);
    if (filter.environmentId !== undefined)
      query = query.where('d.environment_id', '=', filter.environmentId);
    if (filter.status !== undefined) query = query.where('d.status', '=', filter.status);
    if (filter.updatedAfter !== undefined) query = query.where('d.updated_at', '>', filter.updatedAfter);
    if (filter.updatedBefore !== undefined) query = query.where('d.updated_at', '<', filter.updatedBefore);
    return query;
  }

  list(
    projectId: number,
    filter: DeploymentFilter,
    order: DeploymentOrder,
    page: PageRequest,
  ): Promise<DeploymentListRow[]> {
    let query = this.#filtered(projectId, filter)
      .innerJoin('environments as e', 'e.id', 'd.environment_id')
      .selectAll('d')
      .select('e.name as environment_name')
      .orderBy(`d.${order.by}`, order.sort);
    if (order.by !== 'id') query = query.orderBy('d.id', order.sort);
    return query.limit(page.perPage).offset(offsetOf(page)).execute();
  }

  async count(projectId: number, filter: DeploymentFilter): Promise<number> {
    const row = await this.#filtered(projectId, filter)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  findByIid(projectId: number, iid: number): Promise<DeploymentRow | undefined> {
    return this.#db
      .selectFrom('deployments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('iid', '=', iid)
      .executeTakeFirst();
  }

  /** Several deployments by id (the last deployments of a page of environments). */
  findMany(ids: number[]): Promise<DeploymentRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db.selectFrom('deployments').selectAll().where('id', 'in', ids).execute();
  }

  /** The deployments of a pipeline (for auto-deploy and the deploy trigger). */
  listForPipeline(pipelineId: number): Promise<DeploymentRow[]> {
    return this.#db
      .selectFrom('deployments')
      .selectAll()
      .where('pipeline_id', '=', pipelineId)
      .orderBy('id')
      .execute();
  }

  /** Deployments of unfinished status whose job may have moved on (recovery after a restart). */
  listUnfinishedWithJob(): Promise<DeploymentRow[]> {
    return this.#db
      .selectFrom('deployments')
      .selectAll()
      .where('status', 'in', ['created', 'blocked', 'running'])
      .where('job_id', 'is not', null)
      .orderBy('id')
      .execute();
  }

  /** An environment's successful start deployments, newest first (where to look for a stop job). */
  recentSuccessfulStarts(environmentId: number, limit: number): Promise<DeploymentRow[]> {
    return this.#db
      .selectFrom('deployments')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('status', '=', 'success')
      .where('action', '=', 'start')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** GitHub's auto_inactive: earlier deployments an external deployer reported live are live no more. */
  async markInactive(environmentId: number, exceptId: number): Promise<number[]> {
    const rows = await this.#db
      .updateTable('deployments')
      .set({ external_state: 'inactive', updated_at: new Date().toISOString() })
      .where('environment_id', '=', environmentId)
      .where('external_state', '=', 'success')
      .where('id', '!=', exceptId)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Environments whose current deployment came from a branch (stopped when the branch is deleted). */
  listEnvironmentIdsDeployedFrom(projectId: number, branch: string): Promise<Array<{ id: number }>> {
    return this.#db
      .selectFrom('environments as e')
      .innerJoin('deployments as d', 'd.id', 'e.last_success_deployment_id')
      .select('e.id')
      .where('e.project_id', '=', projectId)
      .where('e.state', '=', 'available')
      .where('d.ref', '=', branch)
      .where('d.tag', '=', 0)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.#db.deleteFrom('deployments').where('id', '=', id).execute();
  }

  /** The users behind a page of deployments, in one query (deleted users are simply absent). */
  findUsers(ids: number[]): Promise<Array<{ id: number; username: string; name: string }>> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db
      .selectFrom('users')
      .select(['id', 'username', 'name'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
  }

  /** The jobs behind a page of deployments (their `deployable`), in one query. */
  findJobs(ids: number[]): Promise<Array<{ id: number; name: string; status: string }>> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#db
      .selectFrom('jobs')
      .select(['id', 'name', 'status'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
  }
}
