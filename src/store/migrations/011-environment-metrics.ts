import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

/**
 * Performance graphs (src/metrics/): `environment_metrics` holds each series (an environment's
 * pod, container and metric) in fixed-width chunks, one row per chunk rather than per point:
 * `slots` is the chunk's values as base64 text (src/metrics/chunk-encoding.ts), at 10 s (an hour
 * per chunk, kept a day) or 300 s (a day per chunk, kept GANTRY_METRICS_RETENTION_DAYS). The
 * primary key serves the upserts and the reads of a range; the second index the pruning.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('environment_metrics')
    .addColumn('environment_id', 'integer', (c) =>
      c.notNull().references('environments.id').onDelete('cascade'),
    )
    .addColumn('resolution_seconds', 'integer', (c) => c.notNull())
    // ISO-8601, a multiple of the chunk's span in unix time.
    .addColumn('chunk_start', 'text', (c) => c.notNull())
    // "" for series of the whole environment (its HTTP metrics).
    .addColumn('pod', 'text', (c) => c.notNull())
    .addColumn('container', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('slots', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('environment_metrics_pkey', [
      'environment_id',
      'resolution_seconds',
      'chunk_start',
      'pod',
      'container',
      'metric',
    ])
    .execute();
  await db.schema
    .createIndex('environment_metrics_expiry')
    .on('environment_metrics')
    .columns(['resolution_seconds', 'chunk_start'])
    .execute();
}
