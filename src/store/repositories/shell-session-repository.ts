import { type Kysely, type Selectable, sql } from 'kysely';
import { offsetOf, type PageRequest } from '../../domain/pagination.ts';
import type { Database, ShellSessionsTable } from '../schema.ts';

export type ShellSessionRow = Selectable<ShellSessionsTable>;
export type NewShellSession = Omit<ShellSessionRow, 'id' | 'ended_at' | 'exit_code' | 'end_reason'>;

/** A shell session with its user's display name (null once the user is deleted). */
export type ShellSessionWithUser = ShellSessionRow & { name: string | null };

/** Queries on `shell_sessions`, the audit record of shells opened into environments. */
export class ShellSessionRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  insert(values: NewShellSession): Promise<ShellSessionRow> {
    return this.#db.insertInto('shell_sessions').values(values).returningAll().executeTakeFirstOrThrow();
  }

  /** Records the pod and container a session's command runs in, once the target has chosen them. */
  async place(id: number, pod: string, container: string): Promise<void> {
    await this.#db.updateTable('shell_sessions').set({ pod, container }).where('id', '=', id).execute();
  }

  /** Records how a session ended; a session already ended keeps its first ending. */
  async end(id: number, ending: { ended_at: string; exit_code: number | null; end_reason: string }) {
    await this.#db
      .updateTable('shell_sessions')
      .set(ending)
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .execute();
  }

  /** Ends every session still open: the server stopped while they ran (called at start). */
  async endInterrupted(now: string): Promise<number> {
    const result = await this.#db
      .updateTable('shell_sessions')
      .set({ ended_at: now, end_reason: 'interrupted' })
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** A page of an environment's sessions, newest first. */
  async list(environmentId: number, page: PageRequest): Promise<ShellSessionWithUser[]> {
    return this.#db
      .selectFrom('shell_sessions as s')
      .leftJoin('users as u', 'u.id', 's.user_id')
      .selectAll('s')
      .select('u.name as name')
      .where('s.environment_id', '=', environmentId)
      .orderBy('s.id', 'desc')
      .limit(page.perPage)
      .offset(offsetOf(page))
      .execute();
  }

  async count(environmentId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('shell_sessions')
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .where('environment_id', '=', environmentId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
