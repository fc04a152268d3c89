import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { authenticationHook } from './authenticate.ts';
import { handleError } from './error-response.ts';
import type { ApiDeps, GantryApp } from './gantry-app.ts';
import { auditEventRoutes } from './routes/audit-event-routes.ts';
import { ciVariableRoutes } from './routes/ci-variable-routes.ts';
import { deploymentApprovalRoutes } from './routes/deployment-approval-routes.ts';
import { deploymentRoutes } from './routes/deployment-routes.ts';
import { environmentMetricsRoutes } from './routes/environment-metrics-routes.ts';
import { environmentOperationsRoutes } from './routes/environment-operations-routes.ts';
import { environmentRoutes } from './routes/environment-routes.ts';
import { environmentSecretRoutes } from './routes/environment-secret-routes.ts';
import { freezePeriodRoutes } from './routes/freeze-period-routes.ts';
import { gitRoutes } from './routes/git-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { jobArtifactRoutes } from './routes/job-artifact-routes.ts';
import { jobRoutes } from './routes/job-routes.ts';
import { kubernetesEnvironmentRoutes } from './routes/kubernetes-environment-routes.ts';
import { liveEventRoutes } from './routes/live-event-routes.ts';
import { memberRoutes } from './routes/member-routes.ts';
import { mirrorRoutes } from './routes/mirror-routes.ts';
import { pipelineRoutes } from './routes/pipeline-routes.ts';
import { pipelineScheduleRoutes } from './routes/pipeline-schedule-routes.ts';
import { podmanEnvironmentRoutes } from './routes/podman-environment-routes.ts';
import { projectHookRoutes } from './routes/project-hook-routes.ts';
import { projectRoutes } from './routes/project-routes.ts';
import { protectedEnvironmentRoutes } from './routes/protected-environment-routes.ts';
import { protectedRefRoutes } from './routes/protected-ref-routes.ts';
import { rebuildRoutes } from './routes/rebuild-routes.ts';
import { registryProxyRoutes } from './routes/registry-proxy-routes.ts';
import { registryRoutes } from './routes/registry-routes.ts';
import { releaseRoutes } from './routes/release-routes.ts';
import { runnerRoutes } from './routes/runner-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { targetRoutes } from './routes/target-routes.ts';
import { userRoutes } from './routes/user-routes.ts';
import { validatorCompiler } from './validation.ts';
import { webUiRoutes } from './web-ui-routes.ts';

export const API_PREFIX = '/api/v1';

/** A registered route, as the authorization tests enumerate them. */
export interface RouteSummary {
  method: string;
  url: string;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, in registration order (HEAD twins of GET routes left out). */
    routeSummaries: RouteSummary[];
  }
}

/**
 * Builds the HTTP server: the `/api/v1` REST API (authenticated, schema-validated, documented at
 * `/api/v1/openapi.json`), health probes, git smart HTTP at `/<project path>.git/…`, and the web UI
 * at every other path.
 */
export async function buildApp(deps: ApiDeps, options: { logger: FastifyBaseLogger }): Promise<GantryApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: deps.bodyLimitBytes,
    // Project ids may be URL-encoded paths (group%2Fapp), which must stay one parameter.
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider() as unknown as GantryApp;

  // While shutting down, answers to requests still in flight close their connection, so a
  // keep-alive client does not hold the process open until its idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(handleError);
  // The web UI answers what no route does (JSON 404 under /api/); git hands non-git paths on to it.
  webUiRoutes(app, deps.webDir);
  app.decorateRequest('actor', null);
  app.decorateRequest('authMethod', null);
  const routeSummaries: RouteSummary[] = [];
  app.decorate('routeSummaries', routeSummaries);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routeSummaries.push({ method, url: route.url, public: route.config?.public === true });
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Gantry API', version: '1', description: 'Self-hosted continuous delivery' },
      servers: [{ url: deps.externalUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          privateToken: { type: 'apiKey', in: 'header', name: 'PRIVATE-TOKEN' },
          session: { type: 'apiKey', in: 'cookie', name: 'gantry_session' },
        },
      },
      security: [{ bearer: [] }, { privateToken: [] }, { session: [] }],
    },
  });

  await app.register(websocket, { options: { maxPayload: 16 * 1024 * 1024 } });
  healthRoutes(app, deps);
  gitRoutes(app, deps);
  await registryProxyRoutes(app, deps);
  await app.register(
    async (api) => {
      const scoped = api as GantryApp;
      scoped.addHook('onRequest', authenticationHook(deps.auth, new URL(deps.externalUrl).origin));
      scoped.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
      sessionRoutes(scoped, deps);
      userRoutes(scoped, deps);
      projectRoutes(scoped, deps);
      memberRoutes(scoped, deps);
      mirrorRoutes(scoped, deps);
      ciVariableRoutes(scoped, deps);
      environmentRoutes(scoped, deps);
      protectedRefRoutes(scoped, deps);
      protectedEnvironmentRoutes(scoped, deps);
      freezePeriodRoutes(scoped, deps);
      deploymentApprovalRoutes(scoped, deps);
      auditEventRoutes(scoped, deps);
      releaseRoutes(scoped, deps);
      projectHookRoutes(scoped, deps);
      targetRoutes(scoped, deps);
      environmentSecretRoutes(scoped, deps);
      registryRoutes(scoped, deps);
      kubernetesEnvironmentRoutes(scoped, deps);
      podmanEnvironmentRoutes(scoped, deps);
      environmentOperationsRoutes(scoped, deps);
      environmentMetricsRoutes(scoped, deps);
      pipelineScheduleRoutes(scoped, deps);
      rebuildRoutes(scoped, deps);
      pipelineRoutes(scoped, deps);
      deploymentRoutes(scoped, deps);
      jobRoutes(scoped, deps);
      jobArtifactRoutes(scoped, deps);
      runnerRoutes(scoped, deps);
      liveEventRoutes(scoped, deps);
    },
    { prefix: API_PREFIX },
  );
  return app;
}
