import { Type } from 'typebox';
import { DEPLOYMENT_TIERS } from '../../domain/environment-tier.ts';
import { GantryError } from '../../domain/errors.ts';
import { MAX_PER_PAGE, pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { REVIEW_APPS_MAX_LIMIT } from '../../services/environment-service.ts';
import {
  EnvironmentDetailsView,
  EnvironmentFolderView,
  EnvironmentView,
  environmentDetailsView,
  environmentFolderView,
  environmentView,
  MatrixRowView,
  matrixRowView,
} from '../environment-view.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['environments'];
const EnvironmentParams = Type.Object({
  ...ProjectParams.properties,
  environment_id: Type.Integer({ minimum: 1 }),
});
const Name = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'e.g. production or review/feature-x',
});
const ExternalUrl = Type.String({ minLength: 1, maxLength: 255, description: 'an http or https URL' });
const Tier = Type.Union(
  DEPLOYMENT_TIERS.map((tier) => Type.Literal(tier)),
  { description: 'guessed from the name when not given, as GitLab does' },
);
const MetricsPath = Type.String({
  minLength: 2,
  maxLength: 200,
  pattern: '^/[^\\s?#]*$',
  description: 'an absolute path such as /metrics, without query or fragment',
});
const Namespace = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  description: 'a Kubernetes namespace name (RFC 1123 label)',
});
const State = Type.Union([Type.Literal('available'), Type.Literal('stopping'), Type.Literal('stopped')]);
const Before = Type.String({ minLength: 1, maxLength: 64, description: 'ISO 8601 date in the past' });
const Entry = Type.Object({ id: Type.Integer(), name: Type.String() });

/**
 * `/projects/:id/environments` as GitLab's environments API (list, get, create, update, delete,
 * `stop_stale`, `review_apps`) and the instance-wide what-runs-where matrix `/environments/matrix`.
 * Stopping one environment and deploying to it are the deployment routes'.
 */
export function environmentRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/environments',
    {
      schema: {
        summary: 'List environments by name, each with its last deployment',
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          ...PageQuery.properties,
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'exact name' })),
          search: Type.Optional(
            Type.String({ minLength: 1, maxLength: 255, description: 'names starting with this' }),
          ),
          states: Type.Optional(State),
        }),
        response: { 200: Type.Array(EnvironmentView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, name, search, states } = request.query;
      const result = await deps.environments.list(
        request.actor!,
        request.params.id,
        { name, search, states: states === undefined ? undefined : [states] },
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map((entry) => environmentView(entry, result.relations));
    },
  );

  app.get(
    '/projects/:id/environments/folders',
    {
      schema: {
        summary:
          'The top level of the environments list: environments outside folders, and folders (review/…) with their size',
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          ...PageQuery.properties,
          search: Type.Optional(
            Type.String({ minLength: 1, maxLength: 255, description: 'names starting with this' }),
          ),
          states: Type.Optional(State),
        }),
        response: { 200: Type.Array(EnvironmentFolderView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, search, states } = request.query;
      const result = await deps.environments.folders(
        request.actor!,
        request.params.id,
        { search, states: states === undefined ? undefined : [states] },
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map((entry) => environmentFolderView(entry, result.relations));
    },
  );

  app.get(
    '/projects/:id/environments/:environment_id',
    {
      schema: {
        summary: 'Get an environment with its last and last successful deployments',
        tags,
        params: EnvironmentParams,
        response: { 200: EnvironmentDetailsView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, environment_id } = request.params;
      const { entry, relations } = await deps.environments.get(request.actor!, id, environment_id);
      return environmentDetailsView(entry, relations);
    },
  );

  app.post(
    '/projects/:id/environments',
    {
      schema: {
        summary: 'Create an environment (developers)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            name: Name,
            external_url: Type.Optional(Type.Union([ExternalUrl, Type.Null()])),
            tier: Type.Optional(Tier),
            kubernetes_namespace: Type.Optional(Type.Union([Namespace, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: EnvironmentDetailsView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { entry, relations } = await deps.environments.create(
        request.actor!,
        request.params.id,
        request.body,
      );
      return reply.status(201).send(environmentDetailsView(entry, relations));
    },
  );

  app.put(
    '/projects/:id/environments/:environment_id',
    {
      schema: {
        summary:
          'Update an environment: URL, tier, Kubernetes namespace, metrics path (developers; names never change)',
        tags,
        params: EnvironmentParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            external_url: Type.Optional(Type.Union([ExternalUrl, Type.Null()])),
            tier: Type.Optional(Tier),
            kubernetes_namespace: Type.Optional(Type.Union([Namespace, Type.Null()])),
            metrics_path: Type.Optional(Type.Union([MetricsPath, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: EnvironmentDetailsView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, environment_id } = request.params;
      const { entry, relations } = await deps.environments.update(
        request.actor!,
        id,
        environment_id,
        request.body,
      );
      return environmentDetailsView(entry, relations);
    },
  );

  app.delete(
    '/projects/:id/environments/:environment_id',
    {
      schema: {
        summary: 'Delete a stopped environment and its deployments (maintainers)',
        tags,
        params: EnvironmentParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, environment_id } = request.params;
      await deps.environments.delete(request.actor!, id, environment_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/projects/:id/environments/stop_stale',
    {
      schema: {
        summary: `Stop available environments not updated since before (developers; at most 100 per call)`,
        tags,
        params: ProjectParams,
        // GitLab clients send before in the query string; a JSON body is accepted too.
        querystring: Type.Object({ before: Type.Optional(Before) }),
        body: Type.Union([Type.Object({ before: Before }, { additionalProperties: false }), Type.Null()]),
        response: { 200: Type.Object({ message: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      const before = request.body?.before ?? request.query.before;
      if (before === undefined) {
        throw validationError('before is required: an ISO 8601 date in the past', '/before');
      }
      const { stopped, more } = await deps.environments.stopStale(request.actor!, request.params.id, before);
      return {
        message: `Stopped ${stopped} stale environment${stopped === 1 ? '' : 's'}${
          more ? '; more remain, call again to stop them' : ''
        }`,
      };
    },
  );

  app.delete(
    '/projects/:id/environments/review_apps',
    {
      schema: {
        summary:
          'Delete stopped review apps (review/*) last updated before a date (maintainers; dry run by default)',
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          before: Type.Optional(
            Type.String({ minLength: 1, maxLength: 64, description: 'ISO 8601 date; default 30 days ago' }),
          ),
          limit: Type.Optional(
            Type.Integer({ minimum: 1, maximum: REVIEW_APPS_MAX_LIMIT, description: 'default 100' }),
          ),
          dry_run: Type.Optional(Type.Boolean({ description: 'default true: only list what would go' })),
        }),
        response: {
          200: Type.Object({
            scheduled_entries: Type.Array(Entry),
            unprocessable_entries: Type.Array(Entry),
            dry_run: Type.Boolean(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { before, limit, dry_run } = request.query;
      const result = await deps.environments.deleteReviewApps(request.actor!, request.params.id, {
        before,
        limit,
        dryRun: dry_run,
      });
      const entry = (row: { id: number; name: string }) => ({ id: row.id, name: row.name });
      return {
        scheduled_entries: result.scheduled.map(entry),
        unprocessable_entries: result.unprocessable.map(entry),
        dry_run: result.dryRun,
      };
    },
  );

  app.get(
    '/environments/matrix',
    {
      schema: {
        summary:
          'What runs where: environments of your projects (admins: all) with their last successful deployment',
        tags,
        querystring: Type.Object({
          page: PageQuery.properties.page,
          per_page: Type.Optional(
            Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, description: 'default 100' }),
          ),
          project: Type.Optional(
            Type.String({ minLength: 1, maxLength: 400, description: 'only this project (id or path)' }),
          ),
        }),
        response: { 200: Type.Array(MatrixRowView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, project } = request.query;
      const result = await deps.environments.matrix(
        request.actor!,
        pageRequest(page, per_page ?? MAX_PER_PAGE),
        project,
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(matrixRowView);
    },
  );
}

function validationError(message: string, path: string) {
  return new GantryError('validation_failed', message, [{ path, message }]);
}
