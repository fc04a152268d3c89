import { Type } from 'typebox';
import { readCookie, SESSION_COOKIE } from '../authenticate.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { UserView, userView } from '../resource-views.ts';
import { errorResponses } from '../route-schemas.ts';

/** Password sign-in for the web UI: a session token in an HttpOnly, SameSite=Strict cookie. */
export function sessionRoutes(app: GantryApp, deps: ApiDeps): void {
  const secure = deps.externalUrl.startsWith('https:');
  const cookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;

  app.post(
    '/session',
    {
      config: { public: true },
      schema: {
        summary: 'Sign in with username and password; sets the session cookie',
        tags: ['session'],
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 255 }),
            password: Type.String({ maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: UserView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = await deps.auth.authenticatePassword(request.body.username, request.body.password);
      const session = await deps.auth.createSession(actor.userId);
      const maxAge = Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000);
      reply.header('set-cookie', cookie(session.token, maxAge));
      return userView(await deps.users.current(actor));
    },
  );

  app.delete(
    '/session',
    {
      config: { public: true },
      schema: { summary: 'Sign out', tags: ['session'], response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (token) await deps.auth.endSession(token);
      reply.header('set-cookie', cookie('', 0));
      return reply.status(204).send(null);
    },
  );
}
