import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { resolveServerConfig } from '../../src/config/server-config.ts';
import type { ScheduleClock } from '../../src/scheduler/schedule-clock.ts';
import type { SchedulePipelineCreator } from '../../src/scheduler/schedule-pipeline-creator.ts';
import { type GantryServer, startGantryServer } from '../../src/server/gantry-server.ts';
import type { Dialect } from '../../src/store/dialect.ts';
import { freshDatabaseUrl } from './dialects.ts';
import { freePort } from './free-port.ts';

export { freePort };

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** A real Gantry server on loopback with its own data directory and database, and an API helper. */
export interface TestServer {
  server: GantryServer;
  url: string;
  dataDir: string;
  /** Calls the API as `token` (the admin's by default) and returns status, headers and parsed JSON. */
  api<T = unknown>(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: T }>;
  stop(): Promise<void>;
}

export async function startTestServer(
  dialect: Dialect,
  options: {
    allowLocalMirrors?: boolean;
    env?: Record<string, string>;
    /** Records the pipelines pipeline schedules create instead of running them. */
    pipelineCreator?: SchedulePipelineCreator;
    /** The pipeline schedule runner's time and timers. */
    scheduleClock?: ScheduleClock;
    /** The rebuild schedule runner's time and timers. */
    rebuildScheduleClock?: ScheduleClock;
  } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gantry-test-'));
  const port = await freePort();
  const config = resolveServerConfig(
    {},
    {
      GANTRY_PORT: String(port),
      GANTRY_DATA_DIR: dataDir,
      GANTRY_DATABASE_URL: await freshDatabaseUrl(dialect),
      GANTRY_INITIAL_ADMIN_TOKEN: ADMIN_TOKEN,
      GANTRY_MIRROR_INTERVAL: '0',
      // Sampling asks targets every few seconds: only tests of the graphs turn it on.
      GANTRY_METRICS_INTERVAL_SECONDS: '0',
      ...options.env,
    },
    dataDir,
  );
  const server = await startGantryServer(config, {
    announce: () => {},
    logger: pino({ level: process.env.GANTRY_TEST_LOG ?? 'silent' }),
    allowLocalMirrors: options.allowLocalMirrors ?? false,
    ...(options.pipelineCreator && { pipelineCreator: options.pipelineCreator }),
    ...(options.scheduleClock && { scheduleClock: options.scheduleClock }),
    ...(options.rebuildScheduleClock && { rebuildScheduleClock: options.rebuildScheduleClock }),
  });
  const url = server.url;
  return {
    server,
    url,
    dataDir,
    async api(method, path, { token = ADMIN_TOKEN, body, headers = {} } = {}) {
      const response = await fetch(`${url}${path.startsWith('/') ? path : `/api/v1/${path}`}`, {
        method,
        headers: {
          ...(token !== null && { authorization: `Bearer ${token}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Non-JSON answers (git, plain text) are returned as text.
      }
      return { status: response.status, headers: response.headers, body: parsed as never };
    },
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a user and a token for them through the API; returns the user's id and token. */
export async function createUserWithToken(
  test: TestServer,
  username: string,
  options: { admin?: boolean; scopes?: string[]; password?: string } = {},
): Promise<{ id: number; token: string; tokenId: number }> {
  const user = await test.api<{ id: number }>('POST', 'users', {
    body: { username, password: options.password ?? 'password-123', ...(options.admin && { admin: true }) },
  });
  if (user.status !== 201)
    throw new Error(`creating ${username}: ${user.status} ${JSON.stringify(user.body)}`);
  const token = await test.api<{ token: string; id: number }>(
    'POST',
    `users/${user.body.id}/personal_access_tokens`,
    {
      body: { name: 'test', scopes: options.scopes ?? ['api'] },
    },
  );
  if (token.status !== 201)
    throw new Error(`token for ${username}: ${token.status} ${JSON.stringify(token.body)}`);
  return { id: user.body.id, token: token.body.token, tokenId: token.body.id };
}
