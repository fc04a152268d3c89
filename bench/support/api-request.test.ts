import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { apiRequest } from './api-request.ts';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

before(async () => {
  server = createServer(async (request, response) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body: await bodyOf(request),
    });
    if (request.url === '/api/v1/projects' && request.method === 'POST') {
      response.writeHead(201, { 'content-type': 'application/json', 'x-total': '1' });
      response.end('{"id":7}');
    } else if (request.url === '/api/v1/empty') {
      response.writeHead(204);
      response.end();
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(`{"error":{"code":"not_found","message":"${'x'.repeat(600)}"}}`);
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((done) => server.close(() => done())));

test('sends the token and a JSON body to /api/v1<path>; returns the parsed answer and headers', async () => {
  seen.length = 0;
  const answer = await apiRequest<{ id: number }>(baseUrl, 'POST', '/projects', 'tok', { path: 'a/b' }, 201);
  assert.deepEqual(answer.body, { id: 7 });
  assert.equal(answer.headers.get('x-total'), '1');
  assert.deepEqual(seen, [
    {
      method: 'POST',
      url: '/api/v1/projects',
      authorization: 'Bearer tok',
      contentType: 'application/json',
      body: '{"path":"a/b"}',
    },
  ]);
});

test('without a body it sends no content type, and an empty answer is undefined', async () => {
  seen.length = 0;
  const answer = await apiRequest<undefined>(baseUrl, 'GET', '/empty', 'tok', undefined, 204);
  assert.equal(answer.body, undefined);
  assert.equal(seen[0]?.contentType, undefined);
  assert.equal(seen[0]?.body, '');
});

test('another status than expected throws with the status and the first 500 characters', async () => {
  await assert.rejects(apiRequest(baseUrl, 'GET', '/missing', 'tok', undefined, 200), (error: unknown) => {
    assert.ok(error instanceof Error);
    const prefix = 'GET /missing: expected 200, got 404: {"error":{"code":"not_found","message":"';
    assert.ok(error.message.startsWith(prefix), error.message);
    assert.equal(
      error.message.length,
      prefix.length - '{"error":{"code":"not_found","message":"'.length + 500,
    );
    return true;
  });
});
