import type { Pipeline } from './types.ts';

/**
 * The shapes of the rebuild resources the UI reads from `/api/v1` (docs/api.md, "Rebuilds"):
 * rebuilds of what environments run, and the schedules that start them.
 */

/** A pipeline a rebuild started, and the environments it deploys to again. */
export interface RebuildPipeline extends Pipeline {
  environments: string[];
}

/**
 * `POST …/environments/:environment_id/rebuild`, `POST …/rebuild` and `POST …/rebuild_schedules/:id/play`
 * answer the pipelines they started.
 */
export type RebuildPipelines = RebuildPipeline[];

/** The last run of a rebuild schedule, timed or played. */
export interface RebuildScheduleRun {
  at: string;
  status: 'success' | 'failed' | string;
  /** Why the run failed. */
  error: string | null;
  pipelines: { id: number; iid: number; sha: string; ref: string; status: string }[];
}

/** A rebuild schedule (`GET /projects/:id/rebuild_schedules`). */
export interface RebuildSchedule {
  id: number;
  description: string;
  /** The environments rebuilt by name; null for every environment that runs a deployment. */
  environments: string[] | null;
  cron: string;
  cron_timezone: string;
  active: boolean;
  next_run_at: string | null;
  owner: { id: number; username: string; name: string; state: string } | null;
  last_run: RebuildScheduleRun | null;
  created_at: string;
  updated_at: string;
}
