import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { withId } from './column-types.ts';

/**
 * Environment secrets: per project, a key and an encrypted value for the environments an
 * `environment_scope` (`*`, `review/*`, `production`) matches; the deployer turns the set an
 * environment receives into a Kubernetes Secret. One value per key and scope.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('environment_secrets'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('environment_scope', 'text', (c) => c.notNull().defaultTo('*'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value_encrypted', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('environment_secrets_scope_key')
    .on('environment_secrets')
    .columns(['project_id', 'environment_scope', 'key'])
    .unique()
    .execute();
}
