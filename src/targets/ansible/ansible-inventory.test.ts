import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnsibleHost, inventoryFile, inventoryProblem, knownHostsFile } from './ansible-inventory.ts';

const web1: AnsibleHost = {
  name: 'web-1',
  host: '10.0.0.1',
  port: 22,
  user: 'deploy',
  knownHosts: '10.0.0.1 ssh-ed25519 AAAA1\n',
};
const web2: AnsibleHost = {
  name: 'web-2.example.com',
  host: 'web-2.example.com',
  port: 2222,
  user: 'root',
  knownHosts: '[web-2.example.com]:2222 ssh-ed25519 AAAA2\n[web-2.example.com]:2222 ssh-rsa AAAA3',
};
const key = { privateKey: 'key', password: null };

test('the inventory file holds each host with its address, port and user, and the groups', () => {
  assert.deepEqual(JSON.parse(inventoryFile([web1, web2], { web: ['web-1', 'web-2.example.com'], db: [] })), {
    all: {
      hosts: {
        'web-1': { ansible_host: '10.0.0.1', ansible_port: 22, ansible_user: 'deploy' },
        'web-2.example.com': { ansible_host: 'web-2.example.com', ansible_port: 2222, ansible_user: 'root' },
      },
      children: {
        web: { hosts: { 'web-1': {}, 'web-2.example.com': {} } },
        db: { hosts: {} },
      },
    },
  });
});

test('the known_hosts file holds every host’s recorded lines, one per line', () => {
  assert.equal(
    knownHostsFile([web1, web2]),
    '10.0.0.1 ssh-ed25519 AAAA1\n[web-2.example.com]:2222 ssh-ed25519 AAAA2\n[web-2.example.com]:2222 ssh-rsa AAAA3\n',
  );
});

test('a usable inventory has no problem', () => {
  assert.equal(
    inventoryProblem([web1, web2], { web: ['web-1'], app_servers: ['web-1', 'web-2.example.com'] }, key),
    undefined,
  );
  assert.equal(inventoryProblem([web1], {}, { privateKey: null, password: 'secret' }), undefined);
});

test('inventories Ansible or ssh would misread are refused, saying what is expected', () => {
  const problems: [AnsibleHost[], Record<string, string[]>, RegExp][] = [
    [[], {}, /has no hosts/],
    [[{ ...web1, name: 'web 1' }], {}, /host name "web 1" must be letters/],
    [[{ ...web1, name: '-web' }], {}, /host name "-web" must be letters/],
    [[web1, { ...web2, name: 'web-1' }], {}, /"web-1" is used twice/],
    [[{ ...web1, host: '-oProxyCommand=x' }], {}, /inventory host web-1: SSH host .* is not a host name/],
    [[{ ...web1, knownHosts: '' }], {}, /inventory host web-1: no host key is recorded/],
    [[web1], { 'web-servers': ['web-1'] }, /group name "web-servers" must be letters/],
    [[web1], { all: ['web-1'] }, /not "all" or "ungrouped"/],
    [[{ ...web1, name: 'web' }], { web: [] }, /group web has the name of a host/],
    [[web1], { web: ['web-3'] }, /group web lists "web-3", which is not a host/],
  ];
  for (const [hosts, groups, message] of problems) {
    assert.match(inventoryProblem(hosts, groups, key) ?? '', message);
  }
  assert.match(
    inventoryProblem([web1], {}, { privateKey: null, password: null }) ?? '',
    /neither a private key nor a password/,
  );
});
