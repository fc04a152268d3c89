import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_PODMAN_TARGET_FORM, podmanHostText, podmanSettings } from './podman-target-body.ts';

test("the server's own host sends no URL or key, and leaves blank settings to the API", () => {
  assert.deepEqual(podmanSettings({ ...EMPTY_PODMAN_TARGET_FORM, url: 'ssh://ignored/x', sshKey: 'k' }), {
    cgroup_manager: 'cgroupfs',
    tls_verify: true,
  });
});

test('a remote host sends its URL and key, and every setting given', () => {
  assert.deepEqual(
    podmanSettings({
      host: 'remote',
      url: ' ssh://deploy@web1/run/podman/podman.sock ',
      sshKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n\n',
      runtime: ' crun ',
      cgroupManager: '',
      ulimits: 'nofile=4096:4096, nproc=512',
      publishAddress: '0.0.0.0',
      tlsVerify: false,
    }),
    {
      url: 'ssh://deploy@web1/run/podman/podman.sock',
      ssh_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
      runtime: 'crun',
      cgroup_manager: '',
      ulimits: ['nofile=4096:4096', 'nproc=512'],
      publish_address: '0.0.0.0',
      tls_verify: false,
    },
  );
});

test('a unix socket needs no key', () => {
  assert.deepEqual(
    podmanSettings({ ...EMPTY_PODMAN_TARGET_FORM, host: 'remote', url: 'unix:///run/podman/podman.sock' }),
    { url: 'unix:///run/podman/podman.sock', cgroup_manager: 'cgroupfs', tls_verify: true },
  );
});

test("a target without a URL runs on the server's host", () => {
  assert.equal(podmanHostText({ url: null }), "this Gantry server's host");
  assert.equal(podmanHostText({ url: 'ssh://web1/run/podman.sock' }), 'ssh://web1/run/podman.sock');
});
