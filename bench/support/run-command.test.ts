import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCommand } from './run-command.ts';

test('collects the exit code, stdout and stderr of a command', async () => {
  const result = await runCommand('sh', ['-c', 'printf out; printf err >&2; exit 3']);
  assert.deepEqual(result, { code: 3, stdout: 'out', stderr: 'err' });
});

test('without env the command gets only PATH', async () => {
  const result = await runCommand('sh', [
    '-c',
    'env | grep -v "^PWD=" | grep -v "^SHLVL=" | grep -v "^_=" | sort',
  ]);
  assert.equal(result.stdout, `PATH=${process.env.PATH ?? '/usr/bin:/bin'}\n`);
});

test('runs in cwd with the env given', async () => {
  const result = await runCommand('sh', ['-c', 'printf "%s %s" "$(pwd)" "$GREETING"'], {
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GREETING: 'hello' },
  });
  assert.equal(result.stdout, '/ hello');
});

test('a command that cannot be started rejects', async () => {
  await assert.rejects(runCommand('/nonexistent/gantry-bench-command', []), { code: 'ENOENT' });
});
