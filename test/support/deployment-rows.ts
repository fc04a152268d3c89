import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.ts';

/**
 * Records a deployment row as the pipeline engine would (no job or pipeline), `blocked` unless told,
 * in the project's environment `environment` (created, tier production, when missing); returns its id.
 * For tests of approvals, which need deployments waiting at the gate without running pipelines.
 */
export async function recordDeployment(
  db: Kysely<Database>,
  options: { projectId: number; environment: string; userId: number; status?: string; sha?: string },
): Promise<number> {
  const { projectId, environment: name } = options;
  const now = new Date().toISOString();
  const environment =
    (await db
      .selectFrom('environments')
      .select('id')
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst()) ??
    (await db
      .insertInto('environments')
      .values({
        project_id: projectId,
        name,
        slug: name.replaceAll('/', '-'),
        tier: 'production',
        external_url: null,
        state: 'available',
        kubernetes_namespace: null,
        auto_stop_at: null,
        last_deployment_id: null,
        last_success_deployment_id: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow());
  const { last } = await db
    .selectFrom('deployments')
    .select((eb) => eb.fn.max('iid').as('last'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('deployments')
    .values({
      project_id: projectId,
      iid: Number(last ?? 0) + 1,
      environment_id: environment.id,
      sha: options.sha ?? 'a'.repeat(40),
      ref: 'main',
      tag: 0,
      user_id: options.userId,
      status: options.status ?? 'blocked',
      action: 'start',
      job_id: null,
      pipeline_id: null,
      deployable_name: 'deploy',
      snapshot: null,
      rollback_of: null,
      external_state: null,
      freeze_override_reason: null,
      freeze_override_by: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
