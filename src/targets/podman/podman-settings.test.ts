import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import { mergePodmanSettings, parsePodmanConfig, parsePodmanCredentials } from './podman-settings.ts';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

const problem = (run: () => unknown): { message: string; path: string | undefined } => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GantryError);
    assert.equal(error.code, 'validation_failed');
    return { message: error.message, path: error.details[0]?.path };
  }
  return assert.fail('expected a validation error');
};

test('a local target gets runc, cgroupfs, explicit rlimits, 127.0.0.1 and verified TLS', () => {
  const { config, credentials } = mergePodmanSettings({}, null);
  assert.deepEqual(config, {
    url: null,
    runtime: 'runc',
    cgroup_manager: 'cgroupfs',
    ulimits: ['nofile=1024:1024', 'nproc=4096:4096'],
    publish_address: '127.0.0.1',
    tls_verify: true,
    version: null,
  });
  assert.deepEqual(credentials, { ssh_key: null });
});

test('ssh:// URLs need a key; unix:// URLs take none; other URLs are refused', () => {
  const ssh = mergePodmanSettings(
    { url: 'ssh://core@host.example:2222/run/podman/podman.sock', ssh_key: KEY },
    null,
  );
  assert.equal(ssh.credentials.ssh_key, KEY);
  assert.equal(
    problem(() => mergePodmanSettings({ url: 'ssh://core@host/run/podman/podman.sock' }, null)).path,
    '/podman/ssh_key',
  );
  assert.equal(
    problem(() => mergePodmanSettings({ url: 'unix:///run/podman/podman.sock', ssh_key: KEY }, null)).path,
    '/podman/ssh_key',
  );
  assert.equal(
    mergePodmanSettings({ url: 'unix:///run/podman/podman.sock' }, null).config.url,
    'unix:///run/podman/podman.sock',
  );
  assert.match(
    problem(() => mergePodmanSettings({ url: 'http://host:8080' }, null)).message,
    /ssh:\/\/user@host/,
  );
  assert.equal(
    problem(() => mergePodmanSettings({ url: 'ssh://h/s', ssh_key: 'not a key' }, null)).path,
    '/podman/ssh_key',
  );
});

test('settings are checked: cgroup manager, runtime, ulimits, publish address', () => {
  assert.equal(
    problem(() => mergePodmanSettings({ cgroup_manager: 'cgroupv3' }, null)).path,
    '/podman/cgroup_manager',
  );
  assert.equal(
    problem(() => mergePodmanSettings({ runtime: 'runc; rm -rf /' }, null)).path,
    '/podman/runtime',
  );
  assert.equal(
    problem(() => mergePodmanSettings({ ulimits: ['nofile=1024', 'nofile'] }, null)).path,
    '/podman/ulimits/1',
  );
  assert.equal(
    problem(() => mergePodmanSettings({ publish_address: 'localhost' }, null)).path,
    '/podman/publish_address',
  );
  const open = mergePodmanSettings(
    { publish_address: '0.0.0.0', runtime: '', cgroup_manager: '', ulimits: [] },
    null,
  );
  assert.deepEqual(
    [open.config.publish_address, open.config.runtime, open.config.cgroup_manager, open.config.ulimits],
    ['0.0.0.0', '', '', []],
  );
});

test('an update keeps what it does not name, the key included; an empty url makes the target local', () => {
  const stored = mergePodmanSettings(
    {
      url: 'ssh://core@host/run/podman/podman.sock',
      ssh_key: KEY,
      publish_address: '0.0.0.0',
      tls_verify: false,
    },
    null,
  );
  const renamed = mergePodmanSettings(
    { runtime: 'crun' },
    { ...stored, config: { ...stored.config, version: '4.3.1' } },
  );
  assert.equal(renamed.config.url, stored.config.url);
  assert.equal(renamed.config.runtime, 'crun');
  assert.equal(renamed.config.publish_address, '0.0.0.0');
  assert.equal(renamed.config.tls_verify, false);
  assert.equal(renamed.config.version, '4.3.1');
  assert.equal(renamed.credentials.ssh_key, KEY);
  const local = mergePodmanSettings({ url: '' }, stored);
  assert.equal(local.config.url, null);
  assert.equal(local.credentials.ssh_key, null, 'a local target keeps no key');
});

test('stored settings read back; anything else is not a Podman configuration', () => {
  const { config } = mergePodmanSettings({}, null);
  assert.deepEqual(parsePodmanConfig(JSON.stringify(config)), config);
  assert.throws(() => parsePodmanConfig('{"url":"https://hooks.example"}'), /not a Podman one/);
  assert.deepEqual(parsePodmanCredentials(null), { ssh_key: null });
  assert.deepEqual(parsePodmanCredentials(JSON.stringify({ ssh_key: KEY })), { ssh_key: KEY });
});
