import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isDeniedAddress,
  type ResolvedAddress,
  resolveScrapeAddresses,
  scrapeDenyList,
} from './scrape-address.ts';

test('built-in deny list: link-local and metadata addresses, not loopback or private networks', () => {
  const deny = scrapeDenyList();
  const cases: Array<[address: string, denied: boolean]> = [
    ['127.0.0.1', false],
    ['127.3.4.5', false],
    ['::1', false],
    ['0.0.0.0', false],
    ['10.1.2.3', false],
    ['192.168.1.10', false],
    ['172.16.0.1', false],
    ['203.0.113.7', false],
    ['2001:db8::1', false],
    ['169.254.169.254', true],
    ['169.254.0.1', true],
    ['169.254.255.255', true],
    ['169.253.255.255', false],
    ['169.255.0.0', false],
    ['::ffff:169.254.169.254', true],
    ['::ffff:127.0.0.1', false],
    ['fe80::1', true],
    ['febf:ffff::1', true],
    ['fec0::1', false],
    ['fd00:ec2::254', true],
    ['fd00:ec2:0:0:0:0:0:254', true],
    ['fd00:ec2::253', false],
    ['fd00::1', false],
    ['100.100.100.200', true],
    ['100.100.100.201', false],
  ];
  for (const [address, denied] of cases) assert.equal(isDeniedAddress(deny, address), denied, address);
});

test('admin CIDRs are added to the built-in list', () => {
  const deny = scrapeDenyList(['10.0.0.0/8', 'fd12:3456::/32', '192.0.2.1/32']);
  const cases: Array<[address: string, denied: boolean]> = [
    ['10.200.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['11.0.0.1', false],
    ['fd12:3456:1::1', true],
    ['fd12:3457::1', false],
    ['192.0.2.1', true],
    ['192.0.2.2', false],
    ['169.254.169.254', true],
    ['127.0.0.1', false],
  ];
  for (const [address, denied] of cases) assert.equal(isDeniedAddress(deny, address), denied, address);
  assert.throws(() => isDeniedAddress(deny, 'app.example'), /"app.example" is not an IP address/);
});

test('a host is resolved once, and refused when any of its addresses is denied', async () => {
  const deny = scrapeDenyList(['10.0.0.0/8']);
  const names: Record<string, ResolvedAddress[]> = {
    'app.example': [
      { address: '203.0.113.7', family: 4 },
      { address: '2001:db8::7', family: 6 },
    ],
    localhost: [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ],
    'metadata.example': [{ address: '169.254.169.254', family: 4 }],
    'mixed.example': [
      { address: '203.0.113.7', family: 4 },
      { address: 'fd00:ec2::254', family: 6 },
    ],
    'internal.example': [{ address: '10.0.0.9', family: 4 }],
    'nowhere.example': [],
  };
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return names[hostname] ?? [];
  };
  const cases: Array<{ host: string; expected: ResolvedAddress[] | RegExp }> = [
    { host: 'app.example', expected: names['app.example']! },
    { host: 'localhost', expected: names.localhost! },
    // Literals are not resolved.
    { host: '127.0.0.1', expected: [{ address: '127.0.0.1', family: 4 }] },
    { host: '[::1]', expected: [{ address: '::1', family: 6 }] },
    {
      host: '169.254.169.254',
      expected: /metrics are never scraped from 169\.254\.169\.254: link-local and cloud metadata/,
    },
    { host: '[fe80::1]', expected: /never scraped from fe80::1:/ },
    { host: '[::ffff:a9fe:a9fe]', expected: /never scraped from ::ffff:a9fe:a9fe:/ },
    {
      host: 'metadata.example',
      expected: /never scraped from 169\.254\.169\.254 \(metadata\.example resolves to it\)/,
    },
    { host: 'mixed.example', expected: /never scraped from fd00:ec2::254 \(mixed\.example resolves to it\)/ },
    { host: 'internal.example', expected: /never scraped from 10\.0\.0\.9 .*GANTRY_METRICS_SCRAPE_DENY/ },
    { host: 'nowhere.example', expected: /nowhere\.example resolves to no address/ },
  ];
  for (const { host, expected } of cases) {
    const result = resolveScrapeAddresses(host, deny, resolve);
    if (expected instanceof RegExp) await assert.rejects(result, expected, host);
    else assert.deepEqual(await result, expected, host);
  }
  assert.deepEqual(asked, [
    'app.example',
    'localhost',
    'metadata.example',
    'mixed.example',
    'internal.example',
    'nowhere.example',
  ]);
});
