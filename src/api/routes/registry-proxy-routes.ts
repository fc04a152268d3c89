import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';

/**
 * The Registry HTTP API V2 at `/v2/`, answered by the registry proxy (docs/registry.md). Bodies are
 * never parsed: in this scope every content type (and none) is left unread for the proxy to stream,
 * so blob uploads of any size pass through without being buffered.
 */
export async function registryProxyRoutes(app: GantryApp, deps: ApiDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      await deps.registryProxy.handle(request.raw, reply.raw);
    };
    // `/v2/` itself (the version check and login): with ignoreTrailingSlash it is the route `/v2`.
    scope.route({
      method: ['GET', 'HEAD'],
      url: '/v2',
      config: { public: true },
      schema: { hide: true },
      handler,
    });
    scope.route({
      method: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
      url: '/v2/*',
      config: { public: true },
      schema: { hide: true },
      handler,
    });
  });
}
