import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type PlaybookRun, runPlaybook } from './run-playbook.ts';

// Runs against real hosts are in test/ansible/; these check what is refused before anything runs.

const root = mkdtempSync(join(tmpdir(), 'gantry-run-playbook-'));
after(() => rmSync(root, { recursive: true, force: true }));
const repository = join(root, 'repository');
const scratch = join(root, 'scratch');
mkdirSync(repository);
mkdirSync(scratch);
writeFileSync(join(repository, 'site.yml'), '- hosts: all\n  tasks: []\n');

const run = (changes: Partial<PlaybookRun>): PlaybookRun => ({
  workDir: repository,
  playbook: 'site.yml',
  hosts: [
    { name: 'web', host: '127.0.0.1', port: 22, user: 'root', knownHosts: '127.0.0.1 ssh-ed25519 AAAA' },
  ],
  credentials: { privateKey: 'KEY', password: null },
  extraVars: {},
  check: false,
  scratchDir: scratch,
  signal: new AbortController().signal,
  log: () => assert.fail('nothing may run'),
  ...changes,
});

test('invalid inventories, var names and playbook paths are refused before anything runs', async () => {
  const refused = (changes: Partial<PlaybookRun>, message: RegExp) =>
    assert.rejects(runPlaybook(run(changes)), { name: 'AnsibleError', reason: 'invalid', message });
  await refused({ hosts: [] }, /the inventory has no hosts/);
  await refused({ groups: { app: ['db'] } }, /lists "db", which is not a host/);
  await refused({ extraVars: { 'bad-name': 'x' } }, /extra var name "bad-name"/);
  await refused({ playbook: '../site.yml' }, /is not in the repository|leads out of the repository/);
  assert.deepEqual(readdirSync(scratch), []);
});

test('an aborted run does not start', async () => {
  const controller = new AbortController();
  controller.abort(new Error('cancelled by the user'));
  await assert.rejects(runPlaybook(run({ signal: controller.signal })), /cancelled by the user/);
  assert.deepEqual(readdirSync(scratch), []);
});

test('without ansible-playbook on PATH the run says what to install, and leaves no files', async () => {
  const path = process.env.PATH;
  process.env.PATH = join(root, 'empty-bin');
  try {
    await assert.rejects(runPlaybook(run({})), {
      name: 'AnsibleError',
      reason: 'not_installed',
      message: /ansible-playbook not found on PATH: install Ansible/,
    });
  } finally {
    process.env.PATH = path;
  }
  assert.deepEqual(readdirSync(scratch), []);
});
