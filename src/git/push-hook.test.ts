import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitFile, gitIn, initWorkTree, scratchDir } from '../../test/support/git-work-tree.ts';
import { createBareRepository, ZERO_OID } from './bare-repository.ts';
import { installHooks, PUSH_REPORT_ENV, parsePushReport } from './push-hook.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

test('installs an executable post-receive hook that appends its stdin to the report file', async () => {
  const scratch = await scratchDir();
  try {
    const hooks = join(scratch.path, 'hooks');
    await installHooks(hooks);
    await installHooks(hooks); // replacing is fine
    const hook = join(hooks, 'post-receive');
    assert.equal((await stat(hook)).mode & 0o777, 0o755);

    const report = join(scratch.path, 'report');
    await writeFile(report, `${A} ${B} refs/heads/main\n`);
    const run = spawnSync(hook, [], {
      input: `${B} ${ZERO_OID} refs/heads/old\n`,
      env: { PATH: '/usr/bin:/bin', [PUSH_REPORT_ENV]: report },
    });
    assert.equal(run.status, 0);
    assert.equal(
      await readFile(report, 'utf8'),
      `${A} ${B} refs/heads/main\n${B} ${ZERO_OID} refs/heads/old\n`,
    );

    const quiet = spawnSync(hook, [], { input: `${A} ${B} refs/heads/x\n`, env: { PATH: '/usr/bin:/bin' } });
    assert.equal(quiet.status, 0);
    assert.equal(quiet.stdout.length, 0);
  } finally {
    await scratch.cleanup();
  }
});

test('a real receive-pack runs the hook and it reports the pushed ref', async () => {
  const scratch = await scratchDir();
  try {
    const hooks = join(scratch.path, 'hooks');
    const bare = join(scratch.path, 'app.git');
    const tree = join(scratch.path, 'tree');
    const report = join(scratch.path, 'report');
    await installHooks(hooks);
    await createBareRepository(bare);
    const c1 = await initWorkTree(tree);
    // A file:// push clears GIT_CONFIG_* before running receive-pack (git's local_repo_env), so
    // this test sets the hooks path in the repository; http-backend.test.ts covers the env route.
    await gitIn(bare, ['config', 'core.hooksPath', hooks]);
    await gitIn(tree, ['push', '--quiet', `file://${bare}`, 'main'], {
      extra: { [PUSH_REPORT_ENV]: report },
    });
    assert.deepEqual(parsePushReport(await readFile(report, 'utf8')), [
      { ref: 'refs/heads/main', before: ZERO_OID, after: c1 },
    ]);

    // Without the variable the hook runs and writes nothing.
    const c2 = await commitFile(tree, 'b.txt', 'b\n');
    await gitIn(tree, ['push', '--quiet', `file://${bare}`, 'main']);
    assert.equal((await readFile(report, 'utf8')).split('\n').length, 2);
    const head = await gitIn(tree, ['ls-remote', `file://${bare}`, 'refs/heads/main']);
    assert.equal(head.stdout.split('\t')[0], c2);
  } finally {
    await scratch.cleanup();
  }
});

test('parsePushReport keeps well-formed lines and ignores the rest', () => {
  const sha256 = 'c'.repeat(64);
  const cases: { name: string; text: string; expected: { ref: string; before: string; after: string }[] }[] =
    [
      { name: 'empty', text: '', expected: [] },
      {
        name: 'one line, trailing newline',
        text: `${A} ${B} refs/heads/main\n`,
        expected: [{ ref: 'refs/heads/main', before: A, after: B }],
      },
      {
        name: 'no trailing newline',
        text: `${A} ${B} refs/tags/v1`,
        expected: [{ ref: 'refs/tags/v1', before: A, after: B }],
      },
      {
        name: 'CRLF',
        text: `${A} ${B} refs/heads/main\r\n`,
        expected: [{ ref: 'refs/heads/main', before: A, after: B }],
      },
      {
        name: 'create, delete, order kept',
        text: `${ZERO_OID} ${A} refs/heads/new\n${B} ${ZERO_OID} refs/heads/gone\n`,
        expected: [
          { ref: 'refs/heads/new', before: ZERO_OID, after: A },
          { ref: 'refs/heads/gone', before: B, after: ZERO_OID },
        ],
      },
      {
        name: 'sha-256 ids',
        text: `${sha256} ${'d'.repeat(64)} refs/heads/x\n`,
        expected: [{ ref: 'refs/heads/x', before: sha256, after: 'd'.repeat(64) }],
      },
      { name: 'short id', text: `${A.slice(1)} ${B} refs/heads/main\n`, expected: [] },
      { name: 'uppercase hex', text: `${A.toUpperCase()} ${B} refs/heads/main\n`, expected: [] },
      { name: 'not under refs/', text: `${A} ${B} HEAD\n`, expected: [] },
      { name: 'extra field', text: `${A} ${B} refs/heads/main extra\n`, expected: [] },
      { name: 'tabs', text: `${A}\t${B}\trefs/heads/main\n`, expected: [] },
      {
        name: 'truncated',
        text: `${A} ${B} refs/heads/main\n${A} ${B.slice(0, 10)}`,
        expected: [{ ref: 'refs/heads/main', before: A, after: B }],
      },
      { name: 'no change', text: `${A} ${A} refs/heads/main\n`, expected: [] },
      { name: 'garbage', text: 'hello world\n\n\n', expected: [] },
    ];
  for (const { name, text, expected } of cases) {
    assert.deepEqual(parsePushReport(text), expected, name);
  }
});
