import type {} from '@fastify/websocket';
import { Type } from 'typebox';
import { GantryError } from '../../domain/errors.ts';
import type { RunnerRow } from '../../store/repositories/runner-repository.ts';
import { RunnerView, runnerView } from '../ci-views.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses } from '../route-schemas.ts';

const tags = ['runners'];
const RunnerParams = Type.Object({ runner_id: Type.Integer({ minimum: 1 }) });

declare module 'fastify' {
  interface FastifyRequest {
    /** The runner a `/runners/connect` request authenticated as. */
    runner?: RunnerRow;
  }
}

/** `/runners`: registration by admins, and the WebSocket runners hold to receive jobs. */
export function runnerRoutes(app: GantryApp, deps: ApiDeps): void {
  const view = (runner: RunnerRow) => runnerView(runner, deps.onlineRunners().has(runner.id));

  app.get(
    '/runners',
    {
      schema: {
        summary: 'List runners (admins)',
        tags,
        response: { 200: Type.Array(RunnerView), ...errorResponses },
      },
    },
    async (request) => (await deps.runners.list(request.actor!)).map(view),
  );

  app.post(
    '/runners',
    {
      schema: {
        summary:
          'Register a runner (admins); the token is shown once — start it with `gantry runner --token`',
        tags,
        body: Type.Object(
          {
            description: Type.String({ minLength: 1, maxLength: 255 }),
            tag_list: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }),
            ),
            run_untagged: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Intersect([RunnerView, Type.Object({ token: Type.String() })]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { description, tag_list, run_untagged } = request.body;
      const { runner, token } = await deps.runners.create(request.actor!, {
        description,
        ...(tag_list && { tags: tag_list }),
        ...(run_untagged !== undefined && { run_untagged }),
      });
      return reply.status(201).send({ ...view(runner), token });
    },
  );

  app.get(
    '/runners/:runner_id',
    {
      schema: {
        summary: 'Get a runner (admins)',
        tags,
        params: RunnerParams,
        response: { 200: RunnerView, ...errorResponses },
      },
    },
    async (request) => view(await deps.runners.get(request.actor!, request.params.runner_id)),
  );

  app.delete(
    '/runners/:runner_id',
    {
      schema: {
        summary: 'Remove a runner (admins)',
        tags,
        params: RunnerParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.runners.delete(request.actor!, request.params.runner_id);
      // A removed runner must not keep receiving jobs (and their secrets) on an open connection.
      deps.runnerGateway.disconnect(request.params.runner_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/runners/connect',
    {
      websocket: true,
      config: { public: true, ownAuthentication: true },
      schema: {
        summary: 'WebSocket for runners (Authorization: Bearer <runner token>): jobs are pushed here',
        tags,
      },
      preValidation: async (request) => {
        const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
        const runner = token === undefined ? undefined : await deps.runnerGateway.authenticate(token);
        if (!runner) throw new GantryError('unauthorized', 'a valid runner token is required');
        request.runner = runner;
      },
    },
    (socket, request) => deps.runnerGateway.attach(socket, request.runner!),
  );
}
