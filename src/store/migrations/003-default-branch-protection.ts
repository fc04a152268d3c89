import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * `projects.default_branch_protected`: whether the project's default branch counts as protected
 * without a rule of its own (GitLab protects the default branch by default). 1 for every project,
 * existing ones included; a maintainer unprotecting the default branch sets it to 0.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('default_branch_protected', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}
