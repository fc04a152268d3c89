import { Type } from 'typebox';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, ProjectParams } from '../route-schemas.ts';

const tags = ['mirrors'];
const MirrorView = Type.Object({
  url: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  has_password: Type.Boolean(),
  webhook_url: Type.String(),
  webhook_secret: Type.String(),
  last_fetched_at: Type.Union([Type.String(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
});
const RefUpdateView = Type.Object({ ref: Type.String(), before: Type.String(), after: Type.String() });

/** Pull-mirror settings, on-demand fetches and the signed incoming webhook that triggers a fetch. */
export function mirrorRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/mirror',
    {
      schema: {
        summary:
          'Mirror settings, with the webhook URL and secret to configure at GitHub, GitLab or Gitea (maintainers)',
        tags,
        params: ProjectParams,
        response: { 200: MirrorView, ...errorResponses },
      },
    },
    async (request) => deps.mirrors.settings(request.actor!, request.params.id),
  );

  app.post(
    '/projects/:id/mirror/pull',
    {
      schema: {
        summary: 'Fetch the mirror now (developers); returns the refs that changed',
        tags,
        params: ProjectParams,
        response: { 200: Type.Object({ updates: Type.Array(RefUpdateView) }), ...errorResponses },
      },
    },
    async (request) => ({ updates: await deps.mirrors.pull(request.actor!, request.params.id) }),
  );

  // The webhook authenticates by its signature over the exact bytes sent, so it needs the raw body.
  app.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    (scoped as GantryApp).post(
      '/projects/:id/mirror/webhook',
      {
        config: { public: true },
        schema: {
          summary:
            'Incoming push webhook from GitHub, GitLab or Gitea (signed with the mirror’s webhook secret)',
          tags,
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          response: {
            200: Type.Object({ provider: Type.String(), event: Type.String(), fetched: Type.Boolean() }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        return deps.mirrors.handleWebhook(request.params.id, request.headers, body);
      },
    );
  });
}
