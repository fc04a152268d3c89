import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SshError } from '../ssh/ssh-error.ts';
import { publishRelease } from './publish-release.ts';

// Publishing runs against real sshd servers (allowing and refusing symlinks and renames) in
// test/sftp/sftp-publish.test.ts; here, what is refused before any connection.
const endpoint = {
  host: '127.0.0.1',
  port: 1,
  user: 'root',
  knownHosts: '[127.0.0.1]:1 ssh-ed25519 AAAA',
  privateKey: 'key',
  password: null,
};

test('publishRelease refuses a bad release id, remote directory or local directory before connecting', async () => {
  const options = {
    remoteDir: '/srv/site',
    release: 'v1',
    localDir: '/nonexistent-gantry-dir',
    keepReleases: 2,
    scratchDir: '/nonexistent-scratch',
    log: () => {},
  };
  for (const [override, message] of [
    [{ release: '../x' }, /release id "..\/x" is not a directory name/],
    [{ remoteDir: '/srv/../etc' }, /remote directory "\/srv\/..\/etc" must be a path/],
    [{}, /expected a directory to upload at \/nonexistent-gantry-dir: ENOENT/],
  ] as const) {
    await assert.rejects(
      publishRelease(endpoint, { ...options, ...override }),
      (error: SshError) => error.reason === 'invalid' && message.test(error.message),
    );
  }
});
