import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { splitPodmanEnvironment } from './podman-env.ts';

test('single-line values go to the env file verbatim, multi-line ones to exports', () => {
  const { envFile, exports } = splitPodmanEnvironment({
    A: 'plain',
    B: 'x=y # not a comment',
    C: ' spaced ',
    EMPTY: '',
    M: "two\nlines with 'quotes'",
    R: 'carriage\rreturn',
  });
  assert.equal(envFile, 'A=plain\nB=x=y # not a comment\nC= spaced \nEMPTY=\n');
  const sourced = spawnSync('sh', ['-c', `${exports}\nprintf '%s|%s' "$M" "$R"`], {
    encoding: 'utf8',
  }).stdout;
  assert.equal(sourced, "two\nlines with 'quotes'|carriage\rreturn");
});

test('very long values are exported rather than put in the env file', () => {
  const long = 'x'.repeat(70 * 1024);
  const { envFile, exports } = splitPodmanEnvironment({ LONG: long });
  assert.equal(envFile, '');
  assert.ok(exports.startsWith('export LONG='));
});

test('an empty environment gives empty files', () => {
  assert.deepEqual(splitPodmanEnvironment({}), { envFile: '', exports: '' });
});
