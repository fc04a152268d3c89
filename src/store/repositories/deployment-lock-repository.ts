import type { Kysely, Selectable } from 'kysely';
import type { Database, DeploymentLocksTable } from '../schema.ts';

export type DeploymentLockRow = Selectable<DeploymentLocksTable>;

/** A lock with what the API shows about its holder: the job, its status and its lease. */
export type DeploymentLockView = DeploymentLockRow & {
  job_name: string | null;
  job_status: string | null;
  lease_expires_at: string | null;
  runner_id: number | null;
};

/** Jobs in these statuses hold their locks; any other holder is gone and its lock is stale. */
const HOLDING_STATUSES = ['pending', 'running'];

/** Queries on `deployment_locks`: acquisition is an insert the primary key makes exclusive. */
export class DeploymentLockRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Takes the lock for a job; false when someone else holds it. */
  async acquire(
    key: string,
    projectId: number,
    jobId: number,
    deploymentId: number | null,
  ): Promise<boolean> {
    const row = await this.#db
      .insertInto('deployment_locks')
      .values({
        key,
        project_id: projectId,
        holder_job_id: jobId,
        holder_deployment_id: deploymentId,
        acquired_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Releases every lock a job holds; returns how many. */
  async releaseHeldBy(jobId: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('deployment_locks')
      .where('holder_job_id', '=', jobId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Releases one lock if `jobId` still holds it (an admin's release names the holder they saw). */
  async release(key: string, jobId: number): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('deployment_locks')
      .where('key', '=', key)
      .where('holder_job_id', '=', jobId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Releases a lock whoever holds it (an admin's decision); returns the row released. */
  forceRelease(key: string): Promise<DeploymentLockRow | undefined> {
    return this.#db.deleteFrom('deployment_locks').where('key', '=', key).returningAll().executeTakeFirst();
  }

  /** Drops locks whose holder job ended or vanished (a holder that died ends as `failed` by its lease). */
  async releaseStale(): Promise<number> {
    const result = await this.#db
      .deleteFrom('deployment_locks')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('jobs')
              .select('jobs.id')
              .whereRef('jobs.id', '=', 'deployment_locks.holder_job_id')
              .where('jobs.status', 'in', HOLDING_STATUSES),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  find(key: string): Promise<DeploymentLockView | undefined> {
    return this.#viewQuery().where('l.key', '=', key).executeTakeFirst();
  }

  listForProject(projectId: number): Promise<DeploymentLockView[]> {
    return this.#viewQuery().where('l.project_id', '=', projectId).orderBy('l.key').execute();
  }

  #viewQuery() {
    return this.#db
      .selectFrom('deployment_locks as l')
      .leftJoin('jobs as j', 'j.id', 'l.holder_job_id')
      .selectAll('l')
      .select(['j.name as job_name', 'j.status as job_status', 'j.lease_expires_at', 'j.runner_id']);
  }
}
