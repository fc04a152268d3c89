import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { RegistryUpstream } from './registry-upstream.ts';

test('after a refused upload, which cannot be replayed, the next request asks for a new token', async (t) => {
  // A registry stand-in with a token server; it has revoked the first token it issued.
  let issued = 0;
  const server = createServer((req, res) => {
    if (req.url === '/v2/') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${origin}/token",service="test"` }).end();
    } else if (req.url?.startsWith('/token')) {
      issued += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `t${issued}` }));
    } else {
      req.resume();
      const revoked = req.headers.authorization === 'Bearer t1';
      res.writeHead(revoked ? 401 : 202, revoked ? { 'www-authenticate': 'Bearer realm="x"' } : {}).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(() => server.close());
  const upstream = new RegistryUpstream({ kind: 'remote', url: origin, username: 'gantry', password: 'pw' });
  const upload = () =>
    upstream.send(
      { method: 'POST', path: '/v2/a/blobs/uploads/', headers: {}, scope: 'repository:a:pull,push' },
      Readable.from([Buffer.from('layer')]),
    );
  const refused = await upload();
  assert.equal(refused.statusCode, 401, 'an upload is not replayed');
  refused.resume();
  const accepted = await upload();
  accepted.resume();
  assert.equal(accepted.statusCode, 202);
  assert.equal(issued, 2);
});
