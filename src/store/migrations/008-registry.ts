import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { withId } from './column-types.ts';

/**
 * The image registry's record of pushes: each repository (`group/app/web`, unique) belongs to the
 * project its name resolves to, and each tag holds the digest last pushed to it. The images
 * themselves live in the registry backend.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('registry_repositories'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('registry_repositories_project')
    .on('registry_repositories')
    .columns(['project_id', 'name'])
    .execute();
  await db.schema
    .createTable('registry_tags')
    .addColumn('repository_id', 'integer', (c) =>
      c.notNull().references('registry_repositories.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('pushed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_tags_pkey', ['repository_id', 'name'])
    .execute();
  await db.schema.createIndex('registry_tags_digest').on('registry_tags').columns(['digest']).execute();
}
