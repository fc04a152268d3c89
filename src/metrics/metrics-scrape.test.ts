import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { MAX_SCRAPE_BYTES, scrapeMetrics, scrapeUrl } from './metrics-scrape.ts';
import { type ResolvedAddress, scrapeDenyList } from './scrape-address.ts';

let server: Server;
let port: number;
let base: string;
/** The Host header of each request the server got. */
const hosts: string[] = [];
before(async () => {
  server = createServer((request, response) => {
    hosts.push(request.headers.host ?? '');
    const exposition = (contentType: string) => {
      response.setHeader('content-type', contentType);
      response.end('http_requests_total 3\n');
    };
    if (request.url === '/metrics') exposition('text/plain; version=0.0.4; charset=utf-8');
    else if (request.url === '/openmetrics') exposition('application/openmetrics-text; version=1.0.0');
    else if (request.url === '/page') exposition('text/html; charset=utf-8');
    else if (request.url === '/untyped') response.end('http_requests_total 3\n');
    else if (request.url === '/huge') {
      // No content-length: the size is only known while reading.
      response.setHeader('content-type', 'text/plain');
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
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
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

test('a scrape answers the body of a text/plain or OpenMetrics exposition', async () => {
  assert.equal(await scrapeMetrics(new URL(`${base}/metrics`)), 'http_requests_total 3\n');
  assert.equal(await scrapeMetrics(new URL(`${base}/openmetrics`)), 'http_requests_total 3\n');
});

test('failures say what failed: status, redirect, content type, size, timeout, connection', async () => {
  await assert.rejects(scrapeMetrics(new URL(`${base}/nothing`)), /answered 404, expected 200/);
  await assert.rejects(scrapeMetrics(new URL(`${base}/moved`)), /answered 302, expected 200/);
  await assert.rejects(
    scrapeMetrics(new URL(`${base}/page`)),
    /answered content type "text\/html; charset=utf-8", expected text\/plain/,
  );
  await assert.rejects(
    scrapeMetrics(new URL(`${base}/untyped`)),
    /answered no content type, expected text\/plain/,
  );
  await assert.rejects(scrapeMetrics(new URL(`${base}/huge`)), /more than 4 MiB/);
  await assert.rejects(
    scrapeMetrics(new URL(`${base}/slow`), { timeoutMs: 50 }),
    /did not answer within 0.05 s/,
  );
  // A port nothing listens on: the server's own, closed.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(
    scrapeMetrics(new URL(`http://127.0.0.1:${closedPort}/metrics`)),
    /failed: .*ECONNREFUSED/,
  );
});

test('denied addresses are refused before any connection, however the URL spells them', async () => {
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> =>
    hostname === 'metadata.example' ? [{ address: '169.254.169.254', family: 4 }] : [];
  const cases: Array<{ url: string; refused: string }> = [
    { url: 'http://169.254.169.254/latest/meta-data/', refused: '169.254.169.254' },
    // The decimal and hexadecimal forms are the same address once parsed.
    { url: 'http://2852039166/metrics', refused: '169.254.169.254' },
    { url: 'http://0xa9.0xfe.0xa9.0xfe/metrics', refused: '169.254.169.254' },
    { url: 'http://[::ffff:169.254.169.254]/metrics', refused: '::ffff:a9fe:a9fe' },
    { url: 'http://[fe80::1]:8080/metrics', refused: 'fe80::1' },
    { url: 'http://[fd00:ec2::254]/metrics', refused: 'fd00:ec2::254' },
    { url: 'http://metadata.example/metrics', refused: '169.254.169.254 (metadata.example resolves to it)' },
  ];
  for (const { url, refused } of cases) {
    await assert.rejects(
      scrapeMetrics(new URL(url), { resolve }),
      (error: Error) => error.message.includes(`failed: metrics are never scraped from ${refused}:`),
      url,
    );
  }
  // An admin's CIDRs count too; loopback is refused only when they say so.
  const deny = scrapeDenyList(['127.0.0.0/8']);
  await assert.rejects(
    scrapeMetrics(new URL(`${base}/metrics`), { deny }),
    /never scraped from 127\.0\.0\.1:/,
  );
});

test('the host is resolved once and the connection pinned to that answer', async () => {
  // A rebinding name: a harmless address first, the metadata service afterwards.
  const answers: ResolvedAddress[][] = [
    [{ address: '127.0.0.1', family: 4 }],
    [{ address: '169.254.169.254', family: 4 }],
  ];
  let asked = 0;
  const resolve = async () => answers[Math.min(asked++, 1)]!;
  hosts.length = 0;
  const body = await scrapeMetrics(new URL(`http://rebinding.example:${port}/metrics`), { resolve });
  assert.equal(body, 'http_requests_total 3\n');
  assert.equal(asked, 1);
  // The server saw the name, as a virtual host would.
  assert.deepEqual(hosts, [`rebinding.example:${port}`]);
  await assert.rejects(
    scrapeMetrics(new URL(`http://rebinding.example:${port}/metrics`), { resolve }),
    /never scraped from 169\.254\.169\.254 \(rebinding\.example resolves to it\)/,
  );
  assert.deepEqual(hosts, [`rebinding.example:${port}`]);
});

test('a stop signal ends a scrape under way', async () => {
  const stop = new AbortController();
  const scrape = scrapeMetrics(new URL(`${base}/slow`), { signal: stop.signal });
  stop.abort();
  await assert.rejects(scrape, { name: 'AbortError' });
  // Also while the name is being resolved.
  const resolving = new AbortController();
  const unresolved = scrapeMetrics(new URL('http://slow-dns.example/metrics'), {
    signal: resolving.signal,
    resolve: () => new Promise(() => {}),
  });
  resolving.abort();
  await assert.rejects(unresolved, { name: 'AbortError' });
});
