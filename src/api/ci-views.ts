import { Type } from 'typebox';
import type { JobDefinition } from '../scheduler/job-definition.ts';
import type { ArtifactRow } from '../store/repositories/artifact-repository.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';
import type { PipelineRow } from '../store/repositories/pipeline-repository.ts';
import type { RunnerRow } from '../store/repositories/runner-repository.ts';

// JSON shapes of pipelines, jobs and runners, after GitLab's API v4.

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String();

const seconds = (from: string | null, to: string | null): number | null =>
  from === null ? null : ((to === null ? Date.now() : Date.parse(to)) - Date.parse(from)) / 1000;

export const PipelineErrorView = Type.Object({
  file: Type.String(),
  line: Type.Integer(),
  column: Type.Integer(),
  message: Type.String(),
});

export const PipelineView = Type.Object({
  id: Type.Integer(),
  iid: Type.Integer(),
  project_id: Type.Integer(),
  sha: Type.String(),
  before_sha: Type.String(),
  ref: Type.String(),
  tag: Type.Boolean(),
  status: Type.String(),
  source: Type.String(),
  name: Nullable(Type.String()),
  user_id: Nullable(Type.Integer()),
  rebuild_of: Nullable(Type.Integer()),
  yaml_errors: Nullable(Type.String()),
  errors: Type.Array(PipelineErrorView),
  created_at: Time,
  updated_at: Time,
  started_at: Nullable(Time),
  finished_at: Nullable(Time),
  duration: Nullable(Type.Number()),
  web_url: Type.String(),
});

export function pipelineView(pipeline: PipelineRow, projectUrl: string) {
  const errors =
    pipeline.yaml_errors === null
      ? []
      : (JSON.parse(pipeline.yaml_errors) as Array<{
          file: string;
          line: number;
          column: number;
          message: string;
        }>);
  return {
    id: pipeline.id,
    iid: pipeline.iid,
    project_id: pipeline.project_id,
    sha: pipeline.sha,
    before_sha: pipeline.before_sha,
    ref: pipeline.ref,
    tag: pipeline.tag === 1,
    status: pipeline.status,
    source: pipeline.source,
    name: pipeline.name,
    user_id: pipeline.user_id,
    rebuild_of: pipeline.rebuild_of,
    yaml_errors:
      errors.length === 0
        ? null
        : errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n'),
    errors,
    created_at: pipeline.created_at,
    updated_at: pipeline.updated_at,
    started_at: pipeline.started_at,
    finished_at: pipeline.finished_at,
    duration: pipeline.finished_at === null ? null : seconds(pipeline.started_at, pipeline.finished_at),
    web_url: `${projectUrl}/-/pipelines/${pipeline.id}`,
  };
}

export const JobView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  stage: Type.String(),
  stage_index: Type.Integer(),
  status: Type.String(),
  when: Type.String(),
  allow_failure: Type.Boolean(),
  retried: Type.Boolean(),
  attempt: Type.Integer(),
  tag_list: Type.Array(Type.String()),
  needs: Nullable(Type.Array(Type.String())),
  environment: Nullable(Type.Object({ name: Type.String(), action: Type.String() })),
  pipeline: Type.Object({
    id: Type.Integer(),
    iid: Type.Integer(),
    ref: Type.String(),
    sha: Type.String(),
    status: Type.String(),
  }),
  runner_id: Nullable(Type.Integer()),
  user_id: Nullable(Type.Integer()),
  created_at: Time,
  queued_at: Nullable(Time),
  scheduled_at: Nullable(Time),
  started_at: Nullable(Time),
  finished_at: Nullable(Time),
  duration: Nullable(Type.Number()),
  queued_duration: Nullable(Type.Number()),
  exit_code: Nullable(Type.Integer()),
  failure_reason: Nullable(Type.String()),
  log_size: Type.Integer(),
  artifacts_file: Nullable(Type.Object({ filename: Type.String(), size: Type.Integer() })),
  artifacts_expire_at: Nullable(Time),
  web_url: Type.String(),
});

export function jobView(job: JobRow, pipeline: PipelineRow, projectUrl: string, artifact?: ArtifactRow) {
  const definition = JSON.parse(job.definition) as Pick<JobDefinition, 'needs' | 'environment'>;
  return {
    id: job.id,
    name: job.name,
    stage: job.stage,
    // Stages are ordered by the pipeline file, not by name or job id (a retried job is newer).
    stage_index: job.stage_index,
    status: job.status,
    when: job.when,
    allow_failure: job.allow_failure === 1,
    retried: job.retried === 1,
    attempt: job.attempt,
    tag_list: JSON.parse(job.tags) as string[],
    // null: the job waits for the earlier stages; a list: only for these jobs (the `needs` graph).
    needs: definition.needs?.map((need) => need.job) ?? null,
    environment: definition.environment
      ? { name: definition.environment.name, action: definition.environment.action }
      : null,
    pipeline: {
      id: pipeline.id,
      iid: pipeline.iid,
      ref: pipeline.ref,
      sha: pipeline.sha,
      status: pipeline.status,
    },
    runner_id: job.runner_id,
    user_id: job.user_id,
    created_at: job.created_at,
    queued_at: job.queued_at,
    scheduled_at: job.scheduled_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
    duration: seconds(job.started_at, job.finished_at),
    queued_duration: job.queued_at === null ? null : seconds(job.queued_at, job.started_at),
    exit_code: job.exit_code,
    failure_reason: job.failure_reason,
    log_size: job.log_size,
    artifacts_file: artifact ? { filename: 'artifacts.tar.gz', size: artifact.size } : null,
    artifacts_expire_at: artifact?.expire_at ?? null,
    web_url: `${projectUrl}/-/jobs/${job.id}`,
  };
}

export const RunnerView = Type.Object({
  id: Type.Integer(),
  description: Type.String(),
  tag_list: Type.Array(Type.String()),
  run_untagged: Type.Boolean(),
  active: Type.Boolean(),
  embedded: Type.Boolean(),
  online: Type.Boolean(),
  token_prefix: Type.String(),
  contacted_at: Nullable(Time),
  created_at: Time,
});

export function runnerView(runner: RunnerRow, online: boolean) {
  return {
    id: runner.id,
    description: runner.description,
    tag_list: JSON.parse(runner.tags) as string[],
    run_untagged: runner.run_untagged === 1,
    active: runner.active === 1,
    embedded: runner.embedded === 1,
    online,
    token_prefix: runner.token_prefix,
    contacted_at: runner.contacted_at,
    created_at: runner.created_at,
  };
}
