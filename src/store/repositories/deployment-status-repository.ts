import type { Kysely, Selectable } from 'kysely';
import type { Database, DeploymentStatusesTable } from '../schema.ts';

export type DeploymentStatusRow = Selectable<DeploymentStatusesTable>;
export type NewDeploymentStatus = Omit<DeploymentStatusRow, 'id' | 'created_at'>;

/** Queries on `deployment_statuses`: what external deployers reported, oldest first. */
export class DeploymentStatusRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  insert(values: NewDeploymentStatus): Promise<DeploymentStatusRow> {
    return this.#db
      .insertInto('deployment_statuses')
      .values({ ...values, created_at: new Date().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listForDeployment(deploymentId: number): Promise<DeploymentStatusRow[]> {
    return this.#db
      .selectFrom('deployment_statuses')
      .selectAll()
      .where('deployment_id', '=', deploymentId)
      .orderBy('id')
      .limit(1000)
      .execute();
  }
}
