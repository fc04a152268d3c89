import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { playbookPath } from './playbook-path.ts';

const root = mkdtempSync(join(tmpdir(), 'gantry-playbook-path-'));
after(() => rmSync(root, { recursive: true, force: true }));
const repository = join(root, 'repository');
mkdirSync(join(repository, 'deploy'), { recursive: true });
writeFileSync(join(repository, 'deploy', 'site.yml'), '- hosts: all\n');
writeFileSync(join(root, 'outside.yml'), '- hosts: all\n');
symlinkSync(join(root, 'outside.yml'), join(repository, 'escape.yml'));

test('a playbook in the repository resolves to its absolute path', async () => {
  assert.equal(await playbookPath(repository, 'deploy/site.yml'), join(repository, 'deploy', 'site.yml'));
  assert.equal(
    await playbookPath(repository, './deploy/../deploy/site.yml'),
    join(repository, 'deploy', 'site.yml'),
  );
});

test('paths outside the repository, missing files and directories are refused', async () => {
  const refused = async (path: string, message: RegExp) =>
    assert.rejects(playbookPath(repository, path), { name: 'AnsibleError', reason: 'invalid', message });
  await refused('/etc/passwd', /must be a path relative to the repository/);
  await refused('', /must be a path relative to the repository/);
  await refused('../outside.yml', /leads out of the repository/);
  await refused('escape.yml', /leads out of the repository/);
  await refused('deploy/missing.yml', /is not in the repository/);
  await refused('deploy', /is not a file/);
  await refused('.', /leads out of the repository/);
});
