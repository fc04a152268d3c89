import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { DeploymentRow } from './deployment-repository.ts';

/** A blocked deployment with the names a list of deployments awaiting approval shows next to it. */
export type BlockedDeploymentRow = DeploymentRow & { environment_name: string; project_path: string };

/** One decision on a blocked deployment: who decided, and what. */
export interface BlockedDeploymentDecision {
  deployment_id: number;
  user_id: number;
  status: string;
}

/**
 * Queries behind "deployments awaiting my approval": blocked deployments across projects, and the
 * decisions already taken on them. Whether a user may approve depends on each project's rules,
 * which the service applies; blocked deployments are few, since they wait for people.
 */
export class AwaitingApprovalRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #blocked(projectIds: number[] | null) {
    let query = this.#db.selectFrom('deployments as d').where('d.status', '=', 'blocked');
    if (projectIds !== null) query = query.where('d.project_id', 'in', projectIds.length ? projectIds : [-1]);
    return query;
  }

  /**
   * Blocked deployments of `projectIds` (every project when null) on which `userId` has not
   * decided, newest first.
   */
  listUndecided(projectIds: number[] | null, userId: number): Promise<BlockedDeploymentRow[]> {
    return this.#blocked(projectIds)
      .innerJoin('environments as e', 'e.id', 'd.environment_id')
      .innerJoin('projects as p', 'p.id', 'd.project_id')
      .selectAll('d')
      .select(['e.name as environment_name', 'p.path as project_path'])
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('deployment_approvals as a')
              .select('a.id')
              .whereRef('a.deployment_id', '=', 'd.id')
              .where('a.user_id', '=', userId),
          ),
        ),
      )
      .orderBy('d.id', 'desc')
      .execute();
  }

  /** Every decision on the blocked deployments of `projectIds` (every project when null), oldest first. */
  listDecisions(projectIds: number[] | null): Promise<BlockedDeploymentDecision[]> {
    return this.#db
      .selectFrom('deployment_approvals as a')
      .select(['a.deployment_id', 'a.user_id', 'a.status'])
      .where('a.deployment_id', 'in', this.#blocked(projectIds).select('d.id'))
      .orderBy('a.id')
      .execute();
  }
}
