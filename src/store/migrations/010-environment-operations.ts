import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { withId } from './column-types.ts';

/**
 * Environment operations (logs, shells, graphs; docs/environment-operations.md): who may open a
 * shell (`projects.shell_access`: the least role, maintainer by default), per protected
 * environment whether shells are allowed at all and the least role that may read logs and
 * metrics, the path an environment's app serves Prometheus metrics at, and `shell_sessions`, the
 * audit record of every shell: who, when, where, which command, how long and how it ended.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('shell_access', 'text', (c) => c.notNull().defaultTo('maintainer'))
    .execute();
  await db.schema
    .alterTable('protected_environments')
    .addColumn('shell_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('protected_environments')
    .addColumn('logs_access', 'text', (c) => c.notNull().defaultTo('reporter'))
    .execute();
  await db.schema.alterTable('environments').addColumn('metrics_path', 'text').execute();

  await withId(db.schema.createTable('shell_sessions'), dialect)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('environment_id', 'integer', (c) =>
      c.notNull().references('environments.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    // Kept when the user is deleted: the audit record must still say who.
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('deployment_id', 'integer')
    .addColumn('pod', 'text', (c) => c.notNull())
    .addColumn('container', 'text', (c) => c.notNull())
    // JSON array: the argv.
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('exit_code', 'integer')
    // exited | idle | closed | error | interrupted (the server stopped while it ran).
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema
    .createIndex('shell_sessions_environment')
    .on('shell_sessions')
    .columns(['environment_id', 'id'])
    .execute();
}
