import type { Kysely, Selectable } from 'kysely';
import type { Database, JobArtifactsTable } from '../schema.ts';

export type ArtifactRow = Selectable<JobArtifactsTable>;

/** Queries on `job_artifacts`: one archive per job. */
export class ArtifactRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async upsert(values: Omit<ArtifactRow, 'created_at'>): Promise<void> {
    const row = { ...values, created_at: new Date().toISOString() };
    await this.#db
      .insertInto('job_artifacts')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('job_id')
          .doUpdateSet({ file: row.file, size: row.size, sha256: row.sha256, expire_at: row.expire_at }),
      )
      .execute();
  }

  find(jobId: number): Promise<ArtifactRow | undefined> {
    return this.#db.selectFrom('job_artifacts').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  }

  listExpired(now: string): Promise<ArtifactRow[]> {
    return this.#db
      .selectFrom('job_artifacts')
      .selectAll()
      .where('expire_at', 'is not', null)
      .where('expire_at', '<=', now)
      .execute();
  }

  async delete(jobId: number): Promise<void> {
    await this.#db.deleteFrom('job_artifacts').where('job_id', '=', jobId).execute();
  }
}
