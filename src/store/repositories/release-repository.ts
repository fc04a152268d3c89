import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, ReleaseLinksTable, ReleasesTable } from '../schema.ts';

export type ReleaseRow = Selectable<ReleasesTable>;
export type ReleaseLinkRow = Selectable<ReleaseLinksTable>;
export type NewRelease = Omit<ReleaseRow, 'id' | 'created_at' | 'updated_at'>;
export type ReleaseUpdate = Pick<Updateable<ReleasesTable>, 'name' | 'description' | 'released_at'>;
export type NewReleaseLink = Pick<ReleaseLinkRow, 'name' | 'url' | 'link_type'>;
export type ReleaseLinkUpdate = Partial<NewReleaseLink>;

/** The user who created a release; null once that user is deleted. */
export interface ReleaseAuthor {
  id: number;
  username: string;
  name: string;
}

export type ReleaseWithAuthor = ReleaseRow & { author: ReleaseAuthor | null };

/** A deployment of a tag, with the environment it went to. */
export interface TagDeployment {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: string;
  created_at: string;
  finished_at: string | null;
  environment: { id: number; name: string };
}

/** Which timestamp orders a release list. */
export type ReleaseOrder = 'released_at' | 'created_at';

/** Queries on `releases` and their asset links (`release_links`), and the deployments of tags. */
export class ReleaseRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  #withAuthor() {
    return this.#db
      .selectFrom('releases')
      .leftJoin('users', 'users.id', 'releases.author_id')
      .selectAll('releases')
      .select([
        'users.id as author_user_id',
        'users.username as author_username',
        'users.name as author_name',
      ]);
  }

  /** One page of a project's releases, ordered by `order` (ties by id, the same way). */
  list(
    projectId: number,
    order: ReleaseOrder,
    direction: 'asc' | 'desc',
    page: PageRequest,
  ): Promise<ReleaseWithAuthor[]> {
    return this.#withAuthor()
      .where('releases.project_id', '=', projectId)
      .orderBy(`releases.${order}`, direction)
      .orderBy('releases.id', direction)
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute()
      .then((rows) => rows.map(withAuthor));
  }

  async count(projectId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('releases')
      .where('project_id', '=', projectId)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async find(projectId: number, tagName: string): Promise<ReleaseWithAuthor | undefined> {
    const row = await this.#withAuthor()
      .where('releases.project_id', '=', projectId)
      .where('releases.tag_name', '=', tagName)
      .executeTakeFirst();
    return row && withAuthor(row);
  }

  /** Inserts a release and its asset links in one transaction. */
  insert(values: NewRelease, links: NewReleaseLink[]): Promise<ReleaseRow> {
    const now = new Date().toISOString();
    return this.#db.transaction().execute(async (trx) => {
      const release = await trx
        .insertInto('releases')
        .values({ ...values, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (links.length > 0) {
        await trx
          .insertInto('release_links')
          .values(links.map((link) => ({ ...link, release_id: release.id, created_at: now })))
          .execute();
      }
      return release;
    });
  }

  async update(id: number, values: ReleaseUpdate): Promise<void> {
    await this.#db
      .updateTable('releases')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /** Marks a release changed (its links changed). */
  async touch(id: number): Promise<void> {
    await this.#db
      .updateTable('releases')
      .set({ updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes a release; its links go with it (foreign key cascade). */
  async delete(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('releases').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The asset links of the given releases, oldest first. */
  links(releaseIds: readonly number[]): Promise<ReleaseLinkRow[]> {
    if (releaseIds.length === 0) return Promise.resolve([]);
    return this.#db
      .selectFrom('release_links')
      .selectAll()
      .where('release_id', 'in', [...releaseIds])
      .orderBy('id')
      .execute();
  }

  findLink(releaseId: number, linkId: number): Promise<ReleaseLinkRow | undefined> {
    return this.#db
      .selectFrom('release_links')
      .selectAll()
      .where('release_id', '=', releaseId)
      .where('id', '=', linkId)
      .executeTakeFirst();
  }

  insertLink(releaseId: number, values: NewReleaseLink): Promise<ReleaseLinkRow> {
    return this.#db
      .insertInto('release_links')
      .values({ ...values, release_id: releaseId, created_at: new Date().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  updateLink(id: number, values: ReleaseLinkUpdate): Promise<ReleaseLinkRow | undefined> {
    return this.#db
      .updateTable('release_links')
      .set(values)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async deleteLink(id: number): Promise<boolean> {
    const result = await this.#db.deleteFrom('release_links').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * The newest `limit` deployments of each of the project's tags named (deployments whose `ref` is
   * the tag and `tag` is set), newest first, by tag name. One query for a whole page of releases:
   * a window function ranks each tag's deployments.
   */
  async tagDeployments(
    projectId: number,
    tagNames: readonly string[],
    limit: number,
  ): Promise<Map<string, TagDeployment[]>> {
    const byTag = new Map<string, TagDeployment[]>(tagNames.map((name) => [name, []]));
    if (tagNames.length === 0) return byTag;
    const ranked = this.#db
      .selectFrom('deployments')
      .innerJoin('environments', 'environments.id', 'deployments.environment_id')
      .select([
        'deployments.id as id',
        'deployments.iid as iid',
        'deployments.ref as ref',
        'deployments.sha as sha',
        'deployments.status as status',
        'deployments.created_at as created_at',
        'deployments.finished_at as finished_at',
        'environments.id as environment_id',
        'environments.name as environment_name',
        sql<number>`row_number() over (partition by deployments.ref order by deployments.id desc)`.as(
          'position',
        ),
      ])
      .where('deployments.project_id', '=', projectId)
      .where('deployments.tag', '=', 1)
      .where('deployments.ref', 'in', [...tagNames]);
    const rows = await this.#db
      .selectFrom(ranked.as('ranked'))
      .selectAll()
      .where('ranked.position', '<=', limit)
      .orderBy('ranked.id', 'desc')
      .execute();
    for (const row of rows) {
      byTag.get(row.ref)?.push({
        id: row.id,
        iid: row.iid,
        ref: row.ref,
        sha: row.sha,
        status: row.status,
        created_at: row.created_at,
        finished_at: row.finished_at,
        environment: { id: row.environment_id, name: row.environment_name },
      });
    }
    return byTag;
  }
}

function withAuthor(
  row: ReleaseRow & {
    author_user_id: number | null;
    author_username: string | null;
    author_name: string | null;
  },
): ReleaseWithAuthor {
  const { author_user_id, author_username, author_name, ...release } = row;
  const author =
    author_user_id === null
      ? null
      : { id: author_user_id, username: author_username ?? '', name: author_name ?? '' };
  return { ...release, author };
}
