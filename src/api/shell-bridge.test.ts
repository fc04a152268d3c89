import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import type { ShellConnection, ShellEnding } from '../services/environment-shell-service.ts';
import type { TerminalSize } from '../targets/environment-operations.ts';
import { bridgeShell, MAX_MESSAGE_BYTES, PAUSE_ABOVE_BYTES } from './shell-bridge.ts';

const MiB = 1024 * 1024;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A shell the test plays: what the bridge did to it, and its output listener. */
interface FakeShell extends ShellConnection {
  written: string[];
  sizes: TerminalSize[];
  paused: boolean;
  pauses: number;
  closed: boolean;
  emit(data: Uint8Array): void;
  end(ending: ShellEnding): void;
}

function fakeShell(): FakeShell {
  let listener: (data: Uint8Array) => void = () => {};
  const { promise: ended, resolve } = Promise.withResolvers<ShellEnding>();
  const shell: FakeShell = {
    sessionId: 12,
    pod: 'web-pod-0',
    container: 'web',
    written: [],
    sizes: [],
    paused: false,
    pauses: 0,
    closed: false,
    write: (data) => shell.written.push(Buffer.from(data).toString()),
    resize: (size) => shell.sizes.push(size),
    onOutput: (output) => {
      listener = output;
    },
    pause: () => {
      shell.paused = true;
      shell.pauses++;
    },
    resume: () => {
      shell.paused = false;
    },
    ended,
    close: () => {
      shell.closed = true;
      resolve({ exitCode: null, reason: 'closed' });
    },
    emit: (data) => listener(data),
    end: resolve,
  };
  return shell;
}

let server: WebSocketServer;
let url: string;
let nextShell: FakeShell;

before(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => bridgeShell(socket, nextShell));
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  for (const client of server.clients) client.terminate();
  server.close();
});

/** Connects a client to a new fake shell; collects the text messages and counts the output. */
async function connect() {
  const shell = fakeShell();
  nextShell = shell;
  const client = new WebSocket(url);
  const texts: unknown[] = [];
  const state = { client, shell, texts, output: 0 };
  client.on('message', (data: Buffer, isBinary) => {
    if (isBinary) state.output += data.length;
    else texts.push(JSON.parse(data.toString()));
  });
  await once(client, 'open');
  while (texts.length === 0) await nextTurn();
  return state;
}

test('started, keystrokes and resizes in, output out, the exit out and the socket closed', async () => {
  const { client, shell, texts } = await connect();
  assert.deepEqual(texts[0], { type: 'started', session_id: 12, pod: 'web-pod-0', container: 'web' });
  client.send(Buffer.from('ls\n'), { binary: true });
  client.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }));
  client.send('not json');
  let output = '';
  client.on('message', (data: Buffer, isBinary) => {
    if (isBinary) output += data.toString();
  });
  while (shell.sizes.length === 0) await nextTurn();
  shell.emit(Buffer.from('file\n'));
  const closed = once(client, 'close');
  shell.end({ exitCode: 3, reason: 'exited' });
  const [code, reason] = (await closed) as [number, Buffer];
  assert.deepEqual([code, reason.toString()], [1000, 'exited']);
  assert.deepEqual(shell.written, ['ls\n']);
  assert.deepEqual(shell.sizes, [{ cols: 100, rows: 30 }]);
  assert.equal(output, 'file\n');
  assert.deepEqual(texts.at(-1), { type: 'exit', exit_code: 3, reason: 'exited' });
});

test('a client that does not read pauses the shell; once it has read, the shell resumes and nothing was lost', async () => {
  const state = await connect();
  const { client, shell } = state;
  client.pause();
  const chunk = new Uint8Array(64 * 1024).fill(0x79);
  let produced = 0;
  // The shell writes as `yes` would, as long as it is not paused.
  while (!shell.paused && produced < 256 * MiB) {
    shell.emit(chunk);
    produced += chunk.length;
    await nextTurn();
  }
  assert.ok(shell.paused, `the shell was never paused: ${produced} bytes went out`);
  client.resume();
  while (shell.paused) await nextTurn();
  while (state.output < produced) await nextTurn();
  assert.equal(state.output, produced);
  assert.equal(shell.pauses, 1);
  client.close();
  await shell.ended;
});

test('the shell is paused only once more than the limit waits to be sent', async () => {
  const { client, shell } = await connect();
  shell.emit(new Uint8Array(PAUSE_ABOVE_BYTES / 2));
  assert.equal(shell.paused, false);
  client.close();
  await shell.ended;
});

test('a message larger than the limit closes the socket, and so the shell', async () => {
  const { client, shell } = await connect();
  const closed = once(client, 'close');
  client.send(new Uint8Array(MAX_MESSAGE_BYTES + 1), { binary: true });
  const [code] = (await closed) as [number];
  assert.equal(code, 1009);
  await shell.ended;
  assert.equal(shell.closed, true);
  assert.deepEqual(shell.written, []);
});

test('a shell that goes on writing although paused does not fill the memory: the client is cut off', async () => {
  const { client, shell } = await connect();
  client.pause();
  let closed = false;
  client.once('close', () => {
    closed = true;
  });
  const chunk = new Uint8Array(64 * 1024);
  let produced = 0;
  while (!shell.closed && produced < 256 * MiB) {
    shell.emit(chunk);
    produced += chunk.length;
    await nextTurn();
  }
  assert.ok(shell.closed, `${produced} bytes were taken for a client that does not read`);
  client.resume();
  while (!closed) await nextTurn();
});
