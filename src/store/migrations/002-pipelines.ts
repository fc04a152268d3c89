import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { withId } from './column-types.ts';

/** Pipelines, jobs, runners, CI/CD variables, protected refs, schedules, artifacts, per-project counters. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // Per-project sequence numbers (pipeline iid, later deployment iid), incremented atomically by upsert.
  await db.schema
    .createTable('internal_ids')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('usage', 'text', (c) => c.notNull())
    .addColumn('last_value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('internal_ids_pk', ['project_id', 'usage'])
    .execute();

  await withId(db.schema.createTable('pipelines'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('iid', 'integer', (c) => c.notNull())
    .addColumn('sha', 'text', (c) => c.notNull())
    .addColumn('before_sha', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('tag', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('schedule_id', 'integer')
    .addColumn('rebuild_of', 'integer')
    .addColumn('yaml_errors', 'text')
    .addColumn('variables_encrypted', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('pipelines_project').on('pipelines').columns(['project_id', 'id']).execute();
  await db.schema
    .createIndex('pipelines_project_iid')
    .on('pipelines')
    .columns(['project_id', 'iid'])
    .unique()
    .execute();
  await db.schema.createIndex('pipelines_status').on('pipelines').column('status').execute();

  await withId(db.schema.createTable('jobs'), dialect)
    .addColumn('pipeline_id', 'integer', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('when', 'text', (c) => c.notNull())
    .addColumn('allow_failure', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retried', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    // The planned job (script, needs, artifacts, environment, retry, …) as JSON: immutable after creation.
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('runner_id', 'integer')
    .addColumn('token_hash', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('scheduled_at', 'text')
    .addColumn('queued_at', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('exit_code', 'integer')
    .addColumn('failure_reason', 'text')
    .addColumn('log_size', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dotenv_encrypted', 'text')
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_pipeline').on('jobs').columns(['pipeline_id', 'id']).execute();
  await db.schema.createIndex('jobs_project').on('jobs').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('jobs_status').on('jobs').columns(['status', 'id']).execute();
  await db.schema.createIndex('jobs_token').on('jobs').column('token_hash').execute();

  await db.schema
    .createTable('job_artifacts')
    .addColumn('job_id', 'integer', (c) => c.primaryKey().references('jobs.id').onDelete('cascade'))
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('expire_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('job_artifacts_expire').on('job_artifacts').column('expire_at').execute();

  await withId(db.schema.createTable('runners'), dialect)
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('run_untagged', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('embedded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('contacted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // project_id null = instance-wide variable (admins).
  await withId(db.schema.createTable('ci_variables'), dialect)
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value_encrypted', 'text', (c) => c.notNull())
    .addColumn('variable_type', 'text', (c) => c.notNull())
    .addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('masked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('raw', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('environment_scope', 'text', (c) => c.notNull().defaultTo('*'))
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ci_variables_key')
    .on('ci_variables')
    .columns(['project_id', 'key', 'environment_scope'])
    .unique()
    .execute();

  await withId(db.schema.createTable('protected_refs'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('protected_refs_name')
    .on('protected_refs')
    .columns(['project_id', 'kind', 'name'])
    .unique()
    .execute();

  await withId(db.schema.createTable('pipeline_schedules'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('cron_timezone', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('next_run_at', 'text')
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('variables_encrypted', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pipeline_schedules_next')
    .on('pipeline_schedules')
    .column('next_run_at')
    .execute();
}
