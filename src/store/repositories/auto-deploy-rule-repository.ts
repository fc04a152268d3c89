import type { Kysely, Selectable } from 'kysely';
import type { AutoDeployRulesTable, Database } from '../schema.ts';

export type AutoDeployRuleRow = Selectable<AutoDeployRulesTable>;
export type AutoDeployRuleView = AutoDeployRuleRow & { environment_name: string };

/** Queries on `auto_deploy_rules`: "always deploy this branch to that environment". */
export class AutoDeployRuleRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Adds a rule; an identical rule already there is kept (and returned). */
  async upsert(projectId: number, ref: string, environmentId: number, userId: number | null) {
    await this.#db
      .insertInto('auto_deploy_rules')
      .values({
        project_id: projectId,
        ref,
        environment_id: environmentId,
        user_id: userId,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.columns(['project_id', 'ref', 'environment_id']).doNothing())
      .execute();
    return this.#db
      .selectFrom('auto_deploy_rules')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('ref', '=', ref)
      .where('environment_id', '=', environmentId)
      .executeTakeFirstOrThrow();
  }

  list(projectId: number): Promise<AutoDeployRuleView[]> {
    return this.#db
      .selectFrom('auto_deploy_rules as r')
      .innerJoin('environments as e', 'e.id', 'r.environment_id')
      .selectAll('r')
      .select('e.name as environment_name')
      .where('r.project_id', '=', projectId)
      .orderBy('r.id')
      .execute();
  }

  listForRef(projectId: number, ref: string): Promise<AutoDeployRuleRow[]> {
    return this.#db
      .selectFrom('auto_deploy_rules')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('ref', '=', ref)
      .orderBy('id')
      .execute();
  }

  async delete(projectId: number, id: number): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('auto_deploy_rules')
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
