import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { GantryError } from '../../domain/errors.ts';
import { INPUT_NOT_READ } from '../environment-operations.ts';
import { type ApiExecOptions, HANG_UP, openApiExecSession } from './api-exec-session.ts';
import { LibpodClient } from './libpod-client.ts';

const MiB = 1024 * 1024;

/** What the fake libpod service answers, and what it was asked. */
interface Fake {
  create: { status: number; body: unknown };
  /** Answers of `GET /exec/abc/json`, in turn (the last one repeats). */
  inspects: unknown[];
  calls: string[];
  received: string;
  stream?: Socket;
}

let dir: string;
let server: Server;
let client: LibpodClient;
let fake: Fake;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gantry-api-exec-'));
  server = createServer((request, response) => {
    fake.calls.push(`${request.method} ${request.url}`);
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    request.resume();
    request.on('end', () => {
      if (request.url?.endsWith('/exec') && request.method === 'POST')
        return answer(fake.create.status, fake.create.body);
      if (request.url === '/v4.0.0/libpod/exec/abc/json')
        return answer(200, fake.inspects.length > 1 ? fake.inspects.shift() : fake.inspects[0]);
      if (request.url?.startsWith('/v4.0.0/libpod/exec/abc/resize')) return answer(201, '');
      answer(404, { message: 'not here' });
    });
  });
  server.on('upgrade', (request, socket: Socket) => {
    fake.calls.push(`UPGRADE ${request.url}`);
    socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n$ ');
    socket.on('data', (data: Buffer) => {
      fake.received += data.toString('latin1');
    });
    fake.stream = socket;
  });
  const socketPath = join(dir, 'podman.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  client = new LibpodClient(socketPath);
});

beforeEach(() => {
  fake = {
    create: { status: 201, body: { Id: 'abc' } },
    inspects: [{ Running: false, ExitCode: 0 }],
    calls: [],
    received: '',
  };
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function options(overrides: Partial<ApiExecOptions> = {}): ApiExecOptions & { released: () => number } {
  let released = 0;
  return {
    client,
    pod: 'shop-prod-web-pod-0',
    container: 'web',
    podmanName: 'shop-prod-web-pod-0-web',
    command: ['sh'],
    size: { cols: 100, rows: 30 },
    signal: new AbortController().signal,
    release: async () => {
      released += 1;
    },
    released: () => released,
    ...overrides,
  };
}

test('a session: created with a TTY, started at its size, output and keystrokes both ways, resize, exit code once ended', async () => {
  fake.inspects = [{ Running: true }, { Running: false, ExitCode: 7 }];
  const opened = options();
  const session = await openApiExecSession(opened);
  assert.deepEqual([session.pod, session.container], ['shop-prod-web-pod-0', 'web']);
  let output = '';
  session.onOutput((data) => {
    output += Buffer.from(data).toString();
  });
  session.write(new TextEncoder().encode('ls\n'));
  session.resize({ cols: 132, rows: 40 });
  while (!fake.received.includes('ls\n') || !fake.calls.some((call) => call.includes('resize')))
    await new Promise((resolve) => setTimeout(resolve, 10));
  fake.stream!.end('done\n');
  assert.deepEqual(await session.exited, { exitCode: 7 });
  assert.equal(output, '$ done\n');
  assert.equal(opened.released(), 1, 'released before exited resolves');
  assert.deepEqual(fake.calls.slice(0, 2), [
    'POST /v4.0.0/libpod/containers/shop-prod-web-pod-0-web/exec',
    'UPGRADE /v4.0.0/libpod/exec/abc/start',
  ]);
  assert.ok(fake.calls.includes('POST /v4.0.0/libpod/exec/abc/resize?h=40&w=132'));
});

test('close kills the command by its process id where Gantry may, and ends with no exit code', async () => {
  fake.inspects = [{ Running: true, Pid: 4242 }];
  const killed: number[] = [];
  const opened = options({ killProcess: (pid) => killed.push(pid) });
  const session = await openApiExecSession(opened);
  session.close();
  session.close();
  assert.deepEqual(await session.exited, { exitCode: null });
  assert.deepEqual(killed, [4242]);
  assert.equal(opened.released(), 1);
});

test('elsewhere close hangs the terminal up; an aborted signal closes too', async () => {
  fake.inspects = [{ Running: true, Pid: 4242 }];
  const abort = new AbortController();
  const session = await openApiExecSession(options({ signal: abort.signal }));
  abort.abort();
  assert.deepEqual(await session.exited, { exitCode: null });
  while (fake.received !== Buffer.from(HANG_UP).toString('latin1'))
    await new Promise((resolve) => setTimeout(resolve, 10));
});

test('an unknown container is not found, one not running a conflict; what was taken is released', async () => {
  fake.create = {
    status: 404,
    body: { message: 'no container with name or ID "x" found: no such container' },
  };
  const missing = options();
  await assert.rejects(
    openApiExecSession(missing),
    (error: GantryError) =>
      error.code === 'not_found' &&
      error.message ===
        'cannot run sh in container web of pod shop-prod-web-pod-0: no container with name or ID "x" found: no such container',
  );
  assert.equal(missing.released(), 1);
  fake.create = {
    status: 500,
    body: { message: 'can only create exec sessions on running containers: container state improper' },
  };
  await assert.rejects(openApiExecSession(options()), (error: GantryError) => error.code === 'conflict');
});

test('close kills nothing when Podman says the command no longer runs (its pid may be another process now)', async () => {
  fake.inspects = [{ Running: false, ExitCode: 0, Pid: 4242 }];
  const killed: number[] = [];
  const session = await openApiExecSession(options({ killProcess: (pid) => killed.push(pid) }));
  session.close();
  assert.deepEqual(await session.exited, { exitCode: null });
  assert.deepEqual(killed, []);
  while (fake.received !== Buffer.from(HANG_UP).toString('latin1'))
    await new Promise((resolve) => setTimeout(resolve, 10));
});

test('paused, the output is not read: it backs up in the service; resumed, all of it arrives', async () => {
  const session = await openApiExecSession(options());
  let received = 0;
  session.onOutput((data) => {
    received += data.length;
  });
  try {
    while (received < 2) await new Promise((resolve) => setImmediate(resolve));
    session.pause();
    const atPause = received;
    const stream = fake.stream!;
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let sent = 0;
    // The service goes on writing (as `yes` would) until 4 MiB wait in its own buffer.
    while (stream.writableLength < 4 * MiB && sent < 256 * MiB) {
      stream.write(chunk);
      sent += chunk.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(stream.writableLength >= 4 * MiB, `the service could send all ${sent} bytes: they were read`);
    assert.ok(received - atPause < MiB, `${received - atPause} bytes were read while paused`);
    session.resume();
    while (received < atPause + sent) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(received, atPause + sent);
  } finally {
    session.close();
    await session.exited;
  }
});

test('keystrokes the command does not read end the session past the limit, killing the command', async () => {
  fake.inspects = [{ Running: true, Pid: 4242 }];
  const killed: number[] = [];
  const opened = options({ killProcess: (pid) => killed.push(pid) });
  const session = await openApiExecSession(opened);
  while (!fake.stream) await new Promise((resolve) => setImmediate(resolve));
  fake.stream.pause();
  const keys = new Uint8Array(64 * 1024).fill(0x61);
  let ended = false;
  void session.exited.then(() => {
    ended = true;
  });
  let typed = 0;
  for (; !ended && typed < 64 * MiB; typed += keys.length) {
    session.write(keys);
    await new Promise((resolve) => setImmediate(resolve));
  }
  session.close();
  assert.ok(typed < 2 * MiB, `${typed} bytes were typed before the session ended`);
  assert.deepEqual(await session.exited, { exitCode: null, error: INPUT_NOT_READ });
  assert.deepEqual(killed, [4242]);
  assert.equal(opened.released(), 1);
});
