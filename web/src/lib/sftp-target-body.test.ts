import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_HOST_LOGIN_FORM } from './host-login-body.ts';
import { EMPTY_SFTP_TARGET_FORM, sftpSettings, sftpTargetForm } from './sftp-target-body.ts';

test('an SFTP server sends host, login and remote directory; the port only when typed', () => {
  assert.deepEqual(
    sftpSettings(
      {
        ...EMPTY_SFTP_TARGET_FORM,
        host: ' files.example.test ',
        remoteDir: 'www',
        login: { ...EMPTY_HOST_LOGIN_FORM, user: 'site', credential: 'password', password: 'pw' },
      },
      { update: false },
    ),
    { host: 'files.example.test', user: 'site', password: 'pw', remote_dir: 'www' },
  );
});

test('a stored SFTP target edits with its port, the secret blank', () => {
  const form = sftpTargetForm({
    host: 'files',
    port: 2022,
    user: 'site',
    remote_dir: '/srv/www',
    keep_releases: 3,
    known_hosts: 'k',
    fingerprints: [],
    auth: ['password'],
    mode: 'release',
  });
  assert.deepEqual(
    sftpSettings({ ...form, login: { ...form.login, rescanHostKeys: true } }, { update: true }),
    {
      host: 'files',
      user: 'site',
      port: 2022,
      remote_dir: '/srv/www',
      keep_releases: 3,
      rescan_host_keys: true,
    },
  );
});
