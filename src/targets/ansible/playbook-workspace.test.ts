import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AnsibleHost } from './ansible-inventory.ts';
import { createPlaybookWorkspace } from './playbook-workspace.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-ansible-workspace-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const hosts: AnsibleHost[] = [
  { name: 'web-1', host: '10.0.0.1', port: 22, user: 'deploy', knownHosts: '10.0.0.1 ssh-ed25519 AAAA1' },
];
const mode = (path: string) => statSync(path).mode & 0o777;

test('with a key: a private directory with the key, known hosts, inventory and vars, removed afterwards', async () => {
  const workspace = await createPlaybookWorkspace(scratch, {
    hosts,
    groups: { web: ['web-1'] },
    credentials: { privateKey: '-----BEGIN TEST KEY-----', password: null },
    extraVars: { greeting: 'hi' },
  });
  const file = (name: string) => join(workspace.dir, name);
  assert.equal(mode(workspace.dir), 0o700);
  assert.equal(readFileSync(file('identity'), 'utf8'), '-----BEGIN TEST KEY-----\n');
  assert.equal(mode(file('identity')), 0o600);
  assert.equal(readFileSync(file('known_hosts'), 'utf8'), '10.0.0.1 ssh-ed25519 AAAA1\n');
  assert.deepEqual(JSON.parse(readFileSync(file('extra-vars.json'), 'utf8')), { greeting: 'hi' });
  assert.equal(
    JSON.parse(readFileSync(file('connection-vars.json'), 'utf8')).ansible_ssh_private_key_file,
    file('identity'),
  );
  assert.equal(readdirSync(workspace.dir).includes('password'), false);
  // The environment's vars first, the connection's last: later -e files win.
  assert.deepEqual(workspace.args, [
    '-i',
    file('inventory.yml'),
    '-e',
    `@${file('extra-vars.json')}`,
    '-e',
    `@${file('connection-vars.json')}`,
  ]);
  assert.equal(workspace.env.ANSIBLE_CONFIG, file('ansible.cfg'));
  assert.equal(
    JSON.stringify(workspace.env).includes('BEGIN TEST KEY'),
    false,
    'the key is not in the environment',
  );

  await workspace.remove();
  await workspace.remove();
  assert.deepEqual(readdirSync(scratch), []);
});

test('with a password: a 0600 password file and the askpass program that prints it', async () => {
  const workspace = await createPlaybookWorkspace(scratch, {
    hosts,
    groups: {},
    credentials: { privateKey: null, password: 'pa$$ word' },
    extraVars: {},
  });
  try {
    assert.equal(readFileSync(join(workspace.dir, 'password'), 'utf8'), 'pa$$ word');
    assert.equal(mode(join(workspace.dir, 'password')), 0o600);
    assert.equal(mode(join(workspace.dir, 'askpass')), 0o700);
    assert.equal(workspace.env.SSH_ASKPASS, join(workspace.dir, 'askpass'));
    assert.equal(JSON.stringify(workspace.env).includes('pa$$ word'), false);
    assert.equal(readdirSync(workspace.dir).includes('identity'), false);
  } finally {
    await workspace.remove();
  }
});
