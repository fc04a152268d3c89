import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GitCommandError, runGit } from './run-git.ts';

test('runs git and returns its output', async () => {
  const { stdout } = await runGit(['--version']);
  assert.match(stdout, /^git version \d+\.\d+/);
});

test('git sees only per-invocation config, not user or system config', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-run-git-'));
  try {
    const { stdout } = await runGit(['config', '--list'], {
      cwd: dir,
      config: [{ key: 'gantry.probe', value: 'yes' }],
    });
    assert.equal(stdout.trim(), 'gantry.probe=yes');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a command that outlives its timeout is killed', async () => {
  await assert.rejects(runGit(['-c', 'alias.nap=!sleep 5', 'nap'], { timeoutMs: 50 }), (error) => {
    assert.ok(error instanceof GitCommandError);
    assert.equal(error.timedOut, true);
    assert.match(error.message, /timed out/);
    return true;
  });
});

test('a failing command rejects with stderr and exit code', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-run-git-'));
  try {
    await assert.rejects(runGit(['--git-dir', join(dir, 'missing'), 'rev-parse', 'HEAD']), (error) => {
      assert.ok(error instanceof GitCommandError);
      assert.equal(error.exitCode, 128);
      assert.match(error.stderr, /not a git repository/);
      assert.equal(error.timedOut, false);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing binary rejects instead of throwing', async () => {
  await assert.rejects(runGit(['--version'], { gitBinary: '/nonexistent/git' }), (error) => {
    assert.ok(error instanceof GitCommandError);
    assert.equal(error.exitCode, null);
    return true;
  });
});
