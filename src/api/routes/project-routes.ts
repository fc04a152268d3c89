import { Type } from 'typebox';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { ProjectView, PushEventView, projectView, pushEventView } from '../resource-views.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['projects'];
const Text = (maxLength: number) => Type.String({ maxLength });
const MirrorUrl = Type.String({ minLength: 1, maxLength: 2000 });

/** `/projects`: create, list, get, update, delete, and the push events of a project. */
export function projectRoutes(app: GantryApp, deps: ApiDeps): void {
  const view = (project: Parameters<typeof projectView>[0]) => projectView(project, deps.externalUrl);

  app.get(
    '/projects',
    {
      schema: {
        summary: 'List projects you are a member of (admins: all)',
        tags,
        querystring: Type.Object({ ...PageQuery.properties, search: Type.Optional(Text(200)) }),
        response: { 200: Type.Array(ProjectView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, search } = request.query;
      const result = await deps.projects.list(request.actor!, pageRequest(page, per_page), search);
      reply.headers(paginationHeaders(result));
      return result.items.map(view);
    },
  );

  app.post(
    '/projects',
    {
      schema: {
        summary: 'Create a project, hosted or mirrored (mirror_url); you become its maintainer',
        tags,
        body: Type.Object(
          {
            path: Type.String({ minLength: 1, maxLength: 200 }),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
            description: Type.Optional(Text(2000)),
            default_branch: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            mirror_url: Type.Optional(MirrorUrl),
            mirror_username: Type.Optional(Text(255)),
            mirror_password: Type.Optional(Text(4096)),
          },
          { additionalProperties: false },
        ),
        response: { 201: ProjectView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(view(await deps.projects.create(request.actor!, request.body))),
  );

  app.get(
    '/projects/:id',
    {
      schema: {
        summary: 'Get a project',
        tags,
        params: ProjectParams,
        response: { 200: ProjectView, ...errorResponses },
      },
    },
    async (request) => view(await deps.projects.get(request.actor!, request.params.id)),
  );

  app.put(
    '/projects/:id',
    {
      schema: {
        summary: 'Update a project (maintainers)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
            description: Type.Optional(Text(2000)),
            default_branch: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            mirror_url: Type.Optional(Type.Union([MirrorUrl, Type.Null()])),
            mirror_username: Type.Optional(Type.Union([Text(255), Type.Null()])),
            mirror_password: Type.Optional(Type.Union([Text(4096), Type.Null()])),
            prevent_outdated_deployment_jobs: Type.Optional(Type.Boolean()),
            shell_access: Type.Optional(Type.Union([Type.Literal('maintainer'), Type.Literal('developer')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: ProjectView, ...errorResponses },
      },
    },
    async (request) => view(await deps.projects.update(request.actor!, request.params.id, request.body)),
  );

  app.delete(
    '/projects/:id',
    {
      schema: {
        summary: 'Delete a project and its repository (maintainers)',
        tags,
        params: ProjectParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.projects.delete(request.actor!, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/projects/:id/events',
    {
      schema: {
        summary: 'Push events of a project, newest first',
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: Type.Array(PushEventView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.projects.pushEvents(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(pushEventView);
    },
  );
}
