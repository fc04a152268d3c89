import { Type } from 'typebox';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { MAX_APPROVAL_COMMENT } from '../../services/deployment-approval-service.ts';
import {
  ApprovalStandingView,
  ApprovalSummaryView,
  AwaitingApprovalView,
  approvalStandingView,
  approvalSummaryView,
  awaitingApprovalView,
  DeploymentApprovalView,
  deploymentApprovalView,
} from '../deployment-approval-view.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['deployments'];
const DeploymentParams = Type.Object({
  ...ProjectParams.properties,
  deployment_id: Type.Integer({
    minimum: 1,
    description: "the deployment's id (not its iid), as GitLab's API",
  }),
});

/**
 * Approving and rejecting blocked deployments to protected environments, as GitLab's deployment
 * approvals API, the history of those decisions, and the deployments awaiting the caller's approval.
 */
export function deploymentApprovalRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/deployments/awaiting_approval',
    {
      schema: {
        summary:
          'Blocked deployments, across your projects, that you may approve and have not decided on yet (newest first)',
        tags,
        querystring: PageQuery,
        response: { 200: Type.Array(AwaitingApprovalView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.awaitingApprovals.list(request.actor!, pageRequest(page, per_page));
      reply.headers(paginationHeaders(result));
      const relations = await deps.deployments.relations(result.items.map((item) => item.deployment));
      return result.items.map((item) => awaitingApprovalView(item, relations));
    },
  );

  app.post(
    '/projects/:id/deployments/:deployment_id/approval',
    {
      schema: {
        summary: 'Approve or reject a blocked deployment (approvers of its protected environment)',
        tags,
        params: DeploymentParams,
        body: Type.Object(
          {
            status: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
            comment: Type.Optional(Type.String({ maxLength: MAX_APPROVAL_COMMENT })),
            deploy: Type.Optional(
              Type.Boolean({ description: 'approve and deploy: also start the deployment, as you' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ApprovalSummaryView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, deployment_id } = request.params;
      const summary = await deps.deploymentApprovals.decide(request.actor!, id, deployment_id, request.body);
      return reply.status(201).send(approvalSummaryView(summary));
    },
  );

  app.get(
    '/projects/:id/deployments/:deployment_id/approvals',
    {
      schema: {
        summary: "A deployment's approvals and rejections, oldest first",
        tags,
        params: DeploymentParams,
        response: { 200: Type.Array(DeploymentApprovalView), ...errorResponses },
      },
    },
    async (request) => {
      const { id, deployment_id } = request.params;
      return (await deps.deploymentApprovals.list(request.actor!, id, deployment_id)).map(
        deploymentApprovalView,
      );
    },
  );

  app.get(
    '/projects/:id/deployments/:deployment_id/approval_state',
    {
      schema: {
        summary:
          "Where a deployment's approvals stand under its environment's current rule (not_required when none applies), with the decisions",
        tags,
        params: DeploymentParams,
        response: { 200: ApprovalStandingView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, deployment_id } = request.params;
      return approvalStandingView(await deps.deploymentApprovals.state(request.actor!, id, deployment_id));
    },
  );
}
