import { parseGitHttpUrl } from '../../git/http-backend.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';

/**
 * Git smart HTTP at `/<project path>.git/…`; other paths go on to the not-found handler. Git's
 * request bodies are streamed to `git http-backend` untouched, so this route claims git's content
 * types without parsing them.
 */
export function gitRoutes(app: GantryApp, deps: ApiDeps): void {
  app.addContentTypeParser(
    ['application/x-git-upload-pack-request', 'application/x-git-receive-pack-request'],
    (_request, _payload, done) => done(null),
  );
  app.route({
    method: ['GET', 'POST'],
    url: '/*',
    config: { public: true },
    schema: { hide: true },
    handler: async (request, reply) => {
      const path = parseGitHttpUrl(request.url);
      // Not git: the not-found handler answers (the web UI, or the JSON 404).
      if (path === null) return reply.callNotFound();
      reply.hijack();
      try {
        await deps.git.serve(request.raw, reply.raw, path);
      } catch (error) {
        // The reply is hijacked, so Fastify's error handler cannot answer: do it here.
        request.log.error({ err: error }, 'git request failed');
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        reply.raw.end('internal server error\n');
      }
    },
  });
}
