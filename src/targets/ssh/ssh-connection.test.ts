import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../../test/support/free-port.ts';
import { keyLoginOf, type RunningSshd, sshdSuiteOptions, startSshd } from '../../../test/support/sshd.ts';
import { SshConnection } from './ssh-connection.ts';
import type { SshEndpoint } from './ssh-endpoint.ts';
import type { SshError } from './ssh-error.ts';

describe('SshConnection against a real sshd', sshdSuiteOptions(), () => {
  let sshd: RunningSshd;
  let scratchDir: string;
  let keyLogin: SshEndpoint;
  let passwordLogin: SshEndpoint;

  before(async () => {
    sshd = await startSshd();
    scratchDir = await mkdtemp(join(tmpdir(), 'gantry-ssh-scratch-'));
    keyLogin = keyLoginOf(sshd);
    passwordLogin = { ...keyLogin, user: sshd.passwordUser, privateKey: null, password: sshd.password };
  });
  after(async () => {
    await sshd?.stop();
    if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
  });

  test('with a key: runs commands over one connection, with environment, directory and exit status', async () => {
    const connection = await SshConnection.open(keyLogin, { scratchDir });
    try {
      const [files] = await readdir(scratchDir);
      const connectionDir = join(scratchDir, files!);
      assert.equal((await stat(connectionDir)).mode & 0o777, 0o700);
      assert.equal((await stat(join(connectionDir, 'identity'))).mode & 0o777, 0o600);

      const seen: string[] = [];
      const result = await connection.run('echo "$WHO in $(pwd)"; echo warn >&2; exit 4', {
        env: { WHO: "it's me" },
        cwd: '/tmp',
        onOutput: (text) => seen.push(text),
      });
      assert.deepEqual(result, { code: 4, output: "it's me in /tmp\nwarn\n" });
      assert.equal(seen.join(''), result.output);
      const sessions = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => connection.run(`echo $SSH_CONNECTION ${n}`)),
      );
      const clientPorts = new Set(sessions.map((session) => session.output.split(' ')[1]));
      assert.equal(clientPorts.size, 1, 'every session shares the one connection');
    } finally {
      await connection.close();
    }
    assert.deepEqual(await readdir(scratchDir), [], 'the key files are gone after close');
  });

  test('with a password: runs and uploads as the password user', async () => {
    const connection = await SshConnection.open(passwordLogin, { scratchDir });
    try {
      assert.deepEqual(await connection.run('id -un'), { code: 0, output: `${sshd.passwordUser}\n` });
      const local = await mkdtemp(join(tmpdir(), 'gantry-ssh-upload-'));
      await mkdir(join(local, 'bin'));
      await writeFile(join(local, 'index.html'), '<h1>hello</h1>\n');
      await writeFile(join(local, 'bin', 'start'), '#!/bin/sh\necho started\n', { mode: 0o755 });
      const remote = `/tmp/gantry-ssh-upload-${sshd.port}/it's here`;
      await connection.upload(local, remote);
      assert.deepEqual(
        await connection.run(`cat index.html && ./bin/start && stat -c %U index.html`, { cwd: remote }),
        {
          code: 0,
          output: `<h1>hello</h1>\nstarted\n${sshd.passwordUser}\n`,
        },
      );
      await rm(local, { recursive: true, force: true });
      await rm(`/tmp/gantry-ssh-upload-${sshd.port}`, { recursive: true, force: true });
    } finally {
      await connection.close();
    }
  });

  test('a wrong password or key is refused with a clear error', async () => {
    await assert.rejects(
      SshConnection.open({ ...passwordLogin, password: 'wrong' }, { scratchDir }),
      (error: SshError) =>
        error.reason === 'auth_failed' &&
        error.message.startsWith(`authentication failed for ${sshd.passwordUser}@127.0.0.1:${sshd.port}`),
    );
    await assert.rejects(
      SshConnection.open({ ...keyLogin, user: sshd.passwordUser }, { scratchDir }),
      (error: SshError) => error.reason === 'auth_failed',
    );
    assert.deepEqual(await readdir(scratchDir), []);
  });

  test('a closed port is unreachable', async () => {
    const port = await freePort();
    await assert.rejects(SshConnection.open({ ...keyLogin, port }, { scratchDir }), {
      name: 'SshError',
      reason: 'unreachable',
      message: `cannot reach 127.0.0.1:${port}: connection refused`,
    });
  });

  test('a timeout or an abort stops the remote command', async () => {
    const connection = await SshConnection.open(keyLogin, { scratchDir });
    const marker = `/tmp/gantry-ssh-abort-${sshd.port}`;
    try {
      await assert.rejects(connection.run('sleep 30', { timeoutMs: 300 }), { reason: 'timeout' });
      const controller = new AbortController();
      const sleep = `sleep 29.${sshd.port}`;
      const running = connection.run(`echo started; ${sleep}; touch ${marker}`, {
        signal: controller.signal,
        onOutput: () => controller.abort(new Error('stopped by the test')),
      });
      await assert.rejects(running, /stopped by the test/);
      // The host sends the command SIGTERM once its input ends; wait for it to be gone.
      while ((await connection.run(`pgrep -fx "${sleep}" >/dev/null`)).code === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await assert.rejects(readFile(marker), { code: 'ENOENT' });
    } finally {
      await connection.close();
    }
  });

  test('a host key that is not the recorded one is refused before anything runs', async () => {
    const recorded = keyLogin.knownHosts;
    await sshd.rotateHostKey();
    try {
      await assert.rejects(
        SshConnection.open({ ...keyLogin, knownHosts: recorded }, { scratchDir }),
        (error: SshError) => {
          assert.equal(error.reason, 'host_key_mismatch');
          assert.match(
            error.message,
            new RegExp(
              `^host key of 127\\.0\\.0\\.1:${sshd.port} does not match the one recorded at registration \\(SHA256:\\S+\\); ` +
                'the server presented SHA256:\\S+: refusing to connect$',
            ),
          );
          return true;
        },
      );
      await assert.rejects(SshConnection.open({ ...passwordLogin, knownHosts: recorded }, { scratchDir }), {
        reason: 'host_key_mismatch',
      });
      const connection = await SshConnection.open(
        { ...keyLogin, knownHosts: sshd.knownHosts },
        { scratchDir },
      );
      await connection.close();
    } finally {
      keyLogin.knownHosts = sshd.knownHosts;
      passwordLogin.knownHosts = sshd.knownHosts;
    }
  });
});
