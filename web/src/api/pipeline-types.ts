import type { Pipeline } from './types.ts';

/** The pipeline statuses the list can be filtered by, as the API names them. */
export const PIPELINE_STATUSES = [
  'created',
  'pending',
  'running',
  'success',
  'failed',
  'canceled',
  'skipped',
  'manual',
  'scheduled',
] as const;

/** `GET /projects/:id/pipelines/:pipeline_id`: the list's fields and a few more. */
export interface PipelineDetail extends Pipeline {
  before_sha: string;
  rebuild_of: number | null;
  updated_at: string;
}

/** A job as `GET /projects/:id/jobs/:job_id` and a pipeline's jobs list answer it. */
export interface Job {
  id: number;
  name: string;
  stage: string;
  /** The stage's place in the pipeline file: columns are ordered by it. */
  stage_index: number;
  status: string;
  when: string;
  allow_failure: boolean;
  /** A later attempt of this job exists. */
  retried: boolean;
  attempt: number;
  tag_list: string[];
  /** The jobs this one waits for; null when it waits for every earlier stage. */
  needs: string[] | null;
  /** The environment as written in the file (variables not expanded). */
  environment: { name: string; action: string } | null;
  pipeline: { id: number; iid: number; ref: string; sha: string; status: string };
  runner_id: number | null;
  user_id: number | null;
  created_at: string;
  queued_at: string | null;
  scheduled_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration: number | null;
  queued_duration: number | null;
  exit_code: number | null;
  failure_reason: string | null;
  log_size: number;
  artifacts_file: { filename: string; size: number } | null;
  artifacts_expire_at: string | null;
}

/** `GET /users/:user_id`, the fields shown next to a pipeline or job. */
export interface UserSummary {
  id: number;
  username: string;
  name: string;
}
