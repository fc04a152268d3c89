import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { keyLoginOf, type RunningSshd, sshdSuiteOptions, startSshd } from '../../../test/support/sshd.ts';
import type { SshEndpoint } from '../ssh/ssh-endpoint.ts';
import { listRemoteDirs, makeDirCommands, removeRemoteTrees } from './remote-tree.ts';
import { runSftpBatch } from './sftp-client.ts';

test('makeDirCommands creates every ancestor, tolerating existing ones, then enters the directory', () => {
  assert.deepEqual(makeDirCommands('/srv/site/'), ['-mkdir "/srv"', '-mkdir "/srv/site"', 'cd "/srv/site/"']);
  assert.deepEqual(makeDirCommands('site/a'), ['-mkdir "site"', '-mkdir "site/a"', 'cd "site/a"']);
});

describe('remote trees against a real sshd in SFTP-only mode', sshdSuiteOptions(), () => {
  let sshd: RunningSshd;
  let dir: string;
  let endpoint: SshEndpoint;
  before(async () => {
    sshd = await startSshd({ sftpOnly: {} });
    dir = await mkdtemp(join(tmpdir(), 'gantry-remote-tree-'));
    endpoint = keyLoginOf(sshd);
  });
  after(async () => {
    await sshd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('makeDirCommands creates a nested directory', async () => {
    const nested = join(dir, 'a', 'b c', 'd');
    await runSftpBatch(endpoint, makeDirCommands(nested), { scratchDir: dir, purpose: 'create' });
    assert.deepEqual(await readdir(nested), []);
  });

  test('lists directories and removes whole trees, skipping missing ones', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'x/y/z'), { recursive: true });
    await writeFile(join(tree, 'x/y/z/deep "file".txt'), 'deep');
    await writeFile(join(tree, '.hidden'), 'h');
    await symlink('/etc', join(tree, 'x/link'));
    const listings = await listRemoteDirs(endpoint, [tree, join(dir, 'missing')], { scratchDir: dir });
    assert.deepEqual(listings.get(tree), [
      { name: '.hidden', type: 'file', size: 1 },
      { name: 'x', type: 'dir', size: listings.get(tree)![1]!.size },
    ]);
    assert.deepEqual(listings.get(join(dir, 'missing')), []);

    await removeRemoteTrees(endpoint, [tree, join(dir, 'missing')], { scratchDir: dir });
    assert.ok(!existsSync(tree));
    assert.ok(existsSync('/etc/passwd'), 'a symlink is removed, never followed');
  });
});
