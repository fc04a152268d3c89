import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gitEnvironment } from './git-environment.ts';

test('starts from a clean environment, not the server one', () => {
  process.env.GANTRY_TEST_SECRET = 'hunter2';
  try {
    const env = gitEnvironment({ home: '/tmp/gantry-home' });
    assert.equal(env.GANTRY_TEST_SECRET, undefined);
    assert.equal(env.HOME, '/tmp/gantry-home');
    assert.equal(env.LANG, 'C');
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
    assert.equal(env.GIT_CONFIG_NOSYSTEM, '1');
    assert.equal(env.GIT_CONFIG_GLOBAL, '/dev/null');
    assert.ok(env.PATH);
    assert.equal(env.GIT_CONFIG_COUNT, undefined);
  } finally {
    delete process.env.GANTRY_TEST_SECRET;
  }
});

test('passes per-invocation config through GIT_CONFIG_* variables', () => {
  const env = gitEnvironment({
    config: [
      { key: 'core.hooksPath', value: '/srv/hooks' },
      { key: 'http.extraHeader', value: 'Authorization: Basic eDp5' },
    ],
  });
  assert.equal(env.GIT_CONFIG_COUNT, '2');
  assert.equal(env.GIT_CONFIG_KEY_0, 'core.hooksPath');
  assert.equal(env.GIT_CONFIG_VALUE_0, '/srv/hooks');
  assert.equal(env.GIT_CONFIG_KEY_1, 'http.extraHeader');
  assert.equal(env.GIT_CONFIG_VALUE_1, 'Authorization: Basic eDp5');
});

test('extra variables are added last', () => {
  const env = gitEnvironment({ extra: { REQUEST_METHOD: 'GET', LANG: 'C.UTF-8' } });
  assert.equal(env.REQUEST_METHOD, 'GET');
  assert.equal(env.LANG, 'C.UTF-8');
});
