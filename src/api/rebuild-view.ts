import { Type } from 'typebox';
import type { RebuildScheduleDetails } from '../services/rebuild-schedule-service.ts';
import { parseEnvironments } from '../services/rebuild-schedule-service.ts';
import type { RebuildPipeline } from '../services/rebuild-service.ts';
import { PipelineView, pipelineView } from './ci-views.ts';

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

/** A pipeline a rebuild created: the pipeline as everywhere, and the environments it redeploys. */
export const RebuildPipelineView = Type.Object({
  ...PipelineView.properties,
  environments: Type.Array(Type.String(), { description: 'the environments this pipeline deploys to' }),
});

export function rebuildPipelineView(created: RebuildPipeline, projectUrl: string) {
  return { ...pipelineView(created.pipeline, projectUrl), environments: created.environments };
}

export const RebuildScheduleView = Type.Object({
  id: Type.Integer(),
  description: Type.String(),
  environments: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: 'the environments rebuilt; null: every environment that runs a deployment when it fires',
  }),
  cron: Type.String(),
  cron_timezone: Type.String(),
  active: Type.Boolean(),
  next_run_at: NullableTimestamp,
  owner: Type.Union([
    Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String(), state: Type.String() }),
    Type.Null(),
  ]),
  last_run: Type.Union(
    [
      Type.Object({
        at: Timestamp,
        status: Type.String({ description: 'success or failed' }),
        error: Type.Union([Type.String(), Type.Null()], { description: 'why the run failed' }),
        pipelines: Type.Array(
          Type.Object({
            id: Type.Integer(),
            iid: Type.Integer(),
            sha: Type.String(),
            ref: Type.String(),
            status: Type.String(),
          }),
        ),
      }),
      Type.Null(),
    ],
    { description: 'the last run, timed or played; null before the first' },
  ),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export function rebuildScheduleView({ schedule, lastPipelines }: RebuildScheduleDetails) {
  return {
    id: schedule.id,
    description: schedule.description,
    environments: parseEnvironments(schedule.environments),
    cron: schedule.cron,
    cron_timezone: schedule.cron_timezone,
    active: schedule.active === 1,
    next_run_at: schedule.next_run_at,
    owner: schedule.owner,
    last_run:
      schedule.last_run_at === null
        ? null
        : {
            at: schedule.last_run_at,
            status: schedule.last_run_status ?? 'failed',
            error: schedule.last_run_error,
            pipelines: lastPipelines,
          },
    created_at: schedule.created_at,
    updated_at: schedule.updated_at,
  };
}
