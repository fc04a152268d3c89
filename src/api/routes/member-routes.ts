import { Type } from 'typebox';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { MemberView, memberView } from '../resource-views.ts';
import { errorResponses, ProjectParams } from '../route-schemas.ts';

const tags = ['members'];
const MemberParams = Type.Object({ ...ProjectParams.properties, user_id: Type.Integer({ minimum: 1 }) });
const AccessLevel = Type.Integer({ description: '20 reporter, 30 developer, 40 maintainer' });

/** `/projects/:id/members`, as GitLab's members API. */
export function memberRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/members',
    {
      schema: {
        summary: 'List members of a project',
        tags,
        params: ProjectParams,
        response: { 200: Type.Array(MemberView), ...errorResponses },
      },
    },
    async (request) => (await deps.members.list(request.actor!, request.params.id)).map(memberView),
  );

  app.get(
    '/projects/:id/members/:user_id',
    {
      schema: {
        summary: 'Get a member',
        tags,
        params: MemberParams,
        response: { 200: MemberView, ...errorResponses },
      },
    },
    async (request) =>
      memberView(await deps.members.get(request.actor!, request.params.id, request.params.user_id)),
  );

  app.post(
    '/projects/:id/members',
    {
      schema: {
        summary: 'Add a member (maintainers)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          { user_id: Type.Integer({ minimum: 1 }), access_level: AccessLevel },
          { additionalProperties: false },
        ),
        response: { 201: MemberView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { user_id, access_level } = request.body;
      const member = await deps.members.add(request.actor!, request.params.id, user_id, access_level);
      return reply.status(201).send(memberView(member));
    },
  );

  app.put(
    '/projects/:id/members/:user_id',
    {
      schema: {
        summary: "Change a member's role (maintainers)",
        tags,
        params: MemberParams,
        body: Type.Object({ access_level: AccessLevel }, { additionalProperties: false }),
        response: { 200: MemberView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, user_id } = request.params;
      return memberView(await deps.members.update(request.actor!, id, user_id, request.body.access_level));
    },
  );

  app.delete(
    '/projects/:id/members/:user_id',
    {
      schema: {
        summary: 'Remove a member (maintainers)',
        tags,
        params: MemberParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.members.remove(request.actor!, request.params.id, request.params.user_id);
      return reply.status(204).send(null);
    },
  );
}
