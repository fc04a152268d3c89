import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { MAX_SCRAPE_BYTES, scrapeMetrics, scrapeUrl } from './metrics-scrape.ts';

let server: Server;
let base: string;
before(async () => {
  server = createServer((request, response) => {
    if (request.url === '/metrics') {
      response.setHeader('content-type', 'text/plain');
      response.end('http_requests_total 3\n');
    } else if (request.url === '/huge') {
      // No content-length: the size is only known while reading.
      const line = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const write = () => {
        while (sent <= MAX_SCRAPE_BYTES && response.write(line)) sent += line.length;
        if (sent <= MAX_SCRAPE_BYTES) response.once('drain', write);
        else response.end();
      };
      write();
    } else if (request.url === '/slow') {
      // Never answers; the client's timeout ends it.
    } else if (request.url === '/moved') {
      response.writeHead(302, { location: '/metrics' }).end();
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('the URL is the external URL with the path appended, http(s) only', () => {
  const cases = [
    { external: 'https://app.example', path: '/metrics', expected: 'https://app.example/metrics' },
    { external: 'https://app.example/', path: 'metrics', expected: 'https://app.example/metrics' },
    { external: 'http://app.example/base/', path: '/m?x=1', expected: 'http://app.example/base/m?x=1' },
  ];
  for (const { external, path, expected } of cases) assert.equal(scrapeUrl(external, path).href, expected);
  for (const external of ['ftp://app.example', 'file:///etc', 'app.example']) {
    assert.throws(() => scrapeUrl(external, '/metrics'), /http:\/\/ or https:\/\/ only/);
  }
});

test('a scrape answers the body', async () => {
  assert.equal(await scrapeMetrics(new URL(`${base}/metrics`)), 'http_requests_total 3\n');
});

test('failures say what failed: status, redirect, size, timeout, connection', async () => {
  await assert.rejects(scrapeMetrics(new URL(`${base}/nothing`)), /answered 404, expected 200/);
  await assert.rejects(scrapeMetrics(new URL(`${base}/moved`)), /answered 302, expected 200/);
  await assert.rejects(scrapeMetrics(new URL(`${base}/huge`)), /more than 4 MiB/);
  await assert.rejects(
    scrapeMetrics(new URL(`${base}/slow`), { timeoutMs: 50 }),
    /did not answer within 0.05 s/,
  );
  // A port nothing listens on: the server's own, closed.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(scrapeMetrics(new URL(`http://127.0.0.1:${port}/metrics`)), /failed: .*ECONNREFUSED/);
});

test('a stop signal ends a scrape under way', async () => {
  const stop = new AbortController();
  const scrape = scrapeMetrics(new URL(`${base}/slow`), { signal: stop.signal });
  stop.abort();
  await assert.rejects(scrape, { name: 'AbortError' });
});
