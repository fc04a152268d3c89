import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findExecutable } from './find-executable.ts';

test('finds executables on a PATH list and ignores relative entries', async () => {
  assert.equal(await findExecutable('sh', '/nonexistent:/bin'), '/bin/sh');
  assert.equal(await findExecutable('sh', 'bin:relative'), null);
  assert.equal(await findExecutable('no-such-binary-gantry', '/bin:/usr/bin'), null);
});

const scratch = mkdtempSync(join(tmpdir(), 'gantry-find-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('a name with a slash is checked as given; plain files and directories are not executables', async () => {
  const plain = join(scratch, 'plain');
  writeFileSync(plain, 'x', { mode: 0o644 });
  assert.equal(await findExecutable('/bin/sh', ''), '/bin/sh');
  assert.equal(await findExecutable(plain, '/bin'), null);
  assert.equal(await findExecutable(scratch, '/bin'), null);
});
