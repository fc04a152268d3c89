import type { Kysely, Selectable } from 'kysely';
import type { Database, DeploymentApprovalsTable } from '../schema.ts';

export type DeploymentApprovalRow = Selectable<DeploymentApprovalsTable>;

/** An approval or rejection with the user who gave it (null fields once the user is gone). */
export type DeploymentApprovalWithUser = DeploymentApprovalRow & {
  user: { id: number; username: string; name: string };
};

/**
 * Queries on `deployment_approvals`: every decision on a deployment, kept as recorded; rows are
 * never deleted when rules change, so a deployment's history survives them.
 */
export class DeploymentApprovalRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The decisions on a deployment, oldest first. */
  async listForDeployment(deploymentId: number): Promise<DeploymentApprovalWithUser[]> {
    const rows = await this.#db
      .selectFrom('deployment_approvals as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .selectAll('a')
      .select(['u.username as user_username', 'u.name as user_name'])
      .where('a.deployment_id', '=', deploymentId)
      .orderBy('a.id')
      .execute();
    return rows.map(({ user_username, user_name, ...row }) => ({
      ...row,
      user: { id: row.user_id, username: user_username, name: user_name },
    }));
  }

  findByUser(deploymentId: number, userId: number): Promise<DeploymentApprovalRow | undefined> {
    return this.#db
      .selectFrom('deployment_approvals')
      .selectAll()
      .where('deployment_id', '=', deploymentId)
      .where('user_id', '=', userId)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }

  insert(values: {
    deployment_id: number;
    user_id: number;
    status: 'approved' | 'rejected';
    comment: string | null;
  }): Promise<DeploymentApprovalRow> {
    return this.#db
      .insertInto('deployment_approvals')
      .values({ ...values, created_at: new Date().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
