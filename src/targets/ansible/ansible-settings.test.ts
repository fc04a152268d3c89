import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GantryError } from '../../domain/errors.ts';
import type { SshAddress } from '../ssh/ssh-settings.ts';
import { mergeAnsibleSettings } from './ansible-settings.ts';

const scan = async ({ host, port }: SshAddress) => ({
  knownHosts: `[${host}]:${port} ssh-ed25519 AAAA`,
  fingerprints: ['SHA256:x'],
});

test('hosts get inventory names (given, or their address) and groups name them', async () => {
  const { config, credentials } = await mergeAnsibleSettings(
    {
      hosts: ['web1=10.0.0.1', '10.0.0.2:2222', 'db=[::1]:22'],
      groups: { web: ['web1', '10.0.0.2'] },
      user: 'deploy',
      password: 'pw',
    },
    null,
    scan,
  );
  assert.deepEqual(
    config.hosts.map(({ name, host, port }) => [name, host, port]),
    [
      ['web1', '10.0.0.1', 22],
      ['10.0.0.2', '10.0.0.2', 2222],
      ['db', '::1', 22],
    ],
  );
  assert.deepEqual(config.groups, { web: ['web1', '10.0.0.2'] });
  assert.deepEqual(config.auth, ['password']);
  assert.deepEqual(credentials, { private_key: null, password: 'pw' });
});

test('bad inventories are refused, naming the field', async () => {
  const refused = (input: object, path: string, message: RegExp) =>
    assert.rejects(
      mergeAnsibleSettings({ user: 'deploy', password: 'pw', ...input }, null, scan),
      (error: GantryError) => error.details?.[0]?.path === path && message.test(error.message),
    );
  await refused({ hosts: [] }, '/ansible/hosts', /at least one/);
  await refused({ hosts: ['a=h1', 'a=h2'] }, '/ansible/hosts', /used twice/);
  await refused(
    { hosts: ['web=h1'], groups: { web: ['db'] } },
    '/ansible/groups/web',
    /not one of the hosts/,
  );
  await refused(
    { hosts: ['web=h1'], groups: { all: ['web'] } },
    '/ansible/groups/all',
    /not all or ungrouped/,
  );
  await refused({ hosts: ['bad name=h1'] }, '/ansible/hosts/0', /inventory name/);
});
