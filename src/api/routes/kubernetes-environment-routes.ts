import { Type } from 'typebox';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { ErrorView } from '../resource-views.ts';
import { errorResponses, ProjectParams } from '../route-schemas.ts';

const tags = ['environments'];
const EnvironmentParams = Type.Object({
  ...ProjectParams.properties,
  environment_id: Type.Integer({ minimum: 1 }),
});
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableTimestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const Source = {
  deployment_id: Type.Union([Type.Integer(), Type.Null()], {
    description: "the environment's current deployment, when it started the environment on Kubernetes",
  }),
  namespace: Type.Union([Type.String(), Type.Null()], { description: "that deployment's namespace" }),
};
const Owner = Type.Union([Type.Object({ kind: Type.String(), name: Type.String() }), Type.Null()], {
  description: 'the controlling object',
});
const Images = Type.Array(Type.Object({ container: Type.String(), image: Type.String() }));

const WorkloadView = Type.Object({
  kind: Type.String({ description: 'Deployment, StatefulSet, DaemonSet or Job' }),
  name: Type.String(),
  health: Type.Object({
    status: Type.Union([Type.Literal('healthy'), Type.Literal('progressing'), Type.Literal('degraded')]),
    message: Type.String(),
  }),
  replicas: Type.Union([
    Type.Object({
      desired: Type.Integer(),
      ready: Type.Integer(),
      updated: Type.Integer(),
      available: Type.Integer(),
    }),
    Type.Null(),
  ]),
  job: Type.Union([
    Type.Object({
      completions: Type.Integer(),
      active: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
    }),
    Type.Null(),
  ]),
  images: Images,
  created_at: NullableTimestamp,
});

const ReplicaSetView = Type.Object({
  name: Type.String(),
  owner: Owner,
  revision: Type.Union([Type.Integer(), Type.Null()]),
  replicas: Type.Object({ desired: Type.Integer(), ready: Type.Integer(), available: Type.Integer() }),
  images: Images,
  created_at: NullableTimestamp,
});

const ContainerView = Type.Object({
  name: Type.String(),
  image: Type.String(),
  init: Type.Boolean({ description: 'an init container (sidecars included)' }),
  ready: Type.Boolean(),
  restarts: Type.Integer(),
  state: Type.Union([
    Type.Literal('waiting'),
    Type.Literal('running'),
    Type.Literal('terminated'),
    Type.Literal('unknown'),
  ]),
  reason: Type.Union([Type.String(), Type.Null()], {
    description: 'why it waits or terminated: CrashLoopBackOff, ImagePullBackOff, Completed, …',
  }),
  message: NullableString,
});

const PodView = Type.Object({
  name: Type.String(),
  owner: Owner,
  phase: Type.String({ description: 'Pending, Running, Succeeded, Failed or Unknown' }),
  ready: Type.Boolean(),
  restarts: Type.Integer({ description: 'restarts of all its containers' }),
  node: NullableString,
  terminating: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Evicted, Unschedulable, …' }),
  message: NullableString,
  containers: Type.Array(ContainerView),
  created_at: NullableTimestamp,
});

const LiveView = Type.Object({
  ...Source,
  workloads: Type.Array(WorkloadView),
  replica_sets: Type.Array(ReplicaSetView),
  pods: Type.Array(PodView),
});

const DriftView = Type.Object({
  ...Source,
  drifted: Type.Boolean({ description: 'whether any object is modified or missing' }),
  checked_at: Type.String({ format: 'date-time' }),
  objects: Type.Array(
    Type.Object({
      api_version: Type.String(),
      kind: Type.String(),
      name: Type.String(),
      namespace: NullableString,
      state: Type.Union([Type.Literal('in_sync'), Type.Literal('modified'), Type.Literal('missing')]),
      differences: Type.Array(
        Type.Object({
          path: Type.String({
            description: 'JSON Pointer into the object: /spec/template/spec/containers/0/image',
          }),
          expected: Type.Optional(
            Type.Unknown({ description: 'as deployed; absent when the field should not be set' }),
          ),
          actual: Type.Optional(Type.Unknown({ description: 'live; absent when the field is gone' })),
        }),
        { description: 'Secret values read "(secret value)"' },
      ),
      message: NullableString,
    }),
  ),
});

const responses = { ...errorResponses, 503: ErrorView };

/**
 * `/projects/:id/environments/:environment_id/kubernetes`: what runs in an environment deployed by
 * the Kubernetes deployer (from a watch-fed cache) and `/drift`, how the live objects differ from its
 * current deployment's snapshot. Reporters and up; the cluster unreachable is a 503.
 */
export function kubernetesEnvironmentRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/environments/:environment_id/kubernetes',
    {
      schema: {
        summary: "Live view of an environment's workloads, ReplicaSets and pods on Kubernetes",
        tags,
        params: EnvironmentParams,
        response: { 200: LiveView, ...responses },
      },
    },
    async (request) => {
      const { id, environment_id } = request.params;
      return deps.kubernetesEnvironments.liveView(request.actor!, id, environment_id);
    },
  );

  app.get(
    '/projects/:id/environments/:environment_id/kubernetes/drift',
    {
      schema: {
        summary: "Drift of an environment's Kubernetes objects from its current deployment",
        tags,
        params: EnvironmentParams,
        response: { 200: DriftView, ...responses },
      },
    },
    async (request) => {
      const { id, environment_id } = request.params;
      return deps.kubernetesEnvironments.drift(request.actor!, id, environment_id);
    },
  );
}
