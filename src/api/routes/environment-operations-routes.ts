import type {} from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { forbidden, GantryError } from '../../domain/errors.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import type { ShellConnection } from '../../services/environment-shell-service.ts';
import { reauthenticator } from '../authenticate.ts';
import { eventStreams, SSE_KEEP_ALIVE, sseMessage } from '../event-stream.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { ErrorView } from '../resource-views.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';
import { bridgeShell } from '../shell-bridge.ts';

const EnvironmentParams = Type.Object({
  ...ProjectParams.properties,
  environment_id: Type.Integer({ minimum: 1 }),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const ContainersView = Type.Object({
  deployment_id: Nullable(Type.Integer()),
  target_kind: Nullable(Type.Union([Type.Literal('kubernetes'), Type.Literal('podman')])),
  containers: Type.Array(
    Type.Object({
      pod: Type.String(),
      container: Type.String(),
      state: Type.String(),
      restarts: Type.Integer(),
      has_previous: Type.Boolean(),
    }),
  ),
});

const LogQuery = Type.Object({
  pod: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  container: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  tail_lines: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 500 })),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  previous: Type.Optional(Type.Boolean({ default: false })),
  follow: Type.Optional(Type.Boolean({ default: false })),
  filter: Type.Optional(Type.String({ maxLength: 200, default: '' })),
});

const ShellQuery = Type.Object({
  pod: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  container: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  command: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 64 })),
  cols: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 80 })),
  rows: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 24 })),
});

const ShellSessionView = Type.Object({
  id: Type.Integer(),
  user: Type.Object({ id: Nullable(Type.Integer()), username: Type.String(), name: Nullable(Type.String()) }),
  pod: Type.String(),
  container: Type.String(),
  command: Type.Array(Type.String()),
  started_at: Type.String({ format: 'date-time' }),
  ended_at: Nullable(Type.String({ format: 'date-time' })),
  duration_seconds: Nullable(Type.Number()),
  exit_code: Nullable(Type.Integer()),
  end_reason: Nullable(Type.String()),
});

/** How often an idle log stream sends a comment, so proxies keep the connection open. */
const KEEP_ALIVE_MS = 15_000;

/** How long a shell opened for an upgrade waits for it. */
const UPGRADE_WAIT_MS = 10_000;

/** Shells opened before the upgrade (so refusals answer as HTTP errors), handed to the socket. */
const pendingShells = new WeakMap<FastifyRequest, ShellConnection>();

/**
 * Looking into a running environment (docs/environment-operations.md): its containers, its logs
 * as Server-Sent Events, a shell over WebSocket and the record of past shells.
 */
export function environmentOperationsRoutes(app: GantryApp, deps: ApiDeps): void {
  const tags = ['environments'];
  const openStream = eventStreams(app);
  const externalOrigin = new URL(deps.externalUrl).origin;

  app.get(
    '/projects/:id/environments/:environment_id/containers',
    {
      schema: {
        summary: "The containers of an environment's running deployment, as its target reports them",
        tags,
        params: EnvironmentParams,
        response: { 200: ContainersView, ...errorResponses, 503: ErrorView },
      },
    },
    async (request) => {
      const { id, environment_id } = request.params;
      return deps.environmentLogs.containers(request.actor!, id, environment_id);
    },
  );

  app.get(
    '/projects/:id/environments/:environment_id/logs',
    {
      schema: {
        summary:
          "An environment's container logs as Server-Sent Events: `logs` {source, lines}, `skipped` {lines} when this client fell behind, then `end` or `error` {message}",
        tags,
        params: EnvironmentParams,
        querystring: LogQuery,
        produces: ['text/event-stream'],
        response: {
          200: Type.String({ description: 'a text/event-stream' }),
          ...errorResponses,
          503: ErrorView,
        },
      },
    },
    async (request, reply) => {
      const { id, environment_id } = request.params;
      const query = request.query;
      const stream = await deps.environmentLogs.open(
        request.actor!,
        id,
        environment_id,
        {
          pod: query.pod,
          container: query.container,
          tailLines: query.tail_lines ?? 500,
          since: query.since,
          previous: query.previous ?? false,
          follow: query.follow ?? false,
          filter: query.filter ?? '',
        },
        reauthenticator(deps.auth, request),
      );
      const events = openStream(reply);
      const keepAlive = setInterval(() => events.write(SSE_KEEP_ALIVE), KEEP_ALIVE_MS);
      events.onClose(() => clearInterval(keepAlive));
      try {
        await stream({
          send: (event, data) => events.write(sseMessage(event, data)),
          get queuedBytes() {
            return events.queuedBytes;
          },
          drained: () => events.drained(),
          get closed() {
            return events.closed;
          },
          onClose: (listener) => events.onClose(listener),
        });
      } finally {
        events.end();
      }
    },
  );

  app.get(
    '/projects/:id/environments/:environment_id/shell',
    {
      websocket: true,
      schema: {
        summary:
          'A shell in a container over WebSocket: binary frames are keystrokes and terminal output; text frames {"type":"resize",cols,rows} in, {"type":"started"|"exit",…} out',
        tags,
        params: EnvironmentParams,
        querystring: ShellQuery,
      },
      preHandler: async (request) => {
        // A browser sends its cookie with a WebSocket from any page: only Gantry's own pages may use
        // it. (A plain GET never opens a shell: it only learns why one would be refused.)
        const origin = request.headers.origin;
        const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
        if (upgrade && request.authMethod === 'session' && origin !== externalOrigin) {
          throw forbidden(
            `a shell WebSocket from ${origin ?? 'a page without an Origin'} is refused: open it from ${externalOrigin}`,
          );
        }
        const { id, environment_id } = request.params;
        await deps.environmentShells.authorize(request.actor!, id, environment_id);
        if (!upgrade) {
          throw new GantryError(
            'bad_request',
            'this endpoint is a WebSocket: connect with a WebSocket client (the web UI, `gantry exec`)',
          );
        }
        const query = request.query;
        const shell = await deps.environmentShells.open(
          request.actor!,
          id,
          environment_id,
          {
            pod: query.pod,
            container: query.container,
            command: query.command ?? [],
            size: { cols: query.cols ?? 80, rows: query.rows ?? 24 },
          },
          reauthenticator(deps.auth, request),
        );
        pendingShells.set(request, shell);
        // Should the upgrade never happen, the shell must not run on unattended.
        setTimeout(() => {
          if (pendingShells.get(request) !== shell) return;
          pendingShells.delete(request);
          shell.close();
        }, UPGRADE_WAIT_MS).unref();
      },
    },
    (socket, request) => {
      const shell = pendingShells.get(request);
      pendingShells.delete(request);
      if (shell) bridgeShell(socket, shell);
      else socket.close(1011, 'no shell');
    },
  );

  app.get(
    '/projects/:id/environments/:environment_id/shell_sessions',
    {
      schema: {
        summary: 'The shells opened into an environment, newest first (maintainers): the audit record',
        tags,
        params: EnvironmentParams,
        querystring: PageQuery,
        response: { 200: Type.Array(ShellSessionView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, environment_id } = request.params;
      const page = await deps.environmentShells.list(
        request.actor!,
        id,
        environment_id,
        pageRequest(request.query.page, request.query.per_page),
      );
      reply.headers(paginationHeaders(page));
      return page.items;
    },
  );
}
