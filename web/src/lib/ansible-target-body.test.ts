import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ansibleSettings,
  ansibleTargetForm,
  EMPTY_ANSIBLE_TARGET_FORM,
  inventoryEntry,
} from './ansible-target-body.ts';
import { EMPTY_HOST_LOGIN_FORM } from './host-login-body.ts';

test('inventory hosts may be named; the login is as for SSH hosts', () => {
  assert.deepEqual(
    ansibleSettings(
      {
        ...EMPTY_ANSIBLE_TARGET_FORM,
        hosts: 'web1=10.0.0.5:22\ndb',
        login: { ...EMPTY_HOST_LOGIN_FORM, user: 'ops', privateKey: 'KEY' },
      },
      { update: false },
    ),
    { hosts: ['web1=10.0.0.5:22', 'db'], user: 'ops', private_key: 'KEY\n' },
  );
});

test('an inventory entry names its host only when the name differs from the address', () => {
  assert.equal(inventoryEntry({ name: 'web1', host: '10.0.0.5', port: 22 }), 'web1=10.0.0.5:22');
  assert.equal(inventoryEntry({ name: 'db', host: 'db', port: 2222 }), 'db:2222');
  assert.equal(inventoryEntry({ name: '[::1]:22', host: '::1', port: 22 }), '[::1]:22');
  assert.equal(
    ansibleTargetForm({
      hosts: [{ name: 'a', host: 'h', port: 22, known_hosts: '', fingerprints: [] }],
      user: 'ops',
      auth: ['private_key'],
    }).hosts,
    'a=h:22',
  );
});
