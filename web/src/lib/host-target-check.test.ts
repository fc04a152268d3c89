import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostTargetCheckText, loginAuthText, sftpModeText } from './host-target-check.ts';

const host = { host: 'h', port: 22, known_hosts: '', fingerprints: [] };

test('each kind says what its save checked', () => {
  assert.equal(
    hostTargetCheckText({
      ssh: {
        hosts: [host, host],
        user: 'root',
        deploy_to: '/srv/app',
        parallelism: 1,
        keep_releases: 5,
        auth: [],
      },
    }),
    'logged in to 2 hosts as root, /srv/app writable',
  );
  assert.equal(
    hostTargetCheckText({ ansible: { hosts: [{ ...host, name: 'h' }], user: 'ops', auth: [] } }),
    'logged in to the host as ops',
  );
  assert.equal(
    hostTargetCheckText({
      sftp: {
        ...host,
        user: 'site',
        remote_dir: 'www',
        keep_releases: 5,
        auth: ['password'],
        mode: 'release',
      },
    }),
    'logged in to h as site, releases switched atomically',
  );
  assert.equal(
    hostTargetCheckText({ maven: { url: 'u', username: null, password_set: false } }),
    'the repository answered',
  );
  assert.equal(hostTargetCheckText({ ssh: null }), undefined);
});

test("an SFTP target's mode says whether releases switch atomically", () => {
  assert.equal(sftpModeText('sync'), 'files copied in place (the server allows no atomic switch)');
  assert.equal(sftpModeText(null), 'not checked yet');
});

test('credentials are named, never shown', () => {
  assert.equal(loginAuthText(['private_key']), 'by private key');
  assert.equal(loginAuthText(['private_key', 'password']), 'by private key and password');
  assert.equal(loginAuthText([]), 'no credentials');
});
