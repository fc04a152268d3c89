import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { GantryError } from '../../domain/errors.ts';
import { LibpodClient, libpodMessage } from './libpod-client.ts';

let dir: string;
let server: Server;
let client: LibpodClient;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gantry-libpod-'));
  server = createServer((request, response) => {
    if (request.url === '/v4.0.0/libpod/containers/web/exec') {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        response.writeHead(201, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ Id: 'abc', got: JSON.parse(body) }));
      });
      return;
    }
    response.writeHead(404, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({ cause: 'no such container', message: 'no container "x" found', response: 404 }),
    );
  });
  // A start answered with 101 and then an echo of whatever comes.
  server.on('upgrade', (request, socket) => {
    if (request.url !== '/v4.0.0/libpod/exec/abc/start') {
      socket.end(
        'HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{"message":"it broke"}',
      );
      return;
    }
    socket.write(
      'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello ',
    );
    socket.on('data', (data: Buffer) => socket.write(data));
  });
  const socketPath = join(dir, 'podman.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  client = new LibpodClient(socketPath);
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

test('a call sends JSON under the libpod prefix and parses the JSON answer', async () => {
  const answer = await client.call('POST', '/containers/web/exec', { Cmd: ['sh'] });
  assert.deepEqual(answer, { status: 201, body: { Id: 'abc', got: { Cmd: ['sh'] } } });
  const missing = await client.call('GET', '/exec/nope/json');
  assert.equal(missing.status, 404);
  assert.equal(libpodMessage(missing), 'no container "x" found');
});

test('an upgrade hands over the raw connection, with what came along with the answer', async () => {
  const socket = await client.upgrade('/exec/abc/start', { Detach: false, Tty: true });
  socket.write('world');
  let received = '';
  for await (const chunk of socket) {
    received += chunk.toString();
    if (received === 'hello world') break;
  }
  socket.destroy();
  assert.equal(received, 'hello world');
});

test("an upgrade answered otherwise is unavailable, with the service's message", async () => {
  await assert.rejects(
    client.upgrade('/exec/other/start', {}),
    (error: GantryError) =>
      error.code === 'unavailable' && error.message === "Podman's API refused /exec/other/start: it broke",
  );
});

test('a socket nobody listens on is unavailable', async () => {
  const nowhere = new LibpodClient(join(dir, 'missing.sock'));
  await assert.rejects(
    nowhere.call('GET', '/_ping'),
    (error: GantryError) =>
      error.code === 'unavailable' &&
      /cannot reach Podman's API at unix:\/\/.*missing\.sock/.test(error.message),
  );
});

test('libpodMessage says what the service said, or the status', () => {
  assert.equal(libpodMessage({ status: 500, body: { message: 'boom' } }), 'boom');
  assert.equal(libpodMessage({ status: 500, body: 'plain text' }), 'plain text');
  assert.equal(libpodMessage({ status: 502, body: undefined }), 'HTTP 502');
});
