import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionVars } from './connection-vars.ts';

/** `ansible_ssh_args` split back into `-o` options, as Ansible's shlex split reads it. */
function options(args: unknown): string[] {
  assert.equal(typeof args, 'string');
  const words = [...(args as string).matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map(
    ([, quoted, plain]) => quoted?.replaceAll(`'\\''`, "'") ?? plain!,
  );
  assert.deepEqual(words.slice(0, 2), ['-F', 'none']);
  return words.slice(2).filter((_, index) => index % 2 === 1);
}

test('with a key: strict host keys from the run’s file, the key only, no passwords', () => {
  const vars = connectionVars({
    knownHosts: "/scratch/it's here/known_hosts",
    privateKey: '/scratch/identity',
  });
  const ssh = options(vars.ansible_ssh_args);
  for (const option of [
    'StrictHostKeyChecking=yes',
    "UserKnownHostsFile=/scratch/it's here/known_hosts",
    'GlobalKnownHostsFile=/dev/null',
    'IdentityAgent=none',
    'IdentitiesOnly=yes',
    'IdentityFile=/scratch/identity',
    'PasswordAuthentication=no',
    'BatchMode=yes',
  ]) {
    assert.ok(ssh.includes(option), option);
  }
  assert.equal(vars.ansible_host_key_checking, true);
  assert.equal(vars.ansible_ssh_private_key_file, '/scratch/identity');
  // Nothing may follow the options: later values of an option are ignored by ssh, but new ones are not.
  assert.equal(vars.ansible_ssh_common_args, '');
  assert.equal(vars.ansible_ssh_extra_args, '');
});

test('with a password: password prompts allowed (answered by SSH_ASKPASS), no key', () => {
  const vars = connectionVars({ knownHosts: '/scratch/known_hosts', privateKey: null });
  const ssh = options(vars.ansible_ssh_args);
  for (const option of [
    'StrictHostKeyChecking=yes',
    'PubkeyAuthentication=no',
    'PasswordAuthentication=yes',
    'PreferredAuthentications=password,keyboard-interactive',
    'BatchMode=no',
  ]) {
    assert.ok(ssh.includes(option), option);
  }
  assert.equal('ansible_ssh_private_key_file' in vars, false);
  // ansible_password would make Ansible require sshpass.
  assert.equal('ansible_password' in vars, false);
});
