import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ansibleConfig, ansibleEnvironment } from './ansible-environment.ts';

test('the config checks host keys, prints plainly and keeps temp files in the run’s directory', () => {
  const config = ansibleConfig('/scratch/ansible-1');
  for (const line of [
    'host_key_checking = True',
    'stdout_callback = default',
    'nocolor = True',
    'retry_files_enabled = False',
    'local_tmp = /scratch/ansible-1/tmp',
    'pipelining = True',
  ]) {
    assert.ok(config.split('\n').includes(line), line);
  }
});

test('the environment holds nothing of Gantry’s own and names the run’s config', () => {
  process.env.GANTRY_TEST_SECRET = 'leak';
  try {
    const env = ansibleEnvironment({ dir: '/scratch/a', config: '/scratch/a/ansible.cfg', askpass: null });
    assert.deepEqual(Object.keys(env).sort(), [
      'ANSIBLE_CONFIG',
      'ANSIBLE_FORCE_COLOR',
      'ANSIBLE_HOST_KEY_CHECKING',
      'ANSIBLE_NOCOLOR',
      'HOME',
      'LANG',
      'LC_ALL',
      'PATH',
      'PYTHONUNBUFFERED',
    ]);
    assert.equal(env.ANSIBLE_CONFIG, '/scratch/a/ansible.cfg');
    assert.equal(env.HOME, '/scratch/a');
    assert.equal(env.ANSIBLE_HOST_KEY_CHECKING, 'True');
    assert.equal(env.LC_ALL, 'C.UTF-8');
  } finally {
    delete process.env.GANTRY_TEST_SECRET;
  }
});

test('with a password, ssh is told to ask the askpass program, which reads the password file', () => {
  const env = ansibleEnvironment({
    dir: '/scratch/a',
    config: '/scratch/a/ansible.cfg',
    askpass: { program: '/scratch/a/askpass', passwordFile: '/scratch/a/password' },
  });
  assert.equal(env.SSH_ASKPASS, '/scratch/a/askpass');
  assert.equal(env.SSH_ASKPASS_REQUIRE, 'force');
  assert.equal(env.GANTRY_SSH_PASSWORD_FILE, '/scratch/a/password');
});
