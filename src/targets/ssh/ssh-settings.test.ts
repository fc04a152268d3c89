import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GantryError } from '../../domain/errors.ts';
import {
  hostPattern,
  mergeSshSettings,
  parseHosts,
  parseSshConfig,
  type SshAddress,
} from './ssh-settings.ts';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function scanner() {
  const scanned: string[] = [];
  const scan = async (address: SshAddress) => {
    scanned.push(hostPattern(address));
    return {
      knownHosts: `${hostPattern(address)} ssh-ed25519 AAAA${scanned.length}`,
      fingerprints: [`SHA256:${scanned.length}`],
    };
  };
  return { scan, scanned };
}

const rejects = (promise: Promise<unknown>, path: string, message: RegExp) =>
  assert.rejects(promise, (error: GantryError) => {
    assert.equal(error.code, 'validation_failed');
    assert.equal(error.details?.[0]?.path, path);
    assert.match(error.message, message);
    return true;
  });

test('hosts: name, name:port, [v6]:port; the port defaults to the target port', () => {
  assert.deepEqual(parseHosts(['web1', 'web2:2222', '[::1]:22', '10.0.0.5'], 2200), [
    { host: 'web1', port: 2200 },
    { host: 'web2', port: 2222 },
    { host: '::1', port: 22 },
    { host: '10.0.0.5', port: 2200 },
  ]);
  assert.throws(() => parseHosts(['a b'], 22), /a host is name, name:port or \[ipv6\]:port, got "a b"/);
  assert.throws(() => parseHosts(['web', 'web:22'], 22), /web:22 is listed twice/);
  assert.equal(hostPattern({ host: 'web', port: 22 }), 'web');
  assert.equal(hostPattern({ host: '127.0.0.1', port: 2222 }), '[127.0.0.1]:2222');
});

test('on create every host key is scanned and recorded with its fingerprint', async () => {
  const { scan, scanned } = scanner();
  const { config, credentials } = await mergeSshSettings(
    {
      hosts: ['127.0.0.1:2201', '127.0.0.1:2202'],
      user: 'deploy',
      deploy_to: '/srv/shop/',
      private_key: KEY,
    },
    null,
    scan,
  );
  assert.deepEqual(scanned, ['[127.0.0.1]:2201', '[127.0.0.1]:2202']);
  assert.deepEqual(config, {
    hosts: [
      {
        host: '127.0.0.1',
        port: 2201,
        known_hosts: '[127.0.0.1]:2201 ssh-ed25519 AAAA1',
        fingerprints: ['SHA256:1'],
      },
      {
        host: '127.0.0.1',
        port: 2202,
        known_hosts: '[127.0.0.1]:2202 ssh-ed25519 AAAA2',
        fingerprints: ['SHA256:2'],
      },
    ],
    user: 'deploy',
    deploy_to: '/srv/shop',
    parallelism: 1,
    keep_releases: 5,
    auth: ['private_key'],
  });
  assert.deepEqual(credentials, { private_key: KEY, password: null });
  assert.deepEqual(parseSshConfig(JSON.stringify(config)), config);
});

test('on update recorded keys stay (a changed host key is never taken silently) unless rescanned', async () => {
  const first = scanner();
  const stored = await mergeSshSettings(
    { hosts: ['web'], user: 'deploy', deploy_to: '/srv/a', password: 'pw' },
    null,
    first.scan,
  );
  const later = scanner();
  const kept = await mergeSshSettings({ hosts: ['web', 'web2'], parallelism: 2 }, stored, later.scan);
  assert.deepEqual(later.scanned, ['web2'], 'only the new host is scanned');
  assert.equal(kept.config.hosts[0]!.known_hosts, 'web ssh-ed25519 AAAA1');
  assert.deepEqual(kept.credentials, { private_key: null, password: 'pw' });
  const rescanned = await mergeSshSettings({ rescan_host_keys: true }, kept, scanner().scan);
  assert.equal(rescanned.config.hosts.length, 2);
});

test('given known_hosts are used as they are, and must name every host', async () => {
  const { scan, scanned } = scanner();
  const { config } = await mergeSshSettings(
    {
      hosts: ['web'],
      user: 'u',
      deploy_to: '/srv/a',
      password: 'x',
      known_hosts: '# mine\nweb,10.0.0.1 ssh-ed25519 AAAAkey\n',
    },
    null,
    scan,
  );
  assert.deepEqual(scanned, []);
  assert.equal(config.hosts[0]!.known_hosts, 'web ssh-ed25519 AAAAkey');
  await rejects(
    mergeSshSettings(
      { hosts: ['other'], user: 'u', deploy_to: '/srv/a', password: 'x', known_hosts: 'web ssh-ed25519 K' },
      null,
      scan,
    ),
    '/ssh/known_hosts',
    /known_hosts has no key for other/,
  );
});

test('every bad field is named', async () => {
  const { scan } = scanner();
  const base = { hosts: ['web'], user: 'deploy', deploy_to: '/srv/a', password: 'x' };
  await rejects(mergeSshSettings({ ...base, hosts: [] }, null, scan), '/ssh/hosts', /needs hosts/);
  await rejects(mergeSshSettings({ ...base, user: 'a b' }, null, scan), '/ssh/user', /login name/);
  await rejects(
    mergeSshSettings({ ...base, deploy_to: 'srv' }, null, scan),
    '/ssh/deploy_to',
    /absolute directory/,
  );
  await rejects(
    mergeSshSettings({ ...base, deploy_to: '/' }, null, scan),
    '/ssh/deploy_to',
    /absolute directory/,
  );
  await rejects(
    mergeSshSettings({ ...base, deploy_to: '/srv/../etc' }, null, scan),
    '/ssh/deploy_to',
    /absolute/,
  );
  await rejects(mergeSshSettings({ ...base, parallelism: 0 }, null, scan), '/ssh/parallelism', /at once/);
  await rejects(
    mergeSshSettings({ ...base, password: null }, null, scan),
    '/ssh/private_key',
    /private_key or password/,
  );
  await rejects(
    mergeSshSettings({ ...base, private_key: 'nope' }, null, scan),
    '/ssh/private_key',
    /PEM or OpenSSH/,
  );
  await rejects(
    mergeSshSettings(base, null, async () => ({ knownHosts: '', fingerprints: [] })),
    '/ssh/hosts',
    /showed no host key/,
  );
});
