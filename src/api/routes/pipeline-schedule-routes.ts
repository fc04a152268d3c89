import { Type } from 'typebox';
import { VARIABLE_KEY_PATTERN } from '../../domain/ci-variable.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import {
  PipelineScheduleView,
  pipelineScheduleView,
  ScheduleVariableView,
  scheduleDetailsView,
  scheduleVariableView,
} from '../pipeline-schedule-view.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['pipeline_schedules'];
const ScheduleParams = Type.Object({
  ...ProjectParams.properties,
  schedule_id: Type.Integer({ minimum: 1 }),
});
const Key = Type.String({ pattern: VARIABLE_KEY_PATTERN });
const VariableParams = Type.Object({ ...ScheduleParams.properties, key: Key });
const VariableType = Type.Union([Type.Literal('env_var'), Type.Literal('file')]);
const Description = Type.String({ maxLength: 255 });
const Ref = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'main, v1.0, refs/heads/main or refs/tags/v1.0',
});
const Cron = Type.String({ minLength: 1, maxLength: 255, description: 'five fields, e.g. 0 1 * * *' });
const Timezone = Type.String({ minLength: 1, maxLength: 100, description: 'IANA time zone, default UTC' });

/** `/projects/:id/pipeline_schedules`, as GitLab's pipeline schedules API. */
export function pipelineScheduleRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/pipeline_schedules',
    {
      schema: {
        summary: 'List pipeline schedules',
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          ...PageQuery.properties,
          scope: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive')])),
        }),
        response: { 200: Type.Array(PipelineScheduleView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, scope } = request.query;
      const result = await deps.pipelineSchedules.list(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
        scope,
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(pipelineScheduleView);
    },
  );

  app.get(
    '/projects/:id/pipeline_schedules/:schedule_id',
    {
      schema: {
        summary: 'Get a pipeline schedule (variables for its owner and maintainers)',
        tags,
        params: ScheduleParams,
        response: { 200: PipelineScheduleView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, schedule_id } = request.params;
      return scheduleDetailsView(await deps.pipelineSchedules.get(request.actor!, id, schedule_id));
    },
  );

  app.post(
    '/projects/:id/pipeline_schedules',
    {
      schema: {
        summary: 'Create a pipeline schedule (developers; you own it)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            description: Description,
            ref: Ref,
            cron: Cron,
            cron_timezone: Type.Optional(Timezone),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: PipelineScheduleView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const details = await deps.pipelineSchedules.create(request.actor!, request.params.id, request.body);
      return reply.status(201).send(scheduleDetailsView(details));
    },
  );

  app.put(
    '/projects/:id/pipeline_schedules/:schedule_id',
    {
      schema: {
        summary: 'Update a pipeline schedule (its owner or maintainers)',
        tags,
        params: ScheduleParams,
        body: Type.Object(
          {
            description: Type.Optional(Description),
            ref: Type.Optional(Ref),
            cron: Type.Optional(Cron),
            cron_timezone: Type.Optional(Timezone),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: PipelineScheduleView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, schedule_id } = request.params;
      return scheduleDetailsView(
        await deps.pipelineSchedules.update(request.actor!, id, schedule_id, request.body),
      );
    },
  );

  app.delete(
    '/projects/:id/pipeline_schedules/:schedule_id',
    {
      schema: {
        summary: 'Delete a pipeline schedule (its owner or maintainers)',
        tags,
        params: ScheduleParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.pipelineSchedules.delete(request.actor!, request.params.id, request.params.schedule_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/projects/:id/pipeline_schedules/:schedule_id/play',
    {
      schema: {
        summary: 'Run a pipeline schedule now, as you (developers); the next timed run is unchanged',
        tags,
        params: ScheduleParams,
        response: { 201: Type.Object({ message: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.pipelineSchedules.play(request.actor!, request.params.id, request.params.schedule_id);
      return reply.status(201).send({ message: '201 Created' });
    },
  );

  app.post(
    '/projects/:id/pipeline_schedules/:schedule_id/variables',
    {
      schema: {
        summary: 'Add a variable to a pipeline schedule (its owner or maintainers)',
        tags,
        params: ScheduleParams,
        body: Type.Object(
          { key: Key, value: Type.String(), variable_type: Type.Optional(VariableType) },
          { additionalProperties: false },
        ),
        response: { 201: ScheduleVariableView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, schedule_id } = request.params;
      const variable = await deps.pipelineSchedules.createVariable(
        request.actor!,
        id,
        schedule_id,
        request.body,
      );
      return reply.status(201).send(scheduleVariableView(variable));
    },
  );

  app.put(
    '/projects/:id/pipeline_schedules/:schedule_id/variables/:key',
    {
      schema: {
        summary: "Change a pipeline schedule's variable (its owner or maintainers)",
        tags,
        params: VariableParams,
        body: Type.Object(
          { value: Type.String(), variable_type: Type.Optional(VariableType) },
          { additionalProperties: false },
        ),
        response: { 200: ScheduleVariableView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, schedule_id, key } = request.params;
      return scheduleVariableView(
        await deps.pipelineSchedules.updateVariable(request.actor!, id, schedule_id, key, request.body),
      );
    },
  );

  app.delete(
    '/projects/:id/pipeline_schedules/:schedule_id/variables/:key',
    {
      schema: {
        summary: "Delete a pipeline schedule's variable (its owner or maintainers)",
        tags,
        params: VariableParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, schedule_id, key } = request.params;
      await deps.pipelineSchedules.deleteVariable(request.actor!, id, schedule_id, key);
      return reply.status(204).send(null);
    },
  );
}
