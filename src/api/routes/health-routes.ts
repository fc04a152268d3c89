import type { ApiDeps, GantryApp } from '../gantry-app.ts';

/** `/healthz` (the process answers) and `/readyz` (it can serve: database reachable, not stopping). */
export function healthRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const ready = await deps.ready();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
}
