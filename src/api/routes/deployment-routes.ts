import { Type } from 'typebox';
import { DEPLOYMENT_STATUSES } from '../../domain/deployment-status.ts';
import { EXTERNAL_DEPLOYMENT_STATES } from '../../domain/external-deployment-state.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { PROCESS_MODES } from '../../domain/resource-queue.ts';
import { API_DEPLOYMENT_STATUSES } from '../../services/deployment-service.ts';
import { DEPLOYMENT_ORDER_COLUMNS } from '../../store/repositories/deployment-repository.ts';
import {
  AutoDeployRuleView,
  autoDeployRuleView,
  DeploymentLockView,
  DeploymentStatusView,
  deploymentLockView,
  deploymentStatusView,
  ResourceGroupView,
  resourceGroupView,
} from '../deployment-views.ts';
import {
  DeploymentView,
  deploymentView,
  EnvironmentDetailsView,
  environmentDetailsView,
} from '../environment-view.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['deployments'];
const DeploymentParams = Type.Object({
  ...ProjectParams.properties,
  deployment_id: Type.Integer({ minimum: 1 }),
});
const EnvironmentParams = Type.Object({
  ...ProjectParams.properties,
  environment_id: Type.Integer({ minimum: 1 }),
});
const Sha = Type.String({ pattern: '^[0-9a-f]{40}$' });
const Ref = Type.String({ minLength: 1, maxLength: 255 });
const Enum = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));
const FreezeOverride = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 1000,
    description: 'deploy through an active freeze window (maintainers); the reason is audited',
  }),
);

/**
 * Deployments (GitLab's `/projects/:id/deployments`), deploy / re-deploy / stop on environments,
 * rollback, statuses from external deployers, deployment locks, resource groups and auto-deploy
 * rules. Handlers validate, then call one service.
 */
export function deploymentRoutes(app: GantryApp, deps: ApiDeps): void {
  const view = async (row: Parameters<typeof deploymentView>[0]) =>
    deploymentView(row, await deps.deployments.relations([row]));

  app.get(
    '/projects/:id/deployments',
    {
      schema: {
        summary: 'List deployments (history), newest first by default',
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          ...PageQuery.properties,
          environment: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          status: Type.Optional(Enum(DEPLOYMENT_STATUSES)),
          updated_after: Type.Optional(Type.String({ format: 'date-time' })),
          updated_before: Type.Optional(Type.String({ format: 'date-time' })),
          order_by: Type.Optional(Enum(DEPLOYMENT_ORDER_COLUMNS)),
          sort: Type.Optional(Enum(['asc', 'desc'] as const)),
        }),
        response: { 200: Type.Array(DeploymentView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await deps.deployments.list(
        request.actor!,
        request.params.id,
        {
          environment: q.environment,
          status: q.status,
          updatedAfter: q.updated_after && new Date(q.updated_after).toISOString(),
          updatedBefore: q.updated_before && new Date(q.updated_before).toISOString(),
        },
        { by: q.order_by ?? 'id', sort: q.sort ?? 'desc' },
        pageRequest(q.page, q.per_page),
      );
      reply.headers(paginationHeaders(page));
      const relations = await deps.deployments.relations(page.items);
      return page.items.map((row) => deploymentView(row, relations));
    },
  );

  app.get(
    '/projects/:id/deployments/:deployment_id',
    {
      schema: {
        summary: 'Get a deployment',
        tags,
        params: DeploymentParams,
        response: { 200: DeploymentView, ...errorResponses },
      },
    },
    async (request) =>
      view(await deps.deployments.get(request.actor!, request.params.id, request.params.deployment_id)),
  );

  app.post(
    '/projects/:id/deployments',
    {
      schema: {
        summary: 'Record a deployment made by another tool (developers)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            environment: Type.String({ minLength: 1, maxLength: 255 }),
            sha: Sha,
            ref: Ref,
            tag: Type.Boolean(),
            status: Enum(API_DEPLOYMENT_STATUSES),
          },
          { additionalProperties: false },
        ),
        response: { 201: DeploymentView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await deps.deployments.create(request.actor!, request.params.id, request.body);
      return reply.status(201).send(await view(created));
    },
  );

  app.put(
    '/projects/:id/deployments/:deployment_id',
    {
      schema: {
        summary: 'Update the status of a deployment recorded by another tool (developers)',
        tags,
        params: DeploymentParams,
        body: Type.Object({ status: Enum(API_DEPLOYMENT_STATUSES) }, { additionalProperties: false }),
        response: { 200: DeploymentView, ...errorResponses },
      },
    },
    async (request) =>
      view(
        await deps.deployments.updateStatus(
          request.actor!,
          request.params.id,
          request.params.deployment_id,
          request.body.status,
        ),
      ),
  );

  app.delete(
    '/projects/:id/deployments/:deployment_id',
    {
      schema: {
        summary: 'Delete a finished deployment that is not current (maintainers)',
        tags,
        params: DeploymentParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.deployments.delete(request.actor!, request.params.id, request.params.deployment_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/projects/:id/deployments/:deployment_id/statuses',
    {
      schema: {
        summary: 'List the statuses external deployers reported for a deployment',
        tags,
        params: DeploymentParams,
        response: { 200: Type.Array(DeploymentStatusView), ...errorResponses },
      },
    },
    async (request) =>
      (await deps.deployments.statuses(request.actor!, request.params.id, request.params.deployment_id)).map(
        deploymentStatusView,
      ),
  );

  app.post(
    '/projects/:id/deployments/:deployment_id/statuses',
    {
      schema: {
        summary: 'Report the status of a deployment (external deployers, GitHub Deployments model)',
        tags,
        params: DeploymentParams,
        body: Type.Object(
          {
            state: Enum(EXTERNAL_DEPLOYMENT_STATES),
            description: Type.Optional(Type.String({ maxLength: 1000 })),
            log_url: Type.Optional(Type.String({ maxLength: 2048 })),
            environment_url: Type.Optional(Type.String({ maxLength: 2048 })),
            auto_inactive: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: DeploymentStatusView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await deps.deployments.reportStatus(
        request.actor!,
        request.params.id,
        request.params.deployment_id,
        {
          state: b.state,
          description: b.description,
          logUrl: b.log_url,
          environmentUrl: b.environment_url,
          autoInactive: b.auto_inactive,
        },
      );
      return reply.status(201).send(deploymentStatusView(row));
    },
  );

  app.post(
    '/projects/:id/deployments/:deployment_id/rollback',
    {
      schema: {
        summary: "Roll back: a new deployment applying this successful deployment's snapshot again",
        tags,
        params: DeploymentParams,
        // No body at all is fine (Fastify validates a missing body as null).
        body: Type.Union([
          Type.Object({ freeze_override_reason: FreezeOverride }, { additionalProperties: false }),
          Type.Null(),
        ]),
        response: { 201: DeploymentView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const deployment = await deps.deploymentActions.rollback(
        request.actor!,
        request.params.id,
        request.params.deployment_id,
        { freezeOverrideReason: request.body?.freeze_override_reason },
      );
      return reply.status(201).send(await view(deployment));
    },
  );

  for (const step of ['promote', 'abort'] as const) {
    app.post(
      `/projects/:id/deployments/:deployment_id/${step}`,
      {
        schema: {
          summary:
            step === 'promote'
              ? 'Promote an incremental rollout waiting at a step to its next step'
              : 'Abort an incremental rollout: back to the previous deployment, this one failed',
          tags,
          params: DeploymentParams,
          body: Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]),
          response: { 200: DeploymentView, ...errorResponses },
        },
      },
      async (request) =>
        view(
          await deps.deploymentActions.steer(
            request.actor!,
            request.params.id,
            request.params.deployment_id,
            step,
          ),
        ),
    );
  }

  app.post(
    '/projects/:id/environments/:environment_id/deploy',
    {
      schema: {
        summary: "Deploy a pipeline's job to the environment (by ref, sha or pipeline_id)",
        tags,
        params: EnvironmentParams,
        body: Type.Object(
          {
            ref: Type.Optional(Ref),
            sha: Type.Optional(Sha),
            pipeline_id: Type.Optional(Type.Integer({ minimum: 1 })),
            always: Type.Optional(
              Type.Boolean({
                description: 'also deploy every later successful pipeline of this branch here',
              }),
            ),
            freeze_override_reason: FreezeOverride,
          },
          { additionalProperties: false },
        ),
        response: { 201: DeploymentView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const deployment = await deps.deploymentActions.deploy(
        request.actor!,
        request.params.id,
        request.params.environment_id,
        { ref: b.ref, sha: b.sha, pipelineId: b.pipeline_id },
        { always: b.always, freezeOverrideReason: b.freeze_override_reason },
      );
      return reply.status(201).send(await view(deployment));
    },
  );

  app.post(
    '/projects/:id/environments/:environment_id/redeploy',
    {
      schema: {
        summary: "Re-deploy: apply the environment's current snapshot again",
        tags,
        params: EnvironmentParams,
        // No body at all is fine (Fastify validates a missing body as null).
        body: Type.Union([
          Type.Object({ freeze_override_reason: FreezeOverride }, { additionalProperties: false }),
          Type.Null(),
        ]),
        response: { 201: DeploymentView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const deployment = await deps.deploymentActions.redeploy(
        request.actor!,
        request.params.id,
        request.params.environment_id,
        { freezeOverrideReason: request.body?.freeze_override_reason },
      );
      return reply.status(201).send(await view(deployment));
    },
  );

  app.post(
    '/projects/:id/environments/:environment_id/stop',
    {
      schema: {
        summary: 'Stop an environment: run its on_stop job, or stop it at once (force, or no stop job)',
        tags: ['environments'],
        params: EnvironmentParams,
        body: Type.Union([
          Type.Object({ force: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          Type.Null(),
        ]),
        response: { 200: EnvironmentDetailsView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, environment_id } = request.params;
      await deps.deploymentActions.stop(request.actor!, id, environment_id, request.body?.force ?? false);
      const { entry, relations } = await deps.environments.get(request.actor!, id, environment_id);
      return environmentDetailsView(entry, relations);
    },
  );

  app.get(
    '/projects/:id/deployment_locks',
    {
      schema: {
        summary: 'List held deployment locks (environments and resource groups) and their holders',
        tags,
        params: ProjectParams,
        response: { 200: Type.Array(DeploymentLockView), ...errorResponses },
      },
    },
    async (request) =>
      (await deps.deploymentLocks.listLocks(request.actor!, request.params.id)).map(deploymentLockView),
  );

  app.delete(
    '/projects/:id/deployment_locks/:key',
    {
      schema: {
        summary: 'Release a deployment lock (administrators; audited)',
        tags,
        params: Type.Object({
          ...ProjectParams.properties,
          key: Type.String({ minLength: 1, maxLength: 600 }),
        }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.deploymentLocks.releaseLock(request.actor!, request.params.id, request.params.key);
      return reply.status(204).send(null);
    },
  );

  const GroupParams = Type.Object({
    ...ProjectParams.properties,
    key: Type.String({ minLength: 1, maxLength: 255 }),
  });
  app.get(
    '/projects/:id/resource_groups',
    {
      schema: {
        summary: 'List resource groups',
        tags,
        params: ProjectParams,
        response: { 200: Type.Array(ResourceGroupView), ...errorResponses },
      },
    },
    async (request) =>
      (await deps.deploymentLocks.listResourceGroups(request.actor!, request.params.id)).map(
        resourceGroupView,
      ),
  );

  app.get(
    '/projects/:id/resource_groups/:key',
    {
      schema: {
        summary: 'Get a resource group',
        tags,
        params: GroupParams,
        response: { 200: ResourceGroupView, ...errorResponses },
      },
    },
    async (request) =>
      resourceGroupView(
        await deps.deploymentLocks.getResourceGroup(request.actor!, request.params.id, request.params.key),
      ),
  );

  app.put(
    '/projects/:id/resource_groups/:key',
    {
      schema: {
        summary: 'Change the process mode of a resource group (maintainers)',
        tags,
        params: GroupParams,
        body: Type.Object({ process_mode: Enum(PROCESS_MODES) }, { additionalProperties: false }),
        response: { 200: ResourceGroupView, ...errorResponses },
      },
    },
    async (request) =>
      resourceGroupView(
        await deps.deploymentLocks.updateResourceGroup(
          request.actor!,
          request.params.id,
          request.params.key,
          request.body.process_mode,
        ),
      ),
  );

  app.get(
    '/projects/:id/auto_deploy_rules',
    {
      schema: {
        summary: 'List auto-deploy rules (branch → environment, created by "always deploy")',
        tags,
        params: ProjectParams,
        response: { 200: Type.Array(AutoDeployRuleView), ...errorResponses },
      },
    },
    async (request) =>
      (await deps.deploymentLocks.listAutoDeployRules(request.actor!, request.params.id)).map(
        autoDeployRuleView,
      ),
  );

  app.delete(
    '/projects/:id/auto_deploy_rules/:rule_id',
    {
      schema: {
        summary: 'Remove an auto-deploy rule (developers)',
        tags,
        params: Type.Object({ ...ProjectParams.properties, rule_id: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.deploymentLocks.deleteAutoDeployRule(
        request.actor!,
        request.params.id,
        request.params.rule_id,
      );
      return reply.status(204).send(null);
    },
  );
}
