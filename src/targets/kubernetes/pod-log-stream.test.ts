import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { instantNanos } from '../../domain/log-lines.ts';
import type { LogChunk } from '../environment-operations.ts';
import { openPodLog, type PodLogRequest } from './pod-log-stream.ts';

// A plain-HTTP stand-in for the API server's pods/log: each test sets what it answers.
let answer: (request: IncomingMessage, response: ServerResponse) => void = () => {};
let server: Server;
let kubeConfig: KubeConfig;

before(async () => {
  server = createServer((request, response) => answer(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  kubeConfig = configFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function configFor(url: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    // Plain HTTP, which the library allows only with TLS verification off.
    clusters: [{ name: 'rig', server: url, skipTLSVerify: true }],
    users: [{ name: 'gantry', token: 'secret-token' }],
    contexts: [{ name: 'rig', cluster: 'rig', user: 'gantry' }],
    currentContext: 'rig',
  });
  return config;
}

const request = (fields: Partial<PodLogRequest> = {}): PodLogRequest => ({
  namespace: 'shop',
  pod: 'web-a',
  container: 'web',
  follow: false,
  previous: false,
  signal: new AbortController().signal,
  ...fields,
});

async function collect(chunks: AsyncIterable<LogChunk>): Promise<LogChunk[]> {
  const all: LogChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

test('asks for the log with timestamps and passes on complete lines tagged with their source', async () => {
  let asked: URL | undefined;
  let authorization: string | undefined;
  answer = (incoming, response) => {
    asked = new URL(incoming.url ?? '', 'http://x');
    authorization = incoming.headers.authorization;
    response.write('2026-01-01T00:00:00Z one\n2026-01-01T00:00:01Z t');
    setImmediate(() => response.end('wo\n2026-01-01T00:00:02Z no newline at the end'));
  };
  const chunks = await collect(
    await openPodLog(
      kubeConfig,
      request({ previous: true, tailLines: 5, sinceTime: '2026-01-01T00:00:00Z' }),
    ),
  );
  assert.equal(asked?.pathname, '/api/v1/namespaces/shop/pods/web-a/log');
  assert.deepEqual(Object.fromEntries(asked?.searchParams ?? []), {
    container: 'web',
    timestamps: 'true',
    previous: 'true',
    tailLines: '5',
    sinceTime: '2026-01-01T00:00:00Z',
  });
  assert.equal(authorization, 'Bearer secret-token');
  assert.ok(chunks.every(({ source }) => source === 'web-a/web'));
  assert.equal(
    chunks.map(({ text }) => text).join(''),
    '2026-01-01T00:00:00Z one\n2026-01-01T00:00:01Z two\n2026-01-01T00:00:02Z no newline at the end\n',
  );
});

test('lines before the instant asked for are dropped (the API passes whole seconds on)', async () => {
  answer = (_incoming, response) =>
    response.end('2026-01-01T00:00:05.1Z early\n2026-01-01T00:00:05.7Z late\n2026-01-01T00:00:06Z later\n');
  const chunks = await collect(
    await openPodLog(
      kubeConfig,
      request({ sinceTime: '2026-01-01T00:00:05.5Z', sinceInstant: instantNanos('2026-01-01T00:00:05.5Z') }),
    ),
  );
  assert.equal(
    chunks.map(({ text }) => text).join(''),
    '2026-01-01T00:00:05.7Z late\n2026-01-01T00:00:06Z later\n',
  );
});

test('reads only as fast as the chunks are taken, and aborting ends the request quietly', async () => {
  const total = 256 * 1024 * 1024;
  const line = `2026-01-01T00:00:00Z ${'x'.repeat(100)}\n`;
  let written = 0;
  let closed = false;
  answer = (_incoming, response) => {
    response.on('close', () => {
      closed = true;
    });
    const pump = () => {
      while (written < total && !closed) {
        written += line.length;
        if (!response.write(line.repeat(100))) {
          written += line.length * 99;
          response.once('drain', pump);
          return;
        }
        written += line.length * 99;
      }
      response.end();
    };
    pump();
  };
  const stop = new AbortController();
  const iterator = (await openPodLog(kubeConfig, request({ follow: true, signal: stop.signal })))[
    Symbol.asyncIterator
  ]();
  assert.equal((await iterator.next()).done, false);
  // Taking nothing more: the server's writes must stall well short of the whole log.
  let seen = -1;
  while (seen !== written) {
    seen = written;
    await sleep(200);
  }
  assert.ok(written < total / 4, `the server wrote ${written} bytes while nothing was read`);
  const pending = iterator.next();
  stop.abort();
  assert.deepEqual(await pending, { done: true, value: undefined });
  while (!closed) await sleep(10);
});

test('a reader that stops early closes the connection', async () => {
  let closed: Promise<unknown> = Promise.resolve();
  answer = (_incoming, response) => {
    closed = once(response, 'close');
    response.write('2026-01-01T00:00:00Z one\n');
  };
  for await (const _ of await openPodLog(kubeConfig, request({ follow: true }))) break;
  await closed;
});

const status = (code: number, message: string) => (_incoming: IncomingMessage, response: ServerResponse) => {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ kind: 'Status', status: 'Failure', message, code }));
};

test('a refusal says which permission is missing; an unknown pod is not_found', async () => {
  answer = status(
    403,
    'pods "web-a" is forbidden: User "system:serviceaccount:shop:viewer" cannot get resource "pods/log"',
  );
  await assert.rejects(
    openPodLog(kubeConfig, request()),
    (error: unknown) =>
      error instanceof GantryError &&
      error.code === 'unavailable' &&
      /^cannot read the log of web-a\/web: the Kubernetes target's credentials may not get pods\/log in namespace shop \(403 Forbidden\)/.test(
        error.message,
      ),
  );
  answer = status(404, 'pods "web-a" not found');
  await assert.rejects(
    openPodLog(kubeConfig, request()),
    (error: unknown) => error instanceof GantryError && error.code === 'not_found',
  );
});

test('a cluster that cannot be reached is unavailable, naming the API server', async () => {
  const closedServer = createServer();
  closedServer.listen(0, '127.0.0.1');
  await once(closedServer, 'listening');
  const url = `http://127.0.0.1:${(closedServer.address() as AddressInfo).port}`;
  closedServer.close();
  await assert.rejects(
    openPodLog(configFor(url), request()),
    (error: unknown) =>
      error instanceof GantryError &&
      error.code === 'unavailable' &&
      error.message === `cannot reach the Kubernetes API at ${url}: connection refused`,
  );
});
