import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publishModeFor } from './rename-support.ts';

// detectRenameSupport runs against real servers that allow and refuse these requests in
// test/sftp/sftp-publish.test.ts.
test('publishModeFor: atomic releases only with symlinks and replacing renames', () => {
  assert.equal(publishModeFor({ symlinks: true, atomicReplace: true }), 'release');
  assert.equal(publishModeFor({ symlinks: true, atomicReplace: false }), 'sync');
  assert.equal(publishModeFor({ symlinks: false, atomicReplace: false }), 'sync');
});
