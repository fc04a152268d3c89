import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SshError } from '../ssh/ssh-error.ts';
import { checkedRelease, checkedRemoteDir, switchCurrentCommands } from './release-state.ts';

// readReleaseState and writeLedger run against a real sshd in test/sftp/sftp-publish.test.ts.
test('switchCurrentCommands renames a fresh relative symlink over current', () => {
  assert.deepEqual(switchCurrentCommands('/srv/site', 'v2'), [
    '-rm "/srv/site/.current.tmp"',
    'symlink "releases/v2" "/srv/site/.current.tmp"',
    'rename "/srv/site/.current.tmp" "/srv/site/current"',
  ]);
});

test('checkedRemoteDir accepts absolute and relative paths, refusing .., / and empty ones', () => {
  assert.equal(checkedRemoteDir('/srv/site/'), '/srv/site');
  assert.equal(checkedRemoteDir('site'), 'site');
  for (const bad of ['', '/', '//', '/srv/../etc', 'a\nb']) {
    assert.throws(
      () => checkedRemoteDir(bad),
      (error: SshError) => error.reason === 'invalid',
    );
  }
});

test('checkedRelease accepts one directory name only', () => {
  assert.equal(checkedRelease('42'), '42');
  assert.equal(checkedRelease('v1.2_3-a'), 'v1.2_3-a');
  for (const bad of ['', '.hidden', '-x', 'a/b', '..', 'a b']) {
    assert.throws(() => checkedRelease(bad), /is not a directory name/);
  }
});
