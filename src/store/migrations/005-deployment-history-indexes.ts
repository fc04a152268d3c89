import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * Indexes for a project's deployment history (`GET /projects/:id/deployments`), found with
 * `bench/deployments.bench.ts`. Without statistics SQLite answered `project_id = ? AND
 * environment_id = ?` (the history page's count) from `deployments_project_updated`, reading every
 * deployment of the project, and sorted a whole project's deployments to list it by id. With
 * `(project_id, environment_id, id)` the count is a covering index range and the page an index
 * walk; `(project_id, id)` serves the project-wide history in id order.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createIndex('deployments_project_environment')
    .on('deployments')
    .columns(['project_id', 'environment_id', 'id'])
    .execute();
  await db.schema
    .createIndex('deployments_project_id')
    .on('deployments')
    .columns(['project_id', 'id'])
    .execute();
}
