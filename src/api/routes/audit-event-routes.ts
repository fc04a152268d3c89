import { Type } from 'typebox';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { AUDIT_ACTIONS } from '../../services/audit-log.ts';
import { AuditEventView, auditEventView } from '../audit-event-view.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['audit_events'];
const Filters = Type.Object({
  ...PageQuery.properties,
  action: Type.Optional(Type.Union(AUDIT_ACTIONS.map((action) => Type.Literal(action)))),
  created_after: Type.Optional(
    Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 date or date-time (exclusive)' }),
  ),
  created_before: Type.Optional(
    Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 date or date-time (exclusive)' }),
  ),
});

/** The audit log: a project's events for maintainers, every event for administrators. Newest first. */
export function auditEventRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/audit_events',
    {
      schema: {
        summary: "A project's audit events, newest first (maintainers)",
        tags,
        params: ProjectParams,
        querystring: Filters,
        response: { 200: Type.Array(AuditEventView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, ...query } = request.query;
      const result = await deps.auditEvents.listProject(
        request.actor!,
        request.params.id,
        query,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(auditEventView);
    },
  );

  app.get(
    '/audit_events',
    {
      schema: {
        summary: "Every audit event, newest first, or one project's with project_id (administrators)",
        tags,
        querystring: Type.Object({
          ...Filters.properties,
          project_id: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: Type.Array(AuditEventView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, ...query } = request.query;
      const result = await deps.auditEvents.listInstance(request.actor!, query, pageRequest(page, per_page));
      reply.headers(paginationHeaders(result));
      return result.items.map(auditEventView);
    },
  );
}
