import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { keyLoginOf, type RunningSshd, sshdSuiteOptions, startSshd } from '../../../test/support/sshd.ts';
import type { SshEndpoint } from '../ssh/ssh-endpoint.ts';
import type { SshError } from '../ssh/ssh-error.ts';
import { sftpCommand } from './sftp-batch.ts';
import { runSftpBatch } from './sftp-client.ts';

describe('runSftpBatch against a real sshd in SFTP-only mode', sshdSuiteOptions(), () => {
  let sshd: RunningSshd;
  let scratchDir: string;
  let keyLogin: SshEndpoint;

  before(async () => {
    sshd = await startSshd({ sftpOnly: {} });
    scratchDir = await mkdtemp(join(tmpdir(), 'gantry-sftp-client-'));
    keyLogin = keyLoginOf(sshd);
  });
  after(async () => {
    await sshd?.stop();
    if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
  });

  test('with a key: runs the batch, quoting odd names, and leaves no key behind', async () => {
    const local = join(scratchDir, 'a "b" \\c*.txt');
    await writeFile(local, 'odd');
    const remote = join(scratchDir, 'uploaded "x" *.txt');
    const output = await runSftpBatch(keyLogin, [sftpCommand('put', local, remote), 'pwd'], {
      scratchDir,
      purpose: 'upload',
    });
    assert.equal(await readFile(remote, 'utf8'), 'odd');
    assert.match(output, /^Remote working directory: \/root$/m);
    assert.deepEqual(
      (await readdir(scratchDir)).sort(),
      [local, remote].map((path) => path.slice(scratchDir.length + 1)).sort(),
    );
  });

  test('a failing command stops the batch and is named in the error', async () => {
    const marker = join(scratchDir, 'never');
    await assert.rejects(
      runSftpBatch(
        keyLogin,
        [
          sftpCommand('rename', join(scratchDir, 'missing'), join(scratchDir, 'other')),
          sftpCommand('mkdir', marker),
        ],
        { scratchDir, purpose: 'rename things', failure: 'upload_failed' },
      ),
      (error: SshError) =>
        error.reason === 'upload_failed' &&
        error.message.includes('rename things on root@127.0.0.1:') &&
        error.message.includes(`at \`rename "${join(scratchDir, 'missing')}"`),
    );
    await assert.rejects(readdir(marker), /ENOENT/);
  });

  test('with a password: logs in through askpass', async () => {
    const output = await runSftpBatch(
      { ...keyLogin, user: sshd.passwordUser, privateKey: null, password: sshd.password },
      ['pwd'],
      { scratchDir, purpose: 'print the directory' },
    );
    assert.match(output, new RegExp(`^Remote working directory: /home/${sshd.passwordUser}$`, 'm'));
    await assert.rejects(
      runSftpBatch({ ...keyLogin, user: sshd.passwordUser, privateKey: null, password: 'wrong' }, ['pwd'], {
        scratchDir,
        purpose: 'print the directory',
      }),
      (error: SshError) => error.reason === 'auth_failed',
    );
  });

  test('an aborted batch rejects with the signal reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await assert.rejects(
      runSftpBatch(keyLogin, ['pwd'], { scratchDir, purpose: 'print', signal: controller.signal }),
      /stop now/,
    );
  });
});
