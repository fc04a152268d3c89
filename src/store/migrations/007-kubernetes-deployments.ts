import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * What the Kubernetes deployer keeps beside a deployment's snapshot: the Secret values it applied,
 * encrypted (the snapshot holds only references, and is shown by the API), and the state of an
 * incremental rollout (current step, pause deadline), so a restarted server can resume or fail it.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('deployments').addColumn('secret_values_encrypted', 'text').execute();
  await db.schema.alterTable('deployments').addColumn('rollout_state', 'text').execute();
}
