import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, ProjectMembersTable } from '../schema.ts';
import type { UserRow } from './user-repository.ts';

export type MemberRow = Selectable<ProjectMembersTable>;
export type MemberWithUser = MemberRow & { user: UserRow };

/** Queries on `project_members`. */
export class MemberRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async add(projectId: number, userId: number, accessLevel: number): Promise<MemberRow> {
    return this.#db
      .insertInto('project_members')
      .values({
        project_id: projectId,
        user_id: userId,
        access_level: accessLevel,
        created_at: new Date().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async accessLevel(projectId: number, userId: number): Promise<number | null> {
    const row = await this.#db
      .selectFrom('project_members')
      .select('access_level')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.access_level ?? null;
  }

  async list(projectId: number): Promise<MemberWithUser[]> {
    const rows = await this.#db
      .selectFrom('project_members')
      .innerJoin('users', 'users.id', 'project_members.user_id')
      .selectAll('users')
      .select([
        'project_members.project_id',
        'project_members.access_level',
        'project_members.created_at as joined_at',
      ])
      .where('project_members.project_id', '=', projectId)
      .orderBy('users.id')
      .execute();
    return rows.map(({ project_id, access_level, joined_at, ...user }) => ({
      project_id,
      user_id: user.id,
      access_level,
      created_at: joined_at,
      user,
    }));
  }

  async update(projectId: number, userId: number, accessLevel: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('project_members')
      .set({ access_level: accessLevel })
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async remove(projectId: number, userId: number): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('project_members')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async countAtLevel(projectId: number, accessLevel: number): Promise<number> {
    const row = await this.#db
      .selectFrom('project_members')
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .where('project_id', '=', projectId)
      .where('access_level', '>=', accessLevel)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
