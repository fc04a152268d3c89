import { Type } from 'typebox';
import { MAX_REQUIRED_APPROVALS } from '../../services/protected-environment-service.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import {
  LogsAccess,
  ProtectedEnvironmentView,
  protectedEnvironmentView,
} from '../protected-environment-view.ts';
import { errorResponses, ProjectParams } from '../route-schemas.ts';

const tags = ['protected_environments'];
const Name = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'an environment name or a glob such as review/* (URL-encoded in paths: review%2F*)',
});
const NameParams = Type.Object({ ...ProjectParams.properties, name: Name });
const Grant = Type.Object(
  {
    access_level: Type.Optional(Type.Integer({ description: '20 reporter, 30 developer, 40 maintainer' })),
    user_id: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, description: 'exactly one of access_level or user_id' },
);
const Grants = Type.Array(Grant, { maxItems: 100 });
const RequiredApprovals = Type.Integer({ minimum: 0, maximum: MAX_REQUIRED_APPROVALS });

/**
 * `/projects/:id/protected_environments`, as GitLab's protected environments API: who may deploy
 * to environments a name or glob matches, and how many approvals from whom deployments need.
 * Maintainers only.
 */
export function protectedEnvironmentRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/protected_environments',
    {
      schema: {
        summary: 'List protected environments (maintainers)',
        tags,
        params: ProjectParams,
        response: { 200: Type.Array(ProtectedEnvironmentView), ...errorResponses },
      },
    },
    async (request) =>
      (await deps.protectedEnvironments.list(request.actor!, request.params.id)).map(
        protectedEnvironmentView,
      ),
  );

  app.get(
    '/projects/:id/protected_environments/:name',
    {
      schema: {
        summary: 'Get a protected environment by its name or glob (maintainers)',
        tags,
        params: NameParams,
        response: { 200: ProtectedEnvironmentView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, name } = request.params;
      return protectedEnvironmentView(await deps.protectedEnvironments.get(request.actor!, id, name));
    },
  );

  app.post(
    '/projects/:id/protected_environments',
    {
      schema: {
        summary: 'Protect the environments a name or glob matches (maintainers)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            name: Name,
            deploy_access_levels: Type.Optional(Grants),
            required_approval_count: Type.Optional(RequiredApprovals),
            approval_rules: Type.Optional(Grants),
            allow_self_approval: Type.Optional(Type.Boolean()),
            shell_enabled: Type.Optional(Type.Boolean()),
            logs_access: Type.Optional(LogsAccess),
          },
          { additionalProperties: false },
        ),
        response: { 201: ProtectedEnvironmentView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const rule = await deps.protectedEnvironments.create(request.actor!, request.params.id, request.body);
      return reply.status(201).send(protectedEnvironmentView(rule));
    },
  );

  app.put(
    '/projects/:id/protected_environments/:name',
    {
      schema: {
        summary: 'Change a protected environment; lists given replace the stored ones (maintainers)',
        tags,
        params: NameParams,
        body: Type.Object(
          {
            deploy_access_levels: Type.Optional(Grants),
            required_approval_count: Type.Optional(RequiredApprovals),
            approval_rules: Type.Optional(Grants),
            allow_self_approval: Type.Optional(Type.Boolean()),
            shell_enabled: Type.Optional(Type.Boolean()),
            logs_access: Type.Optional(LogsAccess),
          },
          { additionalProperties: false },
        ),
        response: { 200: ProtectedEnvironmentView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, name } = request.params;
      return protectedEnvironmentView(
        await deps.protectedEnvironments.update(request.actor!, id, name, request.body),
      );
    },
  );

  app.delete(
    '/projects/:id/protected_environments/:name',
    {
      schema: {
        summary: 'Unprotect: delete a protected environment (maintainers)',
        tags,
        params: NameParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, name } = request.params;
      await deps.protectedEnvironments.delete(request.actor!, id, name);
      return reply.status(204).send(null);
    },
  );
}
