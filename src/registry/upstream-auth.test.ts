import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { MAX_CACHED_TOKENS, parseChallenge, UpstreamAuth } from './upstream-auth.ts';

test('parses Basic and Bearer challenges, keeping commas inside quoted values', () => {
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic' });
  assert.deepEqual(
    parseChallenge(
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"',
    ),
    { scheme: 'bearer', realm: 'https://auth.example.com/token', service: 'registry.example.com' },
  );
  assert.deepEqual(parseChallenge('bearer realm=https://auth.example.com/token'), {
    scheme: 'bearer',
    realm: 'https://auth.example.com/token',
    service: undefined,
  });
});

test('refuses schemes and realms it cannot answer', () => {
  assert.equal(parseChallenge(undefined), null);
  assert.equal(parseChallenge('Negotiate abc'), null);
  assert.equal(parseChallenge('Bearer service="x"'), null);
  assert.equal(parseChallenge('Bearer realm="file:///etc/passwd"'), null);
});

/** A registry stand-in on loopback that asks for Bearer tokens, and its token server, which counts requests per scope. */
async function tokenServer(t: TestContext): Promise<{ origin: string; requests: Map<string, number> }> {
  const requests = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${origin}/token",service="test"` }).end();
      return;
    }
    const scope = url.searchParams.get('scope') ?? '';
    requests.set(scope, (requests.get(scope) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `${scope}#${requests.get(scope)}`, expires_in: 60 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(() => server.close());
  return { origin, requests };
}

test('tokens are cached per scope, at most 256 of them: the oldest is dropped first', async (t) => {
  const { origin, requests } = await tokenServer(t);
  const auth = new UpstreamAuth({ origin, username: 'gantry', password: 'pw' });
  const scope = (i: number) => `repository:r${i}:pull`;
  for (let i = 0; i < MAX_CACHED_TOKENS + 10; i++) await auth.authorization(scope(i));
  assert.equal(auth.cachedTokens, MAX_CACHED_TOKENS);
  assert.equal(
    await auth.authorization(scope(MAX_CACHED_TOKENS + 9)),
    `Bearer ${scope(MAX_CACHED_TOKENS + 9)}#1`,
  );
  assert.equal(await auth.authorization(scope(0)), `Bearer ${scope(0)}#2`, 'evicted, so asked for again');
  assert.equal(requests.get(scope(MAX_CACHED_TOKENS + 9)), 1);
});

test('expired tokens are evicted, not kept until their scope comes again', async (t) => {
  const { origin } = await tokenServer(t);
  let now = 1_000_000;
  const auth = new UpstreamAuth({ origin, username: 'gantry', password: 'pw', now: () => now });
  await auth.authorization('repository:a:pull');
  await auth.authorization('repository:b:pull');
  assert.equal(auth.cachedTokens, 2);
  now += 61_000;
  assert.equal(await auth.authorization('repository:c:pull'), 'Bearer repository:c:pull#1');
  assert.equal(auth.cachedTokens, 1);
  assert.equal(await auth.authorization('repository:a:pull'), 'Bearer repository:a:pull#2');
});
