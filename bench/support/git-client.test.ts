import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CleanupRegistry } from './cleanup-registry.ts';
import { basicAuth, git, gitOk, gitScratch } from './git-client.ts';

test('basicAuth is base64 of username:secret', () => {
  assert.equal(basicAuth('admin', 'secret'), 'YWRtaW46c2VjcmV0');
  assert.equal(Buffer.from(basicAuth('admin', 'a:b'), 'base64').toString(), 'admin:a:b');
});

test('a git scratch directory has an empty home and a clean environment', async () => {
  const cleanup = new CleanupRegistry(() => {});
  const scratch = await gitScratch(cleanup, { GIT_AUTHOR_NAME: 'Bench' });
  try {
    assert.ok(existsSync(join(scratch.dir, 'home')));
    assert.deepEqual(scratch.env, {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(scratch.dir, 'home'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Bench',
    });
  } finally {
    await scratch.release();
  }
  assert.ok(!existsSync(scratch.dir));
});

test('git runs in the repo with its env and the Basic header; gitOk trims or throws', async () => {
  const cleanup = new CleanupRegistry(() => {});
  const scratch = await gitScratch(cleanup);
  try {
    const header = await gitOk(scratch, ['config', 'http.extraHeader'], basicAuth('admin', 'secret'));
    assert.equal(header, 'Authorization: Basic YWRtaW46c2VjcmV0');
    const outside = await gitOk(scratch, ['rev-parse', '--git-dir']).catch((error: unknown) => String(error));
    assert.match(outside, /git rev-parse --git-dir failed \(exit 128\):\nfatal: not a git repository/);
    const result = await git(scratch, ['--version']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^git version /);
  } finally {
    await cleanup.cleanUp();
  }
});
