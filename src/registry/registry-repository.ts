import { type Kysely, type Selectable, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../domain/pagination.ts';
import type { Database, RegistryRepositoriesTable, RegistryTagsTable } from '../store/schema.ts';

export type RegistryRepositoryRow = Selectable<RegistryRepositoriesTable>;
export type RegistryTagRow = Selectable<RegistryTagsTable>;

/** A repository with how many tags it has, as the API lists them. */
export interface RegistryRepositoryListing extends RegistryRepositoryRow {
  tags_count: number;
}

/** An environment's last successful deployment and the snapshot it applied (JSON). */
export interface DeployedSnapshot {
  environment_id: number;
  environment_name: string;
  deployment_id: number;
  snapshot: string;
}

/** Queries on `registry_repositories` and `registry_tags`, and the lookups the registry needs. */
export class RegistryRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * The project whose lower-cased path is the longest of `candidates` (lower case); the oldest
   * project when two paths differ only in case.
   */
  async findProjectByPath(candidates: readonly string[]): Promise<{ id: number; path: string } | undefined> {
    if (candidates.length === 0) return undefined;
    const rows = await this.#db
      .selectFrom('projects')
      .select(['id', 'path'])
      .where(sql<string>`lower(path)`, 'in', candidates)
      .orderBy('id')
      .execute();
    return rows.reduce<{ id: number; path: string } | undefined>(
      (best, row) => (best === undefined || row.path.length > best.path.length ? row : best),
      undefined,
    );
  }

  /** The project repository `name` was recorded in, if it was. */
  findRecordedProject(name: string): Promise<{ id: number; path: string } | undefined> {
    return this.#db
      .selectFrom('registry_repositories as r')
      .innerJoin('projects as p', 'p.id', 'r.project_id')
      .select(['p.id', 'p.path'])
      .where('r.name', '=', name)
      .executeTakeFirst();
  }

  /**
   * Records the repository in project `projectId` unless it is recorded already; returns its id. A
   * recorded repository never changes project (see RegistryAccess.authorize).
   */
  async ensureRepository(projectId: number, name: string, now: string): Promise<number> {
    await this.#db
      .insertInto('registry_repositories')
      .values({ project_id: projectId, name, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.#db
      .selectFrom('registry_repositories')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Records that `tag` of the repository now names `digest` (a re-push moves it). */
  async upsertTag(repositoryId: number, tag: string, digest: string, pushedAt: string): Promise<void> {
    await this.#db
      .insertInto('registry_tags')
      .values({ repository_id: repositoryId, name: tag, digest, pushed_at: pushedAt })
      .onConflict((oc) => oc.columns(['repository_id', 'name']).doUpdateSet({ digest, pushed_at: pushedAt }))
      .execute();
  }

  /** Forgets a tag of the repository named `name`, or every tag naming a digest. */
  async deleteTags(name: string, which: { tag: string } | { digest: string }): Promise<void> {
    const repository = await this.#db
      .selectFrom('registry_repositories')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    if (!repository) return;
    let query = this.#db.deleteFrom('registry_tags').where('repository_id', '=', repository.id);
    query = 'tag' in which ? query.where('name', '=', which.tag) : query.where('digest', '=', which.digest);
    await query.execute();
  }

  listRepositories(projectId: number, page: PageRequest): Promise<RegistryRepositoryListing[]> {
    return this.#db
      .selectFrom('registry_repositories as r')
      .selectAll('r')
      .select((eb) =>
        eb
          .selectFrom('registry_tags as t')
          .whereRef('t.repository_id', '=', 'r.id')
          .select(sql<number>`cast(count(*) as integer)`.as('n'))
          .as('tags_count'),
      )
      .where('r.project_id', '=', projectId)
      .orderBy('r.name')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute()
      .then((rows) => rows.map((row) => ({ ...row, tags_count: Number(row.tags_count ?? 0) })));
  }

  async countRepositories(projectId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('registry_repositories')
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  findRepository(projectId: number, id: number): Promise<RegistryRepositoryRow | undefined> {
    return this.#db
      .selectFrom('registry_repositories')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  listTags(repositoryId: number, page: PageRequest): Promise<RegistryTagRow[]> {
    return this.#db
      .selectFrom('registry_tags')
      .selectAll()
      .where('repository_id', '=', repositoryId)
      .orderBy('name')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async countTags(repositoryId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('registry_tags')
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .where('repository_id', '=', repositoryId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  findTag(repositoryId: number, name: string): Promise<RegistryTagRow | undefined> {
    return this.#db
      .selectFrom('registry_tags')
      .selectAll()
      .where('repository_id', '=', repositoryId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  /**
   * What runs now: each environment of the project that is not stopped, with the snapshot of its
   * last successful deployment (when that one started the environment and recorded a snapshot).
   */
  deployedSnapshots(projectId: number): Promise<DeployedSnapshot[]> {
    return this.#db
      .selectFrom('environments as e')
      .innerJoin('deployments as d', 'd.id', 'e.last_success_deployment_id')
      .select(['e.id as environment_id', 'e.name as environment_name', 'd.id as deployment_id', 'd.snapshot'])
      .where('e.project_id', '=', projectId)
      .where('e.state', '!=', 'stopped')
      .where('d.action', '=', 'start')
      .where('d.snapshot', 'is not', null)
      .orderBy('e.name')
      .execute() as Promise<DeployedSnapshot[]>;
  }
}
