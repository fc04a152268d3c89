import { Type } from 'typebox';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { MAX_HOOK_TOKEN_LENGTH } from '../../services/project-hook-service.ts';
import { HOOK_TRIGGERS, type HookTrigger } from '../../webhooks/project-hook-events.ts';
import { MAX_WEBHOOK_URL_LENGTH } from '../../webhooks/webhook-url.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import {
  HookDeliveryView,
  hookDeliveryView,
  ProjectHookView,
  projectHookView,
} from '../project-hook-view.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['project_hooks'];
const HookParams = Type.Object({ ...ProjectParams.properties, hook_id: Type.Integer({ minimum: 1 }) });
const Trigger = Type.Union(
  (Object.keys(HOOK_TRIGGERS) as HookTrigger[]).map((trigger) => Type.Literal(trigger)),
);
const Url = Type.String({
  minLength: 1,
  maxLength: MAX_WEBHOOK_URL_LENGTH,
  description: 'http:// or https://',
});
const Token = Type.Union([Type.String({ maxLength: MAX_HOOK_TOKEN_LENGTH }), Type.Null()], {
  description: 'secret that signs deliveries (x-gantry-signature-256); write-only; empty or null removes it',
});
const flags = {
  pipeline_events: Type.Optional(Type.Boolean()),
  job_events: Type.Optional(Type.Boolean()),
  deployment_events: Type.Optional(Type.Boolean()),
  releases_events: Type.Optional(Type.Boolean()),
};

/** `/projects/:id/hooks`, as GitLab's project hooks API, plus the delivery log and a test action. Maintainers. */
export function projectHookRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/hooks',
    {
      schema: {
        summary: 'List project hooks (maintainers)',
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: Type.Array(ProjectHookView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.projectHooks.list(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(projectHookView);
    },
  );

  app.get(
    '/projects/:id/hooks/:hook_id',
    {
      schema: {
        summary: 'Get a project hook (maintainers)',
        tags,
        params: HookParams,
        response: { 200: ProjectHookView, ...errorResponses },
      },
    },
    async (request) =>
      projectHookView(await deps.projectHooks.get(request.actor!, request.params.id, request.params.hook_id)),
  );

  app.post(
    '/projects/:id/hooks',
    {
      schema: {
        summary: 'Add a project hook (maintainers)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          { url: Url, token: Type.Optional(Token), ...flags },
          { additionalProperties: false },
        ),
        response: { 201: ProjectHookView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const hook = await deps.projectHooks.create(request.actor!, request.params.id, request.body);
      return reply.status(201).send(projectHookView(hook));
    },
  );

  app.put(
    '/projects/:id/hooks/:hook_id',
    {
      schema: {
        summary: 'Change a project hook (maintainers); a token left out is kept',
        tags,
        params: HookParams,
        body: Type.Object(
          { url: Type.Optional(Url), token: Type.Optional(Token), ...flags },
          { additionalProperties: false },
        ),
        response: { 200: ProjectHookView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, hook_id } = request.params;
      return projectHookView(await deps.projectHooks.update(request.actor!, id, hook_id, request.body));
    },
  );

  app.delete(
    '/projects/:id/hooks/:hook_id',
    {
      schema: {
        summary: 'Delete a project hook and its delivery log (maintainers)',
        tags,
        params: HookParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.projectHooks.delete(request.actor!, request.params.id, request.params.hook_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/projects/:id/hooks/:hook_id/events',
    {
      schema: {
        summary: "A project hook's delivery log, newest first (maintainers)",
        tags,
        params: HookParams,
        querystring: PageQuery,
        response: { 200: Type.Array(HookDeliveryView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, hook_id } = request.params;
      const { page, per_page } = request.query;
      const result = await deps.projectHooks.deliveries(
        request.actor!,
        id,
        hook_id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(hookDeliveryView);
    },
  );

  app.post(
    '/projects/:id/hooks/:hook_id/test/:trigger',
    {
      schema: {
        summary: 'Send a project hook a sample event of one kind (maintainers)',
        tags,
        params: Type.Object({ ...HookParams.properties, trigger: Trigger }),
        response: { 201: HookDeliveryView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, hook_id, trigger } = request.params;
      const delivery = await deps.projectHooks.test(request.actor!, id, hook_id, trigger);
      return reply.status(201).send(hookDeliveryView(delivery));
    },
  );
}
