import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import type { JobVariable } from '../job-spec.ts';
import { buildJobEnvironment } from './job-environment.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-env-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const v = (key: string, value: string, file = false): JobVariable => ({ key, value, file, masked: false });

test('starts from the base, adds variables in order, runner variables last', async () => {
  process.env.GANTRY_RUNNER_ONLY = 'must not leak';
  try {
    const { env, warnings } = await buildJobEnvironment(
      [v('A', '1'), v('B', 'x'), v('A', '2'), v('CI_PROJECT_DIR', 'fake')],
      {
        base: { PATH: '/bin', HOME: '/home/job' },
        fileDir: join(scratch, 'vars-1'),
        runnerVariables: { CI_PROJECT_DIR: '/real' },
      },
    );
    assert.deepEqual(env, { PATH: '/bin', HOME: '/home/job', A: '2', B: 'x', CI_PROJECT_DIR: '/real' });
    assert.deepEqual(warnings, []);
  } finally {
    delete process.env.GANTRY_RUNNER_ONLY;
  }
});

test('file variables are written 0600 outside and the variable holds the path', async () => {
  const fileDir = join(scratch, 'vars-2');
  const content = '-----BEGIN KEY-----\nline two\n-----END KEY-----\n';
  const { env } = await buildJobEnvironment([v('KEY_FILE', content, true), v('KEY_FILE', 'second', true)], {
    base: {},
    fileDir,
  });
  assert.equal(env.KEY_FILE, join(fileDir, 'KEY_FILE'));
  assert.equal(readFileSync(env.KEY_FILE!, 'utf8'), 'second');
  assert.equal(statSync(env.KEY_FILE!).mode & 0o777, 0o600);
  assert.equal(statSync(dirname(env.KEY_FILE!)).mode & 0o777, 0o700);
});

test('invalid names and NUL values are skipped with a warning that shows no value', async () => {
  const { env, warnings } = await buildJobEnvironment(
    [v('BAD-NAME', 'secret1'), v('1X', 'secret2'), v('N', 'a\0b')],
    {
      base: {},
      fileDir: join(scratch, 'vars-3'),
    },
  );
  assert.deepEqual(env, {});
  assert.equal(warnings.length, 3);
  assert.doesNotMatch(warnings.join('\n'), /secret/);
});
