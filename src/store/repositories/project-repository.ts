import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, ProjectsTable } from '../schema.ts';

export type ProjectRow = Selectable<ProjectsTable>;
export type ProjectUpdate = Omit<Updateable<ProjectsTable>, 'id' | 'created_at'>;

/** Which projects a listing covers: all of them (admins) or those one user is a member of. */
export interface ProjectScope {
  memberUserId: number | null;
  search?: string | undefined;
}

/** Queries on `projects`. */
export class ProjectRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Inserts a project and, in the same transaction, its creator's maintainer membership. */
  create(
    values: {
      name: string;
      path: string;
      description: string;
      defaultBranch: string;
      creatorId: number | null;
      mirrorUrl: string | null;
      mirrorUsername: string | null;
    },
    maintainer: { userId: number; accessLevel: number } | null,
  ): Promise<ProjectRow> {
    const now = new Date().toISOString();
    return this.#db.transaction().execute(async (trx) => {
      const project = await trx
        .insertInto('projects')
        .values({
          name: values.name,
          path: values.path,
          description: values.description,
          default_branch: values.defaultBranch,
          creator_id: values.creatorId,
          mirror_url: values.mirrorUrl,
          mirror_username: values.mirrorUsername,
          mirror_password_encrypted: null,
          mirror_webhook_secret_encrypted: null,
          mirror_last_fetched_at: null,
          mirror_last_error: null,
          created_at: now,
          last_activity_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (maintainer) {
        await trx
          .insertInto('project_members')
          .values({
            project_id: project.id,
            user_id: maintainer.userId,
            access_level: maintainer.accessLevel,
            created_at: now,
          })
          .execute();
      }
      return project;
    });
  }

  findById(id: number): Promise<ProjectRow | undefined> {
    return this.#db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByPath(path: string): Promise<ProjectRow | undefined> {
    return this.#db.selectFrom('projects').selectAll().where('path', '=', path).executeTakeFirst();
  }

  /**
   * The projects whose path is a proper prefix of `path` in whole segments (`a` and `a/b` for
   * `a/b/c`), compared in lower case as registry names are; shortest first.
   */
  findEnclosing(path: string): Promise<ProjectRow[]> {
    const segments = path.toLowerCase().split('/');
    const prefixes = segments.slice(1).map((_, index) => segments.slice(0, index + 1).join('/'));
    if (prefixes.length === 0) return Promise.resolve([]);
    return this.#db
      .selectFrom('projects')
      .selectAll()
      .where(sql<string>`lower(path)`, 'in', prefixes)
      .orderBy(sql`length(path)`)
      .orderBy('id')
      .execute();
  }

  #scoped(scope: ProjectScope) {
    let query = this.#db.selectFrom('projects');
    if (scope.memberUserId !== null) {
      const userId = scope.memberUserId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('project_members')
            .select(sql`1`.as('one'))
            .whereRef('project_members.project_id', '=', 'projects.id')
            .where('project_members.user_id', '=', userId),
        ),
      );
    }
    if (scope.search) {
      const pattern = `%${scope.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['projects.path']), 'like', sql<string>`${pattern} escape '\\'`),
          eb(eb.fn('lower', ['projects.name']), 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      );
    }
    return query;
  }

  list(scope: ProjectScope, page: PageRequest): Promise<ProjectRow[]> {
    return this.#scoped(scope)
      .selectAll('projects')
      .orderBy('projects.id', 'desc')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async count(scope: ProjectScope): Promise<number> {
    const row = await this.#scoped(scope)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  listMirrors(): Promise<ProjectRow[]> {
    return this.#db
      .selectFrom('projects')
      .selectAll()
      .where('mirror_url', 'is not', null)
      .orderBy('id')
      .execute();
  }

  update(id: number, values: ProjectUpdate): Promise<ProjectRow | undefined> {
    return this.#db
      .updateTable('projects')
      .set(values)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
