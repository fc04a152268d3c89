import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  keyLoginOf,
  type RunningSshd,
  SSHD_PASSWORD_USER,
  sshdSuiteOptions,
  startSshd,
} from '../../../test/support/sshd.ts';
import {
  type DeployReleaseOptions,
  deployRelease,
  listReleases,
  stopRelease,
  switchRelease,
} from './releases.ts';
import { SshConnection } from './ssh-connection.ts';
import type { SshEndpoint } from './ssh-endpoint.ts';
import type { SshError } from './ssh-error.ts';

describe('releases on a real sshd', sshdSuiteOptions(), () => {
  let sshd: RunningSshd;
  let work: string;
  let deployTo: string;
  let keyLogin: SshEndpoint;
  let connection: SshConnection;
  let healthServer: Server;
  let healthUrl: string;
  const logs: string[] = [];

  /** A local directory holding `index.html` with `text` (and any extra files). */
  async function artifacts(text: string, extra: Record<string, string> = {}): Promise<string> {
    const dir = await mkdtemp(join(work, 'artifacts-'));
    await writeFile(join(dir, 'index.html'), `${text}\n`);
    for (const [name, content] of Object.entries(extra)) await writeFile(join(dir, name), content);
    return dir;
  }

  async function deploy(release: string, overrides: Partial<DeployReleaseOptions> = {}) {
    return deployRelease(connection, {
      deployTo,
      release,
      localDir: overrides.localDir ?? (await artifacts(release)),
      before: [],
      after: [],
      healthCheck: null,
      keepReleases: 5,
      env: {},
      log: (line) => logs.push(line),
      ...overrides,
    });
  }

  const served = () => readFile(join(deployTo, 'current', 'index.html'), 'utf8');

  before(async () => {
    sshd = await startSshd();
    work = await mkdtemp(join(tmpdir(), 'gantry-ssh-releases-'));
    deployTo = join(work, "srv/my app's");
    keyLogin = keyLoginOf(sshd);
    connection = await SshConnection.open(keyLogin, { scratchDir: work });
    healthServer = createServer((_request, response) => response.end('ok')).listen(0, '127.0.0.1');
    await new Promise((resolve) => healthServer.once('listening', resolve));
    const address = healthServer.address();
    healthUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/health`;
  });
  after(async () => {
    await connection?.close();
    healthServer?.close();
    await sshd?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('deploy v1: before runs in the release, the health check and after in current', async () => {
    const result = await deploy('v1', {
      before: ['echo "building $APP_NAME in $(pwd)"; echo built > built'],
      healthCheck: { command: 'test -f built', url: null, timeoutSeconds: 5 },
      after: ['echo "after in $(pwd -P)"'],
      env: { APP_NAME: 'demo' },
    });
    assert.deepEqual(result, { previous: null, removed: [] });
    assert.equal(await served(), 'v1\n');
    assert.equal(await readlink(join(deployTo, 'current')), 'releases/v1');
    assert.equal(await readFile(join(deployTo, 'releases/v1/built'), 'utf8'), 'built\n');
    assert.ok(logs.includes(`building demo in ${deployTo}/releases/v1`), logs.join('\n'));
    assert.ok(logs.includes(`after in ${deployTo}/releases/v1`));
    assert.ok(logs.includes('$ test -f built'));
  });

  test('deploy v2 with a URL health check: current is v2, v1 is kept', async () => {
    const result = await deploy('v2', { healthCheck: { command: null, url: healthUrl, timeoutSeconds: 5 } });
    assert.deepEqual(result, { previous: 'v1', removed: [] });
    assert.equal(await served(), 'v2\n');
    assert.deepEqual(await listReleases(connection, deployTo), { current: 'v2', releases: ['v2', 'v1'] });
  });

  test('a failing health check leaves v2 current and removes the failed release', async () => {
    await assert.rejects(
      deploy('v3', { healthCheck: { command: 'echo not ready; exit 1', url: null, timeoutSeconds: 1 } }),
      (error: SshError) => {
        assert.equal(error.reason, 'health_check_failed');
        assert.match(
          error.message,
          /^release v3 on 127\.0\.0\.1:\d+: health check failed .*`echo not ready; exit 1` exited with 1; release v2 is current again$/,
        );
        return true;
      },
    );
    assert.equal(await served(), 'v2\n');
    assert.deepEqual(await listReleases(connection, deployTo), { current: 'v2', releases: ['v2', 'v1'] });
    assert.ok(logs.includes('not ready'));
  });

  test('a failing before command never switches', async () => {
    await assert.rejects(deploy('v3', { before: ['exit 7'] }), {
      reason: 'command_failed',
      message: 'before command failed with exit status 7: exit 7',
    });
    assert.deepEqual(await listReleases(connection, deployTo), { current: 'v2', releases: ['v2', 'v1'] });
  });

  test('an interrupted upload never becomes a release, and the next deploy cleans it up', async () => {
    const localDir = await artifacts('v4');
    // Sparse locally; only what is sent before the abort lands on the host.
    await writeFile(join(localDir, 'big.bin'), '');
    await truncate(join(localDir, 'big.bin'), 8 * 1024 ** 3);
    const controller = new AbortController();
    const partial = join(deployTo, 'releases', '.v4.partial');
    const watcher = (async () => {
      while (!controller.signal.aborted) {
        const present = await readdir(partial).then(
          (names) => names.includes('big.bin'),
          () => false,
        );
        if (present) controller.abort(new Error('deployment cancelled'));
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await assert.rejects(deploy('v4', { localDir, signal: controller.signal }), /deployment cancelled/);
    await watcher;
    assert.deepEqual(await listReleases(connection, deployTo), { current: 'v2', releases: ['v2', 'v1'] });
    assert.equal(await served(), 'v2\n');

    await deploy('v5');
    assert.deepEqual(await readdir(join(deployTo, 'releases')), ['v1', 'v2', 'v5']);
  });

  test('rollback switches current back to a kept release', async () => {
    logs.length = 0;
    const result = await switchRelease(connection, {
      deployTo,
      release: 'v1',
      healthCheck: { command: 'test -f built', url: null, timeoutSeconds: 5 },
      after: ['echo rolled back'],
      log: (line) => logs.push(line),
    });
    assert.deepEqual(result, { previous: 'v5' });
    assert.equal(await served(), 'v1\n');
    assert.ok(logs.includes('rolled back'));
    await assert.rejects(
      switchRelease(connection, { deployTo, release: 'v3', healthCheck: null, log: () => {} }),
      {
        reason: 'invalid',
        message: /release v3 is not kept in .*\/releases on 127\.0\.0\.1:\d+/,
      },
    );
  });

  test('pruning keeps the newest N, and never current or previous', async () => {
    // Newest first: v6, v5, v2, v1 (current before the deploy, so kept as its previous).
    assert.deepEqual((await deploy('v6', { keepReleases: 2 })).removed, ['v2']);
    assert.deepEqual(await listReleases(connection, deployTo), {
      current: 'v6',
      releases: ['v6', 'v5', 'v1'],
    });
    assert.deepEqual((await deploy('v7', { keepReleases: 1 })).removed, ['v5', 'v1']);
    assert.deepEqual(await listReleases(connection, deployTo), { current: 'v7', releases: ['v7', 'v6'] });
  });

  test('stop runs its command in current', async () => {
    const marker = join(work, 'stopped');
    logs.length = 0;
    await stopRelease(connection, {
      deployTo,
      command: `echo "stopping $(cat index.html)"; pwd -P > ${JSON.stringify(marker)}`,
      log: (line) => logs.push(line),
    });
    assert.equal(await readFile(marker, 'utf8'), `${deployTo}/releases/v7\n`);
    assert.ok(logs.includes('stopping v7'));
    await assert.rejects(stopRelease(connection, { deployTo, command: 'exit 3', log: () => {} }), {
      reason: 'command_failed',
    });
  });

  test('paths and ids are checked and quoted', async () => {
    await assert.rejects(deploy('v8', { deployTo: 'srv/app' } as Partial<DeployReleaseOptions>), {
      reason: 'invalid',
      message: 'deploy directory "srv/app" is not an absolute path',
    });
    await assert.rejects(deploy('../v8'), { reason: 'invalid' });
    await assert.rejects(deploy('$(touch x)'), { reason: 'invalid' });
    assert.deepEqual(await listReleases(connection, join(work, 'nothing here')), {
      current: null,
      releases: [],
    });
  });

  test('a changed host key is refused and nothing changes on the host', async () => {
    const tree = () => execFileSync('find', [deployTo, '-printf', '%p %y %l %s\\n'], { encoding: 'utf8' });
    const before_ = tree();
    const recorded = keyLogin.knownHosts;
    await connection.close();
    await sshd.rotateHostKey();
    await assert.rejects(SshConnection.open({ ...keyLogin, knownHosts: recorded }, { scratchDir: work }), {
      reason: 'host_key_mismatch',
      message: new RegExp(
        `^host key of 127\\.0\\.0\\.1:${sshd.port} does not match the one recorded at registration`,
      ),
    });
    assert.equal(tree(), before_);
    connection = await SshConnection.open({ ...keyLogin, knownHosts: sshd.knownHosts }, { scratchDir: work });
  });

  test('with a password login, a deploy works the same', async () => {
    const ownDir = join(work, 'password-app');
    await mkdir(ownDir);
    // The password user must reach its directory through the test's own.
    await chmod(work, 0o711);
    const uid = Number(execFileSync('id', ['-u', SSHD_PASSWORD_USER], { encoding: 'utf8' }));
    await chown(ownDir, uid, uid);
    const passwordConnection = await SshConnection.open(
      {
        ...keyLogin,
        knownHosts: sshd.knownHosts,
        user: sshd.passwordUser,
        privateKey: null,
        password: sshd.password,
      },
      { scratchDir: work },
    );
    try {
      await deployRelease(passwordConnection, {
        deployTo: ownDir,
        release: 'p1',
        localDir: await artifacts('p1'),
        before: ['id -un > deployed-by'],
        after: [],
        healthCheck: { command: 'test -s deployed-by', url: null, timeoutSeconds: 5 },
        keepReleases: 3,
        env: {},
        log: () => {},
      });
      assert.equal(await readFile(join(ownDir, 'current', 'deployed-by'), 'utf8'), `${SSHD_PASSWORD_USER}\n`);
      assert.deepEqual(await listReleases(passwordConnection, ownDir), { current: 'p1', releases: ['p1'] });
    } finally {
      await passwordConnection.close();
    }
  });
});
