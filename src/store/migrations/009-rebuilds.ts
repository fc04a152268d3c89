import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { withId } from './column-types.ts';

/**
 * Rebuilds of what is deployed (docs/rebuilds.md): a rebuild pipeline names the environments it
 * deploys (`pipelines.rebuild_environments`, a JSON array; null for every other pipeline), the
 * deployments it makes are marked (`deployments.rebuild`), and `rebuild_schedules` start rebuilds
 * on a cron schedule, keeping the outcome of their last run.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('pipelines').addColumn('rebuild_environments', 'text').execute();
  await db.schema
    .alterTable('deployments')
    .addColumn('rebuild', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await withId(db.schema.createTable('rebuild_schedules'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('description', 'text', (c) => c.notNull())
    // JSON array of environment names; null = every environment that runs a deployment.
    .addColumn('environments', 'text')
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('cron_timezone', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('next_run_at', 'text')
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('last_run_at', 'text')
    // success | failed; null before the first run.
    .addColumn('last_run_status', 'text')
    .addColumn('last_run_error', 'text')
    // JSON array of the ids of the pipelines the last run created.
    .addColumn('last_pipeline_ids', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rebuild_schedules_project')
    .on('rebuild_schedules')
    .columns(['project_id', 'id'])
    .execute();
  await db.schema
    .createIndex('rebuild_schedules_next')
    .on('rebuild_schedules')
    .column('next_run_at')
    .execute();
}
