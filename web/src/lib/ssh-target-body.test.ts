import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_HOST_LOGIN_FORM } from './host-login-body.ts';
import { EMPTY_SSH_TARGET_FORM, sshSettings, sshTargetForm } from './ssh-target-body.ts';

test('hosts are one per line or comma-separated; blank optional settings are left to the API', () => {
  assert.deepEqual(
    sshSettings(
      {
        ...EMPTY_SSH_TARGET_FORM,
        hosts: 'web1\nweb2:2222, [::1]:22\n\nweb1',
        deployTo: ' /srv/shop ',
        login: { ...EMPTY_HOST_LOGIN_FORM, user: 'deploy', password: 'pw', credential: 'password' },
      },
      { update: false },
    ),
    { hosts: ['web1', 'web2:2222', '[::1]:22'], user: 'deploy', password: 'pw', deploy_to: '/srv/shop' },
  );
});

test('parallelism and releases kept are sent as numbers', () => {
  const body = sshSettings(
    { ...EMPTY_SSH_TARGET_FORM, hosts: 'web1', parallelism: '2', keepReleases: '10' },
    { update: false },
  );
  assert.deepEqual([body.parallelism, body.keep_releases], [2, 10]);
});

test('a stored target edits with every host and port spelled out, and saves back unchanged', () => {
  const form = sshTargetForm({
    hosts: [
      { host: '127.0.0.1', port: 2201, known_hosts: 'x', fingerprints: ['SHA256:a'] },
      { host: '::1', port: 22, known_hosts: 'y', fingerprints: [] },
    ],
    user: 'root',
    deploy_to: '/srv/app',
    parallelism: 1,
    keep_releases: 5,
    auth: ['private_key'],
  });
  assert.equal(form.hosts, '127.0.0.1:2201\n[::1]:22');
  assert.deepEqual(sshSettings(form, { update: true }), {
    hosts: ['127.0.0.1:2201', '[::1]:22'],
    user: 'root',
    deploy_to: '/srv/app',
    parallelism: 1,
    keep_releases: 5,
  });
});
