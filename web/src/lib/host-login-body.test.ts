import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EMPTY_HOST_LOGIN_FORM,
  hostAddress,
  hostLoginForm,
  hostLoginSettings,
  numberOrText,
} from './host-login-body.ts';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----';

test('a new login sends the user, the key with one final newline, and no rescan', () => {
  assert.deepEqual(
    hostLoginSettings(
      {
        ...EMPTY_HOST_LOGIN_FORM,
        user: ' deploy ',
        privateKey: `\n${KEY}\n\n`,
        password: 'ignored',
        rescanHostKeys: true,
      },
      { update: false },
    ),
    { user: 'deploy', private_key: `${KEY}\n` },
  );
});

test('a password login sends the password as typed, the port and known_hosts', () => {
  assert.deepEqual(
    hostLoginSettings(
      {
        ...EMPTY_HOST_LOGIN_FORM,
        user: 'web',
        port: '2222',
        credential: 'password',
        password: ' s3cret ',
        knownHosts: '[web1]:2222 ssh-ed25519 AAAA',
      },
      { update: false },
    ),
    { user: 'web', port: 2222, password: ' s3cret ', known_hosts: '[web1]:2222 ssh-ed25519 AAAA\n' },
  );
});

test('on update blank secrets are left out (kept), a new one replaces the other kind, rescan is sent', () => {
  const form = { ...EMPTY_HOST_LOGIN_FORM, user: 'root', rescanHostKeys: true };
  assert.deepEqual(hostLoginSettings(form, { update: true }), { user: 'root', rescan_host_keys: true });
  assert.deepEqual(hostLoginSettings({ ...form, credential: 'password', password: 'pw' }, { update: true }), {
    user: 'root',
    password: 'pw',
    private_key: null,
    rescan_host_keys: true,
  });
});

test('the edit form starts from the stored credential kind, secrets blank', () => {
  assert.deepEqual(hostLoginForm({ user: 'web', auth: ['password'] }), {
    ...EMPTY_HOST_LOGIN_FORM,
    user: 'web',
    credential: 'password',
  });
  assert.equal(hostLoginForm({ user: 'web', auth: ['private_key', 'password'] }).credential, 'private_key');
});

test('addresses put IPv6 hosts in brackets; ports that are not numbers go to the API as typed', () => {
  assert.equal(hostAddress({ host: 'web1', port: 22 }), 'web1:22');
  assert.equal(hostAddress({ host: '::1', port: 2222 }), '[::1]:2222');
  assert.equal(numberOrText(' 22 '), 22);
  assert.equal(numberOrText('ssh'), 'ssh');
});
