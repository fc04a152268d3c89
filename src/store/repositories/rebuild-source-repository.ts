import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * An environment of a project and what runs there: its last successful deployment (the commit a
 * rebuild starts from), or nulls when none succeeded yet.
 */
export interface RebuildSourceRow {
  environment_id: number;
  name: string;
  state: string;
  deployment_id: number | null;
  sha: string | null;
  ref: string | null;
  tag: number | null;
}

/** The query behind rebuilds: every environment of a project with the commit it runs. */
export class RebuildSourceRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Every environment of the project, by name, with its last successful deployment's commit. */
  listEnvironments(projectId: number): Promise<RebuildSourceRow[]> {
    return this.#db
      .selectFrom('environments')
      .leftJoin('deployments', 'deployments.id', 'environments.last_success_deployment_id')
      .select([
        'environments.id as environment_id',
        'environments.name',
        'environments.state',
        'deployments.id as deployment_id',
        'deployments.sha',
        'deployments.ref',
        'deployments.tag',
      ])
      .where('environments.project_id', '=', projectId)
      .orderBy('environments.name')
      .execute();
  }
}
