import { Type } from 'typebox';
import { TOKEN_SCOPES } from '../../domain/actor.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { TokenView, tokenView, UserView, userView } from '../resource-views.ts';
import { errorResponses, PageQuery } from '../route-schemas.ts';

const UserParams = Type.Object({ user_id: Type.Integer({ minimum: 1 }) });
const TokenParams = Type.Object({ token_id: Type.Integer({ minimum: 1 }) });
const Password = Type.String({ minLength: 8, maxLength: 1024 });
const tags = ['users'];

/** Users and personal access tokens, after GitLab's `/user`, `/users` and `/personal_access_tokens`. */
export function userRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/user',
    { schema: { summary: 'The current user', tags, response: { 200: UserView, ...errorResponses } } },
    async (request) => userView(await deps.users.current(request.actor!)),
  );

  app.get(
    '/users',
    {
      schema: {
        summary: 'List users; ?username= finds one by name',
        tags,
        querystring: Type.Object({
          ...PageQuery.properties,
          username: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'exact' })),
        }),
        response: { 200: Type.Array(UserView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page: number, per_page, username } = request.query;
      const page = await deps.users.list(
        request.actor!,
        pageRequest(number, per_page),
        username === undefined ? {} : { username },
      );
      reply.headers(paginationHeaders(page));
      return page.items.map(userView);
    },
  );

  app.get(
    '/users/:user_id',
    {
      schema: {
        summary: 'Get a user',
        tags,
        params: UserParams,
        response: { 200: UserView, ...errorResponses },
      },
    },
    async (request) => userView(await deps.users.get(request.actor!, request.params.user_id)),
  );

  app.post(
    '/users',
    {
      schema: {
        summary: 'Create a user (admins)',
        tags,
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 255 }),
            name: Type.Optional(Type.String({ maxLength: 255 })),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
            password: Type.Optional(Password),
            admin: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(userView(await deps.users.create(request.actor!, request.body))),
  );

  app.put(
    '/users/:user_id',
    {
      schema: {
        summary: 'Update a user (admins; users may change their own name, email and password)',
        tags,
        params: UserParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 255 })),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
            password: Type.Optional(Password),
            admin: Type.Optional(Type.Boolean()),
            state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('blocked')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: UserView, ...errorResponses },
      },
    },
    async (request) =>
      userView(await deps.users.update(request.actor!, request.params.user_id, request.body)),
  );

  app.delete(
    '/users/:user_id',
    {
      schema: {
        summary: 'Delete a user (admins)',
        tags,
        params: UserParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.users.delete(request.actor!, request.params.user_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/users/:user_id/personal_access_tokens',
    {
      schema: {
        summary: 'Create a personal access token (for yourself; admins for anyone). The token is shown once.',
        tags,
        params: UserParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 255 }),
            scopes: Type.Array(Type.Union(TOKEN_SCOPES.map((s) => Type.Literal(s))), { minItems: 1 }),
            expires_at: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Intersect([TokenView, Type.Object({ token: Type.String() })]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const issued = await deps.users.createToken(request.actor!, request.params.user_id, request.body);
      return reply.status(201).send({ ...tokenView(issued.row), token: issued.token });
    },
  );

  app.get(
    '/personal_access_tokens',
    {
      schema: {
        summary: 'List your tokens (admins: everyone’s, or one user’s with user_id)',
        tags,
        querystring: Type.Object({ user_id: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: Type.Array(TokenView), ...errorResponses },
      },
    },
    async (request) =>
      (await deps.users.listTokens(request.actor!, request.query.user_id)).map((t) => tokenView(t)),
  );

  app.get(
    '/personal_access_tokens/:token_id',
    {
      schema: {
        summary: 'Get a token',
        tags,
        params: TokenParams,
        response: { 200: TokenView, ...errorResponses },
      },
    },
    async (request) => tokenView(await deps.users.getToken(request.actor!, request.params.token_id)),
  );

  app.delete(
    '/personal_access_tokens/:token_id',
    {
      schema: {
        summary: 'Revoke a token',
        tags,
        params: TokenParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.users.revokeToken(request.actor!, request.params.token_id);
      return reply.status(204).send(null);
    },
  );
}
