import { Type } from 'typebox';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { ErrorView } from '../resource-views.ts';
import { errorResponses, ProjectParams } from '../route-schemas.ts';

const EnvironmentParams = Type.Object({
  ...ProjectParams.properties,
  environment_id: Type.Integer({ minimum: 1 }),
});

const ContainerView = Type.Object({
  name: Type.String({ description: 'the container name of the manifest' }),
  image: Type.String(),
  digest: Type.Union([Type.String(), Type.Null()], {
    description: "the image's digest (the registry's manifest digest when pulled)",
  }),
  state: Type.String({ description: "Podman's state: created, running, exited, stopped, paused…" }),
  health: Type.Union([Type.String(), Type.Null()], {
    description: 'starting, healthy or unhealthy; null without a health check',
  }),
  restarts: Type.Integer(),
  exit_code: Type.Union([Type.Integer(), Type.Null()], { description: 'of its last run, when not running' }),
  started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  ports: Type.Array(
    Type.Object({ host_ip: Type.String(), host_port: Type.Integer(), container_port: Type.Integer() }),
  ),
});

const PodmanStatus = Type.Object({
  target: Type.Object({ id: Type.Integer(), name: Type.String() }),
  pods: Type.Array(
    Type.Object({
      name: Type.String(),
      status: Type.String({ description: "Podman's pod status: Running, Degraded, Exited, Created…" }),
      containers: Type.Array(ContainerView),
    }),
  ),
});

/**
 * `/projects/:id/environments/:environment_id/podman`: what runs of an environment served by a
 * Podman target, read live from its host. Reporters and up; 404 when the target is not Podman, 503
 * when the host cannot be reached.
 */
export function podmanEnvironmentRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/environments/:environment_id/podman',
    {
      schema: {
        summary: "Live status of an environment's pods and containers on its Podman host",
        tags: ['environments'],
        params: EnvironmentParams,
        response: { 200: PodmanStatus, ...errorResponses, 503: ErrorView },
      },
    },
    async (request) => {
      const { id, environment_id } = request.params;
      return deps.podmanEnvironments.status(request.actor!, id, environment_id);
    },
  );
}
