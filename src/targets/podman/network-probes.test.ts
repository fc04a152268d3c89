import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { freePort } from '../../../test/support/free-port.ts';
import { httpProbe, tcpProbe } from './network-probes.ts';

let server: Server;
let port: number;
const seen: Record<string, string | undefined>[] = [];

before(async () => {
  server = createServer((request, response) => {
    seen.push({ path: request.url, host: request.headers.host });
    response.statusCode = request.url === '/ok' ? 200 : request.url === '/moved' ? 302 : 503;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = () => ({ host: '127.0.0.1', port, timeoutMs: 2000 });

test('HTTP probes pass on 200 to 399, with the probe headers', async () => {
  assert.equal(await httpProbe(target(), { path: '/ok', https: false, headers: { host: 'shop' } }), null);
  assert.equal(await httpProbe(target(), { path: '/moved', https: false, headers: {} }), null);
  assert.equal(await httpProbe(target(), { path: '/down', https: false, headers: {} }), 'HTTP 503');
  assert.deepEqual(seen[0], { path: '/ok', host: 'shop' });
});

test('TCP probes pass when the port accepts; a closed port says why', async () => {
  assert.equal(await tcpProbe(target()), null);
  const closed = await freePort();
  assert.match((await tcpProbe({ host: '127.0.0.1', port: closed, timeoutMs: 2000 })) ?? '', /ECONNREFUSED/);
  assert.match(
    (await httpProbe(
      { host: '127.0.0.1', port: closed, timeoutMs: 2000 },
      { path: '/', https: false, headers: {} },
    )) ?? '',
    /ECONNREFUSED/,
  );
});
