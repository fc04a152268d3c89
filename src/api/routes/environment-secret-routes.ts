import { Type } from 'typebox';
import { MAX_SECRET_VALUE_BYTES } from '../../domain/environment-secret.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { EnvironmentSecretView, environmentSecretView } from '../environment-secret-view.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['environment_secrets'];
// Keys and scopes are checked by the service, whose errors say what a valid one looks like.
const Key = Type.String({
  minLength: 1,
  maxLength: 253,
  description: 'a Kubernetes Secret key: letters, digits, -, _ and ., not . or starting with ..',
});
const Scope = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'environments served: * (default), an environment name or a pattern such as review/*',
});
const Value = Type.String({
  description: `write-only; at most ${MAX_SECRET_VALUE_BYTES} bytes of UTF-8`,
});
const CreateBody = Type.Object(
  { key: Key, value: Value, environment_scope: Type.Optional(Scope) },
  { additionalProperties: false },
);
const UpdateBody = Type.Object({ value: Value }, { additionalProperties: false });
const SecretParams = Type.Object({ ...ProjectParams.properties, key: Key });
/** Which secret of the key: the one in this scope (default `*`). */
const ScopeQuery = Type.Object({ environment_scope: Type.Optional(Scope) });

/**
 * `/projects/:id/environment_secrets` (maintainers): secrets the deployer gives the environments
 * their scope matches. No answer ever carries a value.
 */
export function environmentSecretRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/environment_secrets',
    {
      schema: {
        summary: "List a project's environment secrets, without values (maintainers)",
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: Type.Array(EnvironmentSecretView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.environmentSecrets.list(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(environmentSecretView);
    },
  );

  app.post(
    '/projects/:id/environment_secrets',
    {
      schema: {
        summary: 'Create an environment secret (maintainers)',
        tags,
        params: ProjectParams,
        body: CreateBody,
        response: { 201: EnvironmentSecretView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const secret = await deps.environmentSecrets.create(request.actor!, request.params.id, request.body);
      return reply.status(201).send(environmentSecretView(secret));
    },
  );

  app.put(
    '/projects/:id/environment_secrets/:key',
    {
      schema: {
        summary: "Change an environment secret's value (maintainers)",
        tags,
        params: SecretParams,
        querystring: ScopeQuery,
        body: UpdateBody,
        response: { 200: EnvironmentSecretView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, key } = request.params;
      return environmentSecretView(
        await deps.environmentSecrets.update(
          request.actor!,
          id,
          key,
          request.body.value,
          request.query.environment_scope,
        ),
      );
    },
  );

  app.delete(
    '/projects/:id/environment_secrets/:key',
    {
      schema: {
        summary: 'Delete an environment secret (maintainers)',
        tags,
        params: SecretParams,
        querystring: ScopeQuery,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, key } = request.params;
      await deps.environmentSecrets.delete(request.actor!, id, key, request.query.environment_scope);
      return reply.status(204).send(null);
    },
  );
}
