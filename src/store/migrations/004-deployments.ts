import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { withId } from './column-types.ts';

/**
 * Environments and deployments, and everything that governs them: locks and resource groups,
 * protected environments and approvals, freeze periods, auto-deploy rules, releases, targets
 * (external deployers), outgoing webhooks with their delivery log, and the audit log.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('prevent_outdated_deployments', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await withId(db.schema.createTable('environments'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('external_url', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('kubernetes_namespace', 'text')
    .addColumn('auto_stop_at', 'text')
    // Denormalized so lists and the what-runs-where matrix need no per-row subquery.
    .addColumn('last_deployment_id', 'integer')
    .addColumn('last_success_deployment_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('environments_project_name')
    .on('environments')
    .columns(['project_id', 'name'])
    .unique()
    .execute();
  await db.schema.createIndex('environments_auto_stop').on('environments').column('auto_stop_at').execute();

  await withId(db.schema.createTable('deployments'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('iid', 'integer', (c) => c.notNull())
    .addColumn('environment_id', 'integer', (c) =>
      c.notNull().references('environments.id').onDelete('cascade'),
    )
    .addColumn('sha', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('tag', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    // The job behind the deployment; null for deployments recorded by external tools over the API.
    .addColumn('job_id', 'integer', (c) => c.references('jobs.id').onDelete('set null'))
    .addColumn('pipeline_id', 'integer', (c) => c.references('pipelines.id').onDelete('set null'))
    .addColumn('deployable_name', 'text')
    // JSON: what the deployment applied (see src/domain/deployment-snapshot.ts); immutable once written.
    .addColumn('snapshot', 'text')
    .addColumn('rollback_of', 'integer')
    // The last state an external deployer reported (GitHub Deployments vocabulary), if any.
    .addColumn('external_state', 'text')
    .addColumn('freeze_override_reason', 'text')
    .addColumn('freeze_override_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('deployments_project_iid')
    .on('deployments')
    .columns(['project_id', 'iid'])
    .unique()
    .execute();
  await db.schema
    .createIndex('deployments_environment')
    .on('deployments')
    .columns(['environment_id', 'id'])
    .execute();
  await db.schema
    .createIndex('deployments_environment_status')
    .on('deployments')
    .columns(['environment_id', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('deployments_project_updated')
    .on('deployments')
    .columns(['project_id', 'updated_at'])
    .execute();
  await db.schema.createIndex('deployments_job').on('deployments').column('job_id').execute();
  await db.schema.createIndex('deployments_pipeline').on('deployments').column('pipeline_id').execute();

  await withId(db.schema.createTable('deployment_statuses'), dialect)
    .addColumn('deployment_id', 'integer', (c) =>
      c.notNull().references('deployments.id').onDelete('cascade'),
    )
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('log_url', 'text')
    .addColumn('environment_url', 'text')
    .addColumn('creator_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deployment_statuses_deployment')
    .on('deployment_statuses')
    .columns(['deployment_id', 'id'])
    .execute();

  await withId(db.schema.createTable('deployment_approvals'), dialect)
    .addColumn('deployment_id', 'integer', (c) =>
      c.notNull().references('deployments.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deployment_approvals_deployment')
    .on('deployment_approvals')
    .columns(['deployment_id', 'id'])
    .execute();

  // name is an environment name or a glob (`review/*`); deploy_access and approvers are JSON Grant[].
  await withId(db.schema.createTable('protected_environments'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('deploy_access', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('approvers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('required_approvals', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allow_self_approval', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('protected_environments_name')
    .on('protected_environments')
    .columns(['project_id', 'name'])
    .unique()
    .execute();

  // project_id null = instance-wide (admins).
  await withId(db.schema.createTable('freeze_periods'), dialect)
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('freeze_start', 'text', (c) => c.notNull())
    .addColumn('freeze_end', 'text', (c) => c.notNull())
    .addColumn('cron_timezone', 'text', (c) => c.notNull())
    .addColumn('environment_scope', 'text', (c) => c.notNull().defaultTo('*'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('freeze_periods_project').on('freeze_periods').column('project_id').execute();

  await withId(db.schema.createTable('resource_groups'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('process_mode', 'text', (c) => c.notNull().defaultTo('unordered'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('resource_groups_key')
    .on('resource_groups')
    .columns(['project_id', 'key'])
    .unique()
    .execute();

  // One row per held lock; the primary key makes acquisition a race-free insert on every dialect.
  await db.schema
    .createTable('deployment_locks')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('holder_job_id', 'integer', (c) => c.notNull())
    .addColumn('holder_deployment_id', 'integer')
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deployment_locks_holder')
    .on('deployment_locks')
    .column('holder_job_id')
    .execute();

  await withId(db.schema.createTable('auto_deploy_rules'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('environment_id', 'integer', (c) =>
      c.notNull().references('environments.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('auto_deploy_rules_ref')
    .on('auto_deploy_rules')
    .columns(['project_id', 'ref', 'environment_id'])
    .unique()
    .execute();

  await withId(db.schema.createTable('releases'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('tag_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sha', 'text', (c) => c.notNull())
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('released_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('releases_tag')
    .on('releases')
    .columns(['project_id', 'tag_name'])
    .unique()
    .execute();

  await withId(db.schema.createTable('release_links'), dialect)
    .addColumn('release_id', 'integer', (c) => c.notNull().references('releases.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('link_type', 'text', (c) => c.notNull().defaultTo('other'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('release_links_release').on('release_links').column('release_id').execute();

  // Where environments run. project_id null = instance-wide (admins). config is JSON per kind.
  await withId(db.schema.createTable('targets'), dialect)
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('environment_scope', 'text', (c) => c.notNull().defaultTo('*'))
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('secret_encrypted', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('targets_project').on('targets').column('project_id').execute();

  await withId(db.schema.createTable('project_hooks'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret_encrypted', 'text')
    .addColumn('pipeline_events', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('job_events', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deployment_events', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('release_events', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('project_hooks_project').on('project_hooks').column('project_id').execute();

  // The outbox of webhook deliveries (project hooks and external deployers), kept as a delivery log.
  await withId(db.schema.createTable('hook_deliveries'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('hook_id', 'integer', (c) => c.references('project_hooks.id').onDelete('cascade'))
    .addColumn('target_id', 'integer', (c) => c.references('targets.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('hook_deliveries_due')
    .on('hook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('hook_deliveries_hook')
    .on('hook_deliveries')
    .columns(['hook_id', 'id'])
    .execute();
  await db.schema
    .createIndex('hook_deliveries_target')
    .on('hook_deliveries')
    .columns(['target_id', 'id'])
    .execute();

  // project_id null = an instance-wide action (admins).
  await withId(db.schema.createTable('audit_events'), dialect)
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'integer')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_events_project')
    .on('audit_events')
    .columns(['project_id', 'id'])
    .execute();
}
