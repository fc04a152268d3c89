import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { type WebSocket, WebSocketServer } from 'ws';
import { GantryError } from '../../domain/errors.ts';
import { INPUT_NOT_READ } from '../environment-operations.ts';
import { startPodExec } from './pod-exec.ts';

// A plain-HTTP stand-in for the API server's pods/exec: it accepts the WebSocket (or refuses it
// with a Status, as the API server does) and then plays the container as each test says.

let accept: (socket: WebSocket, request: IncomingMessage) => void = () => {};
let refuse: { code: number; message: string } | undefined;
let server: Server;
let kubeConfig: KubeConfig;

before(async () => {
  server = createServer();
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false),
  });
  server.on('upgrade', (request, socket, head) => {
    if (refuse) {
      const body = JSON.stringify({ kind: 'Status', status: 'Failure', ...refuse });
      socket.end(
        `HTTP/1.1 ${refuse.code} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => accept(ws, request));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    // Plain HTTP, which the library allows only with TLS verification off.
    clusters: [
      {
        name: 'rig',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'gantry', token: 'secret-token' }],
    contexts: [{ name: 'rig', cluster: 'rig', user: 'gantry' }],
    currentContext: 'rig',
  });
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const request = (signal = new AbortController().signal) => ({
  namespace: 'shop',
  pod: 'web-a',
  container: 'web',
  command: ['sh', '-c', 'echo hi'],
  size: { cols: 80, rows: 24 },
  signal,
});

const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);

test('asks for a terminal, sends the size first, passes bytes both ways and ends with the exit code', async () => {
  const received: Buffer[] = [];
  let asked: URL | undefined;
  let authorization: string | undefined;
  accept = (socket, incoming) => {
    asked = new URL(incoming.url ?? '', 'http://x');
    authorization = incoming.headers.authorization;
    socket.on('message', (data: Buffer) => {
      received.push(data);
      if (data[0] === 0) {
        socket.send(frame(1, `you typed ${data.subarray(1).toString()}`));
        socket.send(
          frame(
            3,
            JSON.stringify({
              status: 'Failure',
              reason: 'NonZeroExitCode',
              details: { causes: [{ reason: 'ExitCode', message: '7' }] },
            }),
          ),
        );
      }
    });
    socket.send(frame(1, 'prompt$ '));
  };
  const session = await startPodExec(kubeConfig, request());
  let output = '';
  const typed = new Promise<void>((resolve) =>
    session.onOutput((data) => {
      output += Buffer.from(data).toString();
      if (output.includes('you typed')) resolve();
    }),
  );
  session.resize({ cols: 100, rows: 30 });
  session.write(new TextEncoder().encode('ls'));
  await typed;
  assert.deepEqual(await session.exited, { exitCode: 7 });
  assert.equal(output, 'prompt$ you typed ls');
  assert.equal(asked?.pathname, '/api/v1/namespaces/shop/pods/web-a/exec');
  assert.deepEqual(asked?.searchParams.getAll('command'), ['sh', '-c', 'echo hi']);
  assert.equal(asked?.searchParams.get('container'), 'web');
  assert.equal(asked?.searchParams.get('tty'), 'true');
  assert.equal(asked?.searchParams.get('stdin'), 'true');
  assert.equal(asked?.searchParams.get('stderr'), 'false');
  assert.equal(authorization, 'Bearer secret-token');
  const resizes = received
    .filter((data) => data[0] === 4)
    .map((data) => JSON.parse(data.subarray(1).toString()));
  assert.deepEqual(resizes, [
    { Width: 80, Height: 24 },
    { Width: 100, Height: 30 },
  ]);
  assert.equal(received[0]?.[0], 4, 'the size comes before any input');
});

test('a message on a channel the session did not open is dropped, not thrown', async () => {
  accept = (socket) => {
    socket.send(frame(2, 'stderr without a stream'));
    socket.send(frame(1, 'still here'));
    socket.send(frame(3, JSON.stringify({ status: 'Success' })));
  };
  const session = await startPodExec(kubeConfig, request());
  let output = '';
  session.onOutput((data) => {
    output += Buffer.from(data).toString();
  });
  assert.deepEqual(await session.exited, { exitCode: 0 });
  assert.equal(output, 'still here');
});

test('close() and aborting end the session without an exit code', async () => {
  let closed: Promise<unknown> = Promise.resolve();
  accept = (socket) => {
    closed = once(socket, 'close');
  };
  const session = await startPodExec(kubeConfig, request());
  session.close();
  assert.deepEqual(await session.exited, { exitCode: null });
  await closed;

  const stop = new AbortController();
  const aborted = await startPodExec(kubeConfig, request(stop.signal));
  stop.abort();
  assert.deepEqual(await aborted.exited, { exitCode: null });
});

test('a connection the server drops ends the session with an error', async () => {
  accept = (socket) => socket.terminate();
  const session = await startPodExec(kubeConfig, request());
  const exit = await session.exited;
  assert.equal(exit.exitCode, null);
  assert.match(
    exit.error ?? '',
    /^the connection to the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ closed before the command ended/,
  );
});

test('a refused upgrade reads like a refused request: 403 names the permission, 404 is not_found', async () => {
  refuse = {
    code: 403,
    message:
      'pods "web-a" is forbidden: User "system:serviceaccount:shop:viewer" cannot get resource "pods/exec" in API group "" in the namespace "shop"',
  };
  try {
    await assert.rejects(
      startPodExec(kubeConfig, request()),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'unavailable' &&
        error.message.startsWith(
          `cannot start a shell in web-a/web: the Kubernetes target's credentials may not get pods/exec in namespace shop (403 Forbidden); grant them "get" and "create" on "pods/exec"`,
        ) &&
        error.message.endsWith(
          'The API server said: pods "web-a" is forbidden: User "system:serviceaccount:shop:viewer" cannot get resource "pods/exec" in API group "" in the namespace "shop"',
        ),
    );
    refuse = { code: 404, message: 'pods "web-a" not found' };
    await assert.rejects(
      startPodExec(kubeConfig, request()),
      (error: unknown) => error instanceof GantryError && error.code === 'not_found',
    );
  } finally {
    refuse = undefined;
  }
});

const MiB = 1024 * 1024;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('paused, the WebSocket is not read: output backs up at the API server; resumed, all of it arrives', async () => {
  let server: WebSocket | undefined;
  accept = (socket) => {
    server = socket;
    socket.send(frame(1, '$ '));
  };
  const session = await startPodExec(kubeConfig, request());
  let received = 0;
  session.onOutput((data) => {
    received += data.length;
  });
  try {
    while (received < 2) await nextTurn();
    session.pause();
    const atPause = received;
    const chunk = frame(1, 'y\n'.repeat(32 * 1024));
    let sent = 0;
    // The container goes on writing (as `yes` would) until 4 MiB wait at the API server.
    while (server!.bufferedAmount < 4 * MiB && sent < 256 * MiB) {
      server!.send(chunk);
      sent += chunk.length - 1;
      await nextTurn();
    }
    assert.ok(server!.bufferedAmount >= 4 * MiB, `the server could send all ${sent} bytes: they were read`);
    assert.ok(received - atPause < MiB, `${received - atPause} bytes were read while paused`);
    session.resume();
    while (received < atPause + sent) await nextTurn();
    assert.equal(received, atPause + sent);
    server!.send(frame(3, JSON.stringify({ status: 'Success' })));
    assert.deepEqual(await session.exited, { exitCode: 0 });
  } finally {
    session.close();
  }
});

test('keystrokes the container does not read end the session past the limit', async () => {
  accept = (socket) => socket.pause();
  const session = await startPodExec(kubeConfig, request());
  let ended = false;
  void session.exited.then(() => {
    ended = true;
  });
  const keys = new Uint8Array(64 * 1024).fill(0x61);
  let typed = 0;
  for (; !ended && typed < 256 * MiB; typed += keys.length) {
    session.write(keys);
    await nextTurn();
  }
  session.close();
  // Loopback's kernel buffers take some megabytes before any wait in the socket.
  assert.ok(typed < 64 * MiB, `${typed} bytes were typed before the session ended`);
  assert.deepEqual(await session.exited, { exitCode: null, error: INPUT_NOT_READ });
});
