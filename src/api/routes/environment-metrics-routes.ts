import { Type } from 'typebox';
import { METRIC_NAMES } from '../../metrics/metric-names.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, ProjectParams } from '../route-schemas.ts';

const EnvironmentParams = Type.Object({
  ...ProjectParams.properties,
  environment_id: Type.Integer({ minimum: 1 }),
});

const MetricsQuery = Type.Object({
  from: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'ISO-8601 date or date-time with a zone; default: an hour before `to`',
    }),
  ),
  to: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'ISO-8601 date or date-time with a zone; default: now',
    }),
  ),
});

const Timestamp = Type.String({ format: 'date-time' });

const MetricsView = Type.Object({
  resolution_seconds: Type.Integer({ description: '10 for up to a day of the last 24 hours, else 300' }),
  from: Timestamp,
  to: Timestamp,
  series: Type.Array(
    Type.Object({
      pod: Type.String({ description: '"" for the HTTP series of the whole environment' }),
      container: Type.String({ description: '"" for the HTTP series of the whole environment' }),
      metric: Type.String({ description: METRIC_NAMES.join(', ') }),
      t: Type.Array(Type.Integer(), { description: 'unix seconds: the start of each slot with a value' }),
      v: Type.Array(Type.Number(), { description: 'the values, one per time' }),
    }),
    { description: 'sorted by pod, container and metric; slots without a value are left out' },
  ),
  deployments: Type.Array(
    Type.Object({
      id: Type.Integer(),
      iid: Type.Integer(),
      sha: Type.String(),
      status: Type.String(),
      created_at: Timestamp,
      finished_at: Type.Union([Timestamp, Type.Null()]),
      user: Type.Union([
        Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String() }),
        Type.Null(),
      ]),
    }),
    { description: 'deployments that started or finished in the range, oldest first (the latest 500)' },
  ),
});

/**
 * `/projects/:id/environments/:environment_id/metrics`: the sampled performance series of an
 * environment over a range, with its deployments as markers. Readers of its logs (reporters, or a
 * protected environment's `logs_access` role).
 */
export function environmentMetricsRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/environments/:environment_id/metrics',
    {
      schema: {
        summary:
          "An environment's CPU, memory, restarts and HTTP series over a range, with deployment markers",
        tags: ['environments'],
        params: EnvironmentParams,
        querystring: MetricsQuery,
        response: { 200: MetricsView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, environment_id } = request.params;
      return deps.environmentMetrics.read(request.actor!, id, environment_id, request.query);
    },
  );
}
