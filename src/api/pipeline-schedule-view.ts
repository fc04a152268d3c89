import { Type } from 'typebox';
import type { ScheduleVariable } from '../scheduler/schedule-variables.ts';
import type { ScheduleDetails } from '../services/pipeline-schedule-service.ts';
import type { PipelineScheduleWithOwner } from '../store/repositories/pipeline-schedule-repository.ts';

const Timestamp = Type.String({ format: 'date-time' });

export const ScheduleVariableView = Type.Object({
  key: Type.String(),
  value: Type.String(),
  variable_type: Type.Union([Type.Literal('env_var'), Type.Literal('file')]),
});

/**
 * A pipeline schedule as GitLab's API shows it. Lists leave out `last_pipeline` and `variables`;
 * `variables` appears only for the schedule's owner and maintainers.
 */
export const PipelineScheduleView = Type.Object({
  id: Type.Integer(),
  description: Type.String(),
  ref: Type.String(),
  cron: Type.String(),
  cron_timezone: Type.String(),
  next_run_at: Type.Union([Timestamp, Type.Null()]),
  active: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  owner: Type.Union([
    Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String(), state: Type.String() }),
    Type.Null(),
  ]),
  last_pipeline: Type.Optional(
    Type.Union([
      Type.Object({ id: Type.Integer(), sha: Type.String(), ref: Type.String(), status: Type.String() }),
      Type.Null(),
    ]),
  ),
  variables: Type.Optional(Type.Array(ScheduleVariableView)),
});

export const pipelineScheduleView = (schedule: PipelineScheduleWithOwner) => ({
  id: schedule.id,
  description: schedule.description,
  ref: schedule.ref,
  cron: schedule.cron,
  cron_timezone: schedule.cron_timezone,
  next_run_at: schedule.next_run_at,
  active: schedule.active === 1,
  created_at: schedule.created_at,
  updated_at: schedule.updated_at,
  owner: schedule.owner,
});

export const scheduleDetailsView = (details: ScheduleDetails) => ({
  ...pipelineScheduleView(details.schedule),
  last_pipeline: details.lastPipeline,
  ...(details.variables !== undefined && { variables: details.variables.map(scheduleVariableView) }),
});

export const scheduleVariableView = (variable: ScheduleVariable) => ({
  key: variable.key,
  value: variable.value,
  variable_type: variable.variable_type,
});
