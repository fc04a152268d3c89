import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strictSshOptions } from './ssh-options.ts';

test('host keys are checked strictly against the recorded file; a key logs in alone, in batch mode', () => {
  const options = strictSshOptions({ knownHosts: '/run/k', identity: '/run/id' }, 5);
  for (const option of [
    'StrictHostKeyChecking=yes',
    'UserKnownHostsFile=/run/k',
    'GlobalKnownHostsFile=/dev/null',
    'UpdateHostKeys=no',
    'ConnectTimeout=5',
    'IdentityAgent=none',
    'ForwardAgent=no',
    'BatchMode=yes',
    'IdentitiesOnly=yes',
    'IdentityFile=/run/id',
    'PasswordAuthentication=no',
  ])
    assert.ok(options.includes(option), option);
});

test('a password login turns batch mode and public keys off, prompting once', () => {
  const options = strictSshOptions({ knownHosts: '/run/k', identity: null });
  assert.ok(options.includes('BatchMode=no'));
  assert.ok(options.includes('PubkeyAuthentication=no'));
  assert.ok(options.includes('NumberOfPasswordPrompts=1'));
  assert.ok(options.includes('ConnectTimeout=15'));
  assert.equal(
    options.some((option) => option.startsWith('IdentityFile=')),
    false,
  );
});
