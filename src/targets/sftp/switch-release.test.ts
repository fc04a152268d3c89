import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SshError } from '../ssh/ssh-error.ts';
import { switchToRelease } from './switch-release.ts';

// Switching runs against a real sshd in test/sftp/sftp-publish.test.ts; here, what is refused before
// any connection.
test('switchToRelease refuses a bad release id or remote directory before connecting', async () => {
  const endpoint = {
    host: '127.0.0.1',
    port: 1,
    user: 'root',
    knownHosts: '[127.0.0.1]:1 ssh-ed25519 AAAA',
    privateKey: 'key',
    password: null,
  };
  const options = { remoteDir: '/srv/site', release: 'v1', scratchDir: '/nonexistent', log: () => {} };
  await assert.rejects(
    switchToRelease(endpoint, { ...options, release: 'a/b' }),
    (error: SshError) => error.reason === 'invalid' && /is not a directory name/.test(error.message),
  );
  await assert.rejects(
    switchToRelease(endpoint, { ...options, remoteDir: '' }),
    (error: SshError) => error.reason === 'invalid' && /must be a path/.test(error.message),
  );
});
