import type { Kysely, Selectable } from 'kysely';
import type { Database, EnvironmentMetricsTable } from '../schema.ts';
import type { EnvironmentRow } from './environment-repository.ts';

export type MetricChunkRow = Selectable<EnvironmentMetricsTable>;

/** A deployment as a graph marks it, with who started it. */
export interface DeploymentMarkerRow {
  id: number;
  iid: number;
  sha: string;
  status: string;
  created_at: string;
  finished_at: string | null;
  user_id: number | null;
  username: string | null;
  user_name: string | null;
}

/** Rows beyond this many per upsert go in the next statement (SQLite binds at most 32,766 values). */
const UPSERT_BATCH = 1000;

/** Queries on `environment_metrics` (src/metrics/ cuts and encodes the chunks), and what the graphs show around them. */
export class EnvironmentMetricRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Environments that may run something to sample: deployed at least once and not stopped. */
  listSampled(): Promise<EnvironmentRow[]> {
    return this.#db
      .selectFrom('environments')
      .selectAll()
      .where('state', '<>', 'stopped')
      .where('last_deployment_id', 'is not', null)
      .orderBy('id')
      .execute();
  }

  /** The environment's chunks that start at `chunkStart` at `resolutionSeconds`, for each pair given. */
  findChunks(
    environmentId: number,
    chunks: ReadonlyArray<{ resolutionSeconds: number; chunkStart: string }>,
  ): Promise<MetricChunkRow[]> {
    if (chunks.length === 0) return Promise.resolve([]);
    return this.#db
      .selectFrom('environment_metrics')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where((eb) =>
        eb.or(
          chunks.map(({ resolutionSeconds, chunkStart }) =>
            eb.and([eb('resolution_seconds', '=', resolutionSeconds), eb('chunk_start', '=', chunkStart)]),
          ),
        ),
      )
      .execute();
  }

  /** Inserts the chunks, replacing the slots of those that exist. */
  async saveChunks(rows: readonly MetricChunkRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
      await this.#db
        .insertInto('environment_metrics')
        .values(rows.slice(i, i + UPSERT_BATCH))
        .onConflict((oc) =>
          oc
            .columns(['environment_id', 'resolution_seconds', 'chunk_start', 'pod', 'container', 'metric'])
            .doUpdateSet((eb) => ({ slots: eb.ref('excluded.slots') })),
        )
        .execute();
    }
  }

  /** The environment's chunks at a resolution starting from `firstStart` to `lastStart`, in time order. */
  listChunks(
    environmentId: number,
    resolutionSeconds: number,
    firstStart: string,
    lastStart: string,
  ): Promise<MetricChunkRow[]> {
    return this.#db
      .selectFrom('environment_metrics')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('resolution_seconds', '=', resolutionSeconds)
      .where('chunk_start', '>=', firstStart)
      .where('chunk_start', '<=', lastStart)
      .orderBy('chunk_start')
      .execute();
  }

  /** Deletes every chunk at a resolution starting at or before `lastStart`; returns how many. */
  async deleteExpired(resolutionSeconds: number, lastStart: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('environment_metrics')
      .where('resolution_seconds', '=', resolutionSeconds)
      .where('chunk_start', '<=', lastStart)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * The environment's deployments that started or finished between `from` and `to` (ISO-8601),
   * oldest first; the latest `limit` of them when there are more.
   */
  async deploymentMarkers(
    projectId: number,
    environmentId: number,
    from: string,
    to: string,
    limit: number,
  ): Promise<DeploymentMarkerRow[]> {
    const rows = await this.#db
      .selectFrom('deployments as d')
      .leftJoin('users as u', 'u.id', 'd.user_id')
      .select([
        'd.id',
        'd.iid',
        'd.sha',
        'd.status',
        'd.created_at',
        'd.finished_at',
        'd.user_id',
        'u.username',
        'u.name as user_name',
      ])
      .where('d.project_id', '=', projectId)
      .where('d.environment_id', '=', environmentId)
      .where((eb) =>
        eb.or([
          eb.and([eb('d.created_at', '>=', from), eb('d.created_at', '<=', to)]),
          eb.and([eb('d.finished_at', '>=', from), eb('d.finished_at', '<=', to)]),
        ]),
      )
      .orderBy('d.id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  }
}
