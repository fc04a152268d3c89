import { Type } from 'typebox';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { FreezePeriodView, freezePeriodView } from '../freeze-period-view.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['freeze_periods'];
const Cron = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'five fields: minute hour day-of-month month day-of-week, e.g. 0 23 * * 5',
});
const Timezone = Type.String({ minLength: 1, maxLength: 100, description: 'IANA time zone, default UTC' });
const Scope = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'the environments it freezes: *, a name, or a pattern such as review/* (default *)',
});
const PeriodId = Type.Integer({ minimum: 1 });
const ProjectPeriodParams = Type.Object({ ...ProjectParams.properties, freeze_period_id: PeriodId });
const InstancePeriodParams = Type.Object({ freeze_period_id: PeriodId });
const Create = Type.Object(
  {
    freeze_start: Cron,
    freeze_end: Cron,
    cron_timezone: Type.Optional(Timezone),
    environment_scope: Type.Optional(Scope),
  },
  { additionalProperties: false },
);
const Update = Type.Object(
  {
    freeze_start: Type.Optional(Cron),
    freeze_end: Type.Optional(Cron),
    cron_timezone: Type.Optional(Timezone),
    environment_scope: Type.Optional(Scope),
  },
  { additionalProperties: false },
);

/**
 * `/projects/:id/freeze_periods` (maintainers), as GitLab's freeze periods API, and the
 * instance-wide `/freeze_periods` (administrators).
 */
export function freezePeriodRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/freeze_periods',
    {
      schema: {
        summary: 'List freeze periods (maintainers)',
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: Type.Array(FreezePeriodView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.freezePeriods.listProject(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(freezePeriodView);
    },
  );

  app.get(
    '/projects/:id/freeze_periods/:freeze_period_id',
    {
      schema: {
        summary: 'Get a freeze period (maintainers)',
        tags,
        params: ProjectPeriodParams,
        response: { 200: FreezePeriodView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, freeze_period_id } = request.params;
      return freezePeriodView(await deps.freezePeriods.getProject(request.actor!, id, freeze_period_id));
    },
  );

  app.post(
    '/projects/:id/freeze_periods',
    {
      schema: {
        summary: 'Create a freeze period (maintainers)',
        tags,
        params: ProjectParams,
        body: Create,
        response: { 201: FreezePeriodView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const period = await deps.freezePeriods.createProject(request.actor!, request.params.id, request.body);
      return reply.status(201).send(freezePeriodView(period));
    },
  );

  app.put(
    '/projects/:id/freeze_periods/:freeze_period_id',
    {
      schema: {
        summary: 'Change a freeze period (maintainers)',
        tags,
        params: ProjectPeriodParams,
        body: Update,
        response: { 200: FreezePeriodView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, freeze_period_id } = request.params;
      return freezePeriodView(
        await deps.freezePeriods.updateProject(request.actor!, id, freeze_period_id, request.body),
      );
    },
  );

  app.delete(
    '/projects/:id/freeze_periods/:freeze_period_id',
    {
      schema: {
        summary: 'Delete a freeze period (maintainers)',
        tags,
        params: ProjectPeriodParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, freeze_period_id } = request.params;
      await deps.freezePeriods.deleteProject(request.actor!, id, freeze_period_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/freeze_periods',
    {
      schema: {
        summary: 'List instance-wide freeze periods (administrators)',
        tags,
        querystring: PageQuery,
        response: { 200: Type.Array(FreezePeriodView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.freezePeriods.listInstance(request.actor!, pageRequest(page, per_page));
      reply.headers(paginationHeaders(result));
      return result.items.map(freezePeriodView);
    },
  );

  app.get(
    '/freeze_periods/:freeze_period_id',
    {
      schema: {
        summary: 'Get an instance-wide freeze period (administrators)',
        tags,
        params: InstancePeriodParams,
        response: { 200: FreezePeriodView, ...errorResponses },
      },
    },
    async (request) =>
      freezePeriodView(await deps.freezePeriods.getInstance(request.actor!, request.params.freeze_period_id)),
  );

  app.post(
    '/freeze_periods',
    {
      schema: {
        summary: 'Create an instance-wide freeze period, for every project (administrators)',
        tags,
        body: Create,
        response: { 201: FreezePeriodView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const period = await deps.freezePeriods.createInstance(request.actor!, request.body);
      return reply.status(201).send(freezePeriodView(period));
    },
  );

  app.put(
    '/freeze_periods/:freeze_period_id',
    {
      schema: {
        summary: 'Change an instance-wide freeze period (administrators)',
        tags,
        params: InstancePeriodParams,
        body: Update,
        response: { 200: FreezePeriodView, ...errorResponses },
      },
    },
    async (request) =>
      freezePeriodView(
        await deps.freezePeriods.updateInstance(
          request.actor!,
          request.params.freeze_period_id,
          request.body,
        ),
      ),
  );

  app.delete(
    '/freeze_periods/:freeze_period_id',
    {
      schema: {
        summary: 'Delete an instance-wide freeze period (administrators)',
        tags,
        params: InstancePeriodParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.freezePeriods.deleteInstance(request.actor!, request.params.freeze_period_id);
      return reply.status(204).send(null);
    },
  );
}
