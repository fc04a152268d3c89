import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import { RepositoryClient } from './repository-client.ts';

// A scripted server: the answers a repository manager may give that nginx in the medium tests does not.
let server: Server;
let url: string;
const seen: { method?: string; url?: string; authorization?: string }[] = [];

before(async () => {
  server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization });
    request.resume();
    if (request.url?.startsWith('/missing')) response.writeHead(404).end();
    else if (request.url?.startsWith('/forbidden')) response.writeHead(403).end('<html> no   write </html>');
    else if (request.url?.startsWith('/moved'))
      response.writeHead(301, { location: 'https://elsewhere/' }).end();
    else if (request.url?.startsWith('/broken')) response.writeHead(500).end('disk full');
    else response.writeHead(200).end('content');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => server.close());

const signal = new AbortController().signal;
const failure = (pattern: RegExp) => (error: unknown) =>
  error instanceof GantryError && error.code === 'unavailable' && pattern.test(error.message);

test('requests go under the base URL with basic auth; GET of a missing file is null', async () => {
  const client = new RepositoryClient({ url: `${url}/repo`, username: 'ci', password: 's3cret' });
  assert.equal(client.baseUrl, `${url}/repo/`);
  assert.deepEqual(await client.get('a/b.xml', signal), new TextEncoder().encode('content'));
  assert.deepEqual(seen.at(-1), {
    method: 'GET',
    url: '/repo/a/b.xml',
    authorization: `Basic ${Buffer.from('ci:s3cret').toString('base64')}`,
  });
  const anonymous = new RepositoryClient({ url: `${url}/`, username: null, password: null });
  assert.equal(await anonymous.get('missing/x', signal), null);
  assert.equal(seen.at(-1)?.authorization, undefined);
  await anonymous.delete('missing/x', signal);
});

test('refusals, redirects and server errors name the request and what to do', async () => {
  const client = new RepositoryClient({ url, username: 'ci', password: 'x' });
  await assert.rejects(
    client.put('forbidden/a.jar', new Uint8Array([1]), signal),
    failure(
      /^PUT http:\/\/127\.0\.0\.1:\d+\/forbidden\/a\.jar failed with HTTP 403: user "ci" may not write this path/,
    ),
  );
  await assert.rejects(
    client.get('moved/a', signal),
    failure(/HTTP 301: the server redirects to https:\/\/elsewhere\/: use that URL as the repository URL/),
  );
  await assert.rejects(
    client.put('broken/a', new Uint8Array([1]), signal),
    failure(/HTTP 500: unexpected answer: disk full/),
  );
});
