import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { type EventStream, eventStreams, SSE_KEEP_ALIVE, sseMessage } from './event-stream.ts';
import type { GantryApp } from './gantry-app.ts';

test('a message is an event name, one line of JSON and an optional id', () => {
  assert.equal(sseMessage('job', { id: 1, text: 'a\nb' }), 'event: job\ndata: {"id":1,"text":"a\\nb"}\n\n');
  assert.equal(sseMessage('log', { offset: 5 }, 5), 'id: 5\nevent: log\ndata: {"offset":5}\n\n');
  assert.match(SSE_KEEP_ALIVE, /^:.*\n\n$/);
});

/** A server with one SSE route; `opened` resolves with each stream the route opens. */
async function serve() {
  const app = Fastify() as unknown as GantryApp;
  const open = eventStreams(app);
  const streams: EventStream[] = [];
  let onOpen: (stream: EventStream) => void = () => {};
  app.get('/stream', async (_request, reply) => {
    const stream = open(reply);
    streams.push(stream);
    onOpen(stream);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const connect = async () => {
    const opened = new Promise<EventStream>((resolve) => {
      onOpen = resolve;
    });
    const response = await fetch(`http://127.0.0.1:${port}/stream`);
    return { response, stream: await opened };
  };
  return { app, connect, streams };
}

test('headers go out before any event, and what is written arrives', async () => {
  const { app, connect } = await serve();
  try {
    const { response, stream } = await connect();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assert.equal(stream.write(sseMessage('ready', {})), true);
    stream.end(sseMessage('end', { status: 'done' }));
    assert.equal(await response.text(), 'event: ready\ndata: {}\n\nevent: end\ndata: {"status":"done"}\n\n');
    assert.equal(stream.closed, true);
  } finally {
    await app.close();
  }
});

test('a client hanging up closes the stream and tells its listeners', async () => {
  const { app, connect } = await serve();
  try {
    const { response, stream } = await connect();
    const closed = new Promise<void>((resolve) => stream.onClose(resolve));
    await response.body?.cancel();
    await closed;
    assert.equal(stream.closed, true);
    await stream.drained();
    stream.end('ignored: the client is gone');
  } finally {
    await app.close();
  }
});

test('closing the server closes every open stream instead of waiting for its clients', async () => {
  const { app, connect, streams } = await serve();
  const first = await connect();
  const second = await connect();
  for (const stream of streams) stream.onClose(() => stream.end(sseMessage('end', {})));
  await app.close();
  assert.deepEqual(
    streams.map((stream) => stream.closed),
    [true, true],
  );
  assert.equal(await first.response.text(), 'event: end\ndata: {}\n\n');
  assert.equal(await second.response.text(), 'event: end\ndata: {}\n\n');
});
