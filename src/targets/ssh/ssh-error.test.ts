import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sshClientError } from './ssh-error.ts';

const attempt = {
  address: '127.0.0.1:2222',
  login: 'root@127.0.0.1:2222',
  recordedFingerprints: ['SHA256:old'],
};

test('a changed host key names the recorded and the presented fingerprint', () => {
  const error = sshClientError(
    [
      '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
      'The fingerprint for the ED25519 key sent by the remote host is',
      'SHA256:new.',
      'Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.',
      'Host key verification failed.',
    ].join('\n'),
    attempt,
  );
  assert.equal(error.reason, 'host_key_mismatch');
  assert.equal(
    error.message,
    'host key of 127.0.0.1:2222 does not match the one recorded at registration (SHA256:old); ' +
      'the server presented SHA256:new: refusing to connect',
  );
});

test('a host key of another type than the recorded ones is unknown', () => {
  const error = sshClientError(
    'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\n',
    attempt,
  );
  assert.equal(error.reason, 'unknown_host_key');
  assert.match(
    error.message,
    /not among the ones recorded at registration \(SHA256:old\): refusing to connect/,
  );
});

test('refused logins, unreachable hosts and lost connections are told apart', () => {
  const auth = sshClientError('root@127.0.0.1: Permission denied (publickey).\n', attempt);
  assert.equal(auth.reason, 'auth_failed');
  assert.equal(
    auth.message,
    'authentication failed for root@127.0.0.1:2222: root@127.0.0.1: Permission denied (publickey).',
  );
  const refused = sshClientError('ssh: connect to host 127.0.0.1 port 2222: Connection refused\n', attempt);
  assert.equal(refused.reason, 'unreachable');
  assert.equal(refused.message, 'cannot reach 127.0.0.1:2222: connection refused');
  const unknown = sshClientError(
    'ssh: Could not resolve hostname nowhere: Name or service not known\n',
    attempt,
  );
  assert.equal(unknown.message, 'cannot reach 127.0.0.1:2222: name or service not known');
  assert.equal(
    sshClientError('Connection closed by 127.0.0.1 port 2222\n', attempt).reason,
    'connection_lost',
  );
});
