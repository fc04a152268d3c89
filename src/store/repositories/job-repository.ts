import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { JobStatus } from '../../domain/job-status.ts';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, JobsTable } from '../schema.ts';

export type JobRow = Selectable<JobsTable>;
export type JobUpdate = Omit<Updateable<JobsTable>, 'id' | 'pipeline_id' | 'project_id' | 'created_at'>;
export type NewJob = Pick<
  JobRow,
  | 'pipeline_id'
  | 'project_id'
  | 'name'
  | 'stage'
  | 'stage_index'
  | 'status'
  | 'when'
  | 'allow_failure'
  | 'definition'
  | 'tags'
> &
  Partial<Pick<JobRow, 'attempt' | 'user_id'>>;

/** Queries on `jobs`. Status changes are guarded (`WHERE status IN …`) so racing writers cannot undo each other. */
export class JobRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insertMany(jobs: NewJob[]): Promise<JobRow[]> {
    if (jobs.length === 0) return [];
    const now = new Date().toISOString();
    return this.#db
      .insertInto('jobs')
      .values(
        jobs.map((job) => ({
          attempt: 0,
          user_id: null,
          ...job,
          retried: 0,
          log_size: 0,
          created_at: now,
          updated_at: now,
        })),
      )
      .returningAll()
      .execute();
  }

  findById(id: number): Promise<JobRow | undefined> {
    return this.#db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByTokenHash(hash: string): Promise<JobRow | undefined> {
    return this.#db.selectFrom('jobs').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }

  /** Every job of a pipeline, retried attempts included, in creation order. */
  listForPipeline(pipelineId: number): Promise<JobRow[]> {
    return this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('pipeline_id', '=', pipelineId)
      .orderBy('id')
      .execute();
  }

  #projectJobs(projectId: number, scope: JobStatus[] | undefined) {
    let query = this.#db.selectFrom('jobs').where('project_id', '=', projectId);
    if (scope && scope.length > 0) query = query.where('status', 'in', scope);
    return query;
  }

  listForProject(projectId: number, scope: JobStatus[] | undefined, page: PageRequest): Promise<JobRow[]> {
    return this.#projectJobs(projectId, scope)
      .selectAll()
      .orderBy('id', 'desc')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async countForProject(projectId: number, scope: JobStatus[] | undefined): Promise<number> {
    const row = await this.#projectJobs(projectId, scope)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Pending jobs, oldest first: the queue runners take work from. */
  listPending(limit: number): Promise<JobRow[]> {
    return this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Jobs waiting for the deployment gate, in the order they were queued (first come, first served). */
  listWaitingForResource(): Promise<JobRow[]> {
    return this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'waiting_for_resource')
      .orderBy('queued_at')
      .orderBy('id')
      .execute();
  }

  /** A project's jobs in some statuses, oldest first (the queue of a resource group). */
  listForProjectByStatus(projectId: number, statuses: JobStatus[]): Promise<JobRow[]> {
    return this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('status', 'in', statuses)
      .orderBy('id')
      .execute();
  }

  listByStatus(status: JobStatus): Promise<JobRow[]> {
    return this.#db.selectFrom('jobs').selectAll().where('status', '=', status).orderBy('id').execute();
  }

  /** Running jobs whose lease ran out before `now`: their runner is gone. */
  listExpiredLeases(now: string): Promise<JobRow[]> {
    return this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'running')
      .where('lease_expires_at', '<', now)
      .execute();
  }

  /** Delayed jobs whose time has come (`scheduled_at` ≤ now), and the next one due. */
  listDueScheduled(now: string): Promise<JobRow[]> {
    return this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'scheduled')
      .where('scheduled_at', '<=', now)
      .execute();
  }

  async nextScheduledAt(): Promise<string | null> {
    const row = await this.#db
      .selectFrom('jobs')
      .select(sql<string | null>`min(scheduled_at)`.as('next'))
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    return row?.next ?? null;
  }

  /**
   * Changes a job's status only if it is still in one of `from`; returns the updated row, or
   * undefined when another writer got there first.
   */
  transition(
    id: number,
    from: JobStatus[],
    values: JobUpdate & { status: JobStatus },
  ): Promise<JobRow | undefined> {
    return this.#db
      .updateTable('jobs')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  async update(id: number, values: JobUpdate): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /** Marks a job as retried unless it already is; false when another retry got there first. */
  async markRetried(id: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('jobs')
      .set({ retried: 1, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('retried', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Extends the leases of running jobs held by a runner. */
  async renewLeases(runnerId: number, jobIds: number[], until: string): Promise<void> {
    if (jobIds.length === 0) return;
    await this.#db
      .updateTable('jobs')
      .set({ lease_expires_at: until })
      .where('runner_id', '=', runnerId)
      .where('status', '=', 'running')
      .where('id', 'in', jobIds)
      .execute();
  }
}
