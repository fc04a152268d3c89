import { Type } from 'typebox';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import type { RebuildOutcome } from '../../services/rebuild-service.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import {
  RebuildPipelineView,
  RebuildScheduleView,
  rebuildPipelineView,
  rebuildScheduleView,
} from '../rebuild-view.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['rebuilds'];
const EnvironmentParams = Type.Object({
  ...ProjectParams.properties,
  environment_id: Type.Integer({ minimum: 1 }),
});
const ScheduleParams = Type.Object({
  ...ProjectParams.properties,
  schedule_id: Type.Integer({ minimum: 1 }),
});
const EnvironmentNames = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
  minItems: 1,
  maxItems: 100,
});
const ScheduleEnvironments = Type.Union([EnvironmentNames, Type.Null()], {
  description: 'environment names; null (the default) for every environment that runs a deployment',
});
const Description = Type.String({ minLength: 1, maxLength: 255 });
const Cron = Type.String({ minLength: 1, maxLength: 255, description: 'five fields, e.g. 0 4 * * 1' });
const Timezone = Type.String({ minLength: 1, maxLength: 100, description: 'IANA time zone, default UTC' });
const Created = { 201: Type.Array(RebuildPipelineView), ...errorResponses };

/**
 * Rebuilds of what is deployed (docs/rebuilds.md): of one environment, of several or all, and the
 * schedules that start them.
 */
export function rebuildRoutes(app: GantryApp, deps: ApiDeps): void {
  const views = ({ project, pipelines }: RebuildOutcome) =>
    pipelines.map((created) => rebuildPipelineView(created, `${deps.externalUrl}/${project.path}`));

  app.post(
    '/projects/:id/environments/:environment_id/rebuild',
    {
      schema: {
        summary: 'Rebuild what an environment runs: its deployed commit, built afresh, deployed again',
        tags,
        params: EnvironmentParams,
        response: Created,
      },
    },
    async (request, reply) => {
      const { id, environment_id } = request.params;
      const outcome = await deps.rebuilds.rebuildEnvironment(request.actor!, id, environment_id);
      return reply.status(201).send(views(outcome));
    },
  );

  app.post(
    '/projects/:id/rebuild',
    {
      schema: {
        summary: 'Rebuild what environments run (the ones named, or every one that runs a deployment)',
        tags,
        params: ProjectParams,
        // No body at all is fine (Fastify validates a missing body as null).
        body: Type.Union([
          Type.Object({ environments: Type.Optional(EnvironmentNames) }, { additionalProperties: false }),
          Type.Null(),
        ]),
        response: Created,
      },
    },
    async (request, reply) => {
      const outcome = await deps.rebuilds.rebuildProject(
        request.actor!,
        request.params.id,
        request.body?.environments ?? null,
      );
      return reply.status(201).send(views(outcome));
    },
  );

  app.get(
    '/projects/:id/rebuild_schedules',
    {
      schema: {
        summary: 'List rebuild schedules',
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: Type.Array(RebuildScheduleView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.rebuildSchedules.list(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(rebuildScheduleView);
    },
  );

  app.get(
    '/projects/:id/rebuild_schedules/:schedule_id',
    {
      schema: {
        summary: 'Get a rebuild schedule with its last run',
        tags,
        params: ScheduleParams,
        response: { 200: RebuildScheduleView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, schedule_id } = request.params;
      return rebuildScheduleView(await deps.rebuildSchedules.get(request.actor!, id, schedule_id));
    },
  );

  app.post(
    '/projects/:id/rebuild_schedules',
    {
      schema: {
        summary: 'Create a rebuild schedule (maintainers; it runs as you)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            description: Description,
            environments: Type.Optional(ScheduleEnvironments),
            cron: Cron,
            cron_timezone: Type.Optional(Timezone),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: RebuildScheduleView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const details = await deps.rebuildSchedules.create(request.actor!, request.params.id, request.body);
      return reply.status(201).send(rebuildScheduleView(details));
    },
  );

  app.put(
    '/projects/:id/rebuild_schedules/:schedule_id',
    {
      schema: {
        summary: 'Update a rebuild schedule (maintainers)',
        tags,
        params: ScheduleParams,
        body: Type.Object(
          {
            description: Type.Optional(Description),
            environments: Type.Optional(ScheduleEnvironments),
            cron: Type.Optional(Cron),
            cron_timezone: Type.Optional(Timezone),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: RebuildScheduleView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, schedule_id } = request.params;
      return rebuildScheduleView(
        await deps.rebuildSchedules.update(request.actor!, id, schedule_id, request.body),
      );
    },
  );

  app.delete(
    '/projects/:id/rebuild_schedules/:schedule_id',
    {
      schema: {
        summary: 'Delete a rebuild schedule (maintainers)',
        tags,
        params: ScheduleParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.rebuildSchedules.delete(request.actor!, request.params.id, request.params.schedule_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/projects/:id/rebuild_schedules/:schedule_id/play',
    {
      schema: {
        summary: 'Run a rebuild schedule now, as you (maintainers); the next timed run is unchanged',
        tags,
        params: ScheduleParams,
        response: Created,
      },
    },
    async (request, reply) => {
      const { id, schedule_id } = request.params;
      const outcome = await deps.rebuildSchedules.play(request.actor!, id, schedule_id);
      return reply.status(201).send(views(outcome));
    },
  );
}
