import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { publishRelease } from '../../src/targets/sftp/publish-release.ts';
import { detectRenameSupport } from '../../src/targets/sftp/rename-support.ts';
import { switchToRelease } from '../../src/targets/sftp/switch-release.ts';
import type { SshError } from '../../src/targets/ssh/ssh-error.ts';
import {
  keyLoginOf,
  type RunningSshd,
  type SshdOptions,
  sshdSuiteOptions,
  startSshd,
} from '../support/sshd.ts';

// The SFTP target's publishing against real OpenSSH servers on loopback that give every login only
// SFTP (ForceCommand internal-sftp, no shell): atomic releases, rollback, pruning, an interrupted
// upload, a changed host key, a password login, and plain sync on servers refusing symlinks or
// replacing renames (internal-sftp -P).

const run = randomBytes(3).toString('hex');

describe('SFTP publishing', sshdSuiteOptions(), () => {
  const servers: RunningSshd[] = [];
  let work: string;
  const log: string[] = [];

  const serve = async (options: SshdOptions) => {
    const server = await startSshd(options);
    servers.push(server);
    return server;
  };
  /** A local directory whose index.html says `text`, with a subdirectory and a hidden file. */
  const site = async (name: string, text: string) => {
    const dir = join(work, 'local', name);
    await mkdir(join(dir, 'css'), { recursive: true });
    await writeFile(join(dir, 'index.html'), `${text}\n`);
    await writeFile(join(dir, 'css', 'site "main".css'), 'body {}\n');
    await writeFile(join(dir, '.htaccess'), 'Options -Indexes\n');
    return dir;
  };
  const options = (remoteDir: string, release: string, localDir: string, keepReleases = 5) => ({
    remoteDir,
    release,
    localDir,
    keepReleases,
    scratchDir: join(work, 'scratch'),
    log: (line: string) => log.push(line),
  });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'gantry-sftp-publish-'));
    await mkdir(join(work, 'scratch'));
  });
  after(async () => {
    for (const server of servers) await server.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe('on a server allowing symlinks and renames', () => {
    let server: RunningSshd;
    let remoteDir: string;
    before(async () => {
      server = await serve({ sftpOnly: {} });
      remoteDir = join(work, 'remote', 'srv', 'site');
    });
    const current = () => readlinkSync(join(remoteDir, 'current'));
    const releases = () => readdirSync(join(remoteDir, 'releases')).sort();

    test('publishes v1 as a release and points current at it', async () => {
      const result = await publishRelease(
        keyLoginOf(server),
        options(remoteDir, 'v1', await site('v1', 'one')),
      );
      assert.deepEqual(result, { mode: 'release', previous: null, uploaded: 3, removed: [] });
      assert.equal(current(), 'releases/v1');
      assert.equal(readFileSync(join(remoteDir, 'current', 'index.html'), 'utf8'), 'one\n');
      assert.equal(readFileSync(join(remoteDir, 'current', 'css', 'site "main".css'), 'utf8'), 'body {}\n');
      assert.ok(existsSync(join(remoteDir, 'current', '.htaccess')));
      assert.deepEqual(releases(), ['.gantry-releases', 'v1']);
      assert.deepEqual(readdirSync(remoteDir).sort(), ['current', 'releases']);
    });

    test('publishes v2, then switches back to v1', async () => {
      const result = await publishRelease(
        keyLoginOf(server),
        options(remoteDir, 'v2', await site('v2', 'two')),
      );
      assert.deepEqual(result, { mode: 'release', previous: 'v1', uploaded: 3, removed: [] });
      assert.equal(readFileSync(join(remoteDir, 'current', 'index.html'), 'utf8'), 'two\n');

      const rollback = await switchToRelease(keyLoginOf(server), {
        remoteDir,
        release: 'v1',
        scratchDir: join(work, 'scratch'),
        log: (line) => log.push(line),
      });
      assert.deepEqual(rollback, { previous: 'v2' });
      assert.equal(current(), 'releases/v1');
      assert.equal(readFileSync(join(remoteDir, 'current', 'index.html'), 'utf8'), 'one\n');
      await assert.rejects(
        switchToRelease(keyLoginOf(server), {
          remoteDir,
          release: 'v9',
          scratchDir: join(work, 'scratch'),
          log: () => {},
        }),
        (error: SshError) => error.reason === 'invalid' && /release v9 is not kept/.test(error.message),
      );
    });

    test('prunes to keepReleases, never the current or the previous release', async () => {
      // current is v1 (rolled back): publishing v3 keeps it as the previous release.
      const three = await publishRelease(
        keyLoginOf(server),
        options(remoteDir, 'v3', await site('v3', 'three'), 2),
      );
      assert.deepEqual(three.removed, []);
      assert.deepEqual(releases(), ['.gantry-releases', 'v1', 'v2', 'v3']);
      const four = await publishRelease(
        keyLoginOf(server),
        options(remoteDir, 'v4', await site('v4', 'four'), 2),
      );
      assert.deepEqual(four, { mode: 'release', previous: 'v3', uploaded: 3, removed: ['v1', 'v2'] });
      assert.deepEqual(releases(), ['.gantry-releases', 'v3', 'v4']);
      assert.equal(current(), 'releases/v4');
    });

    test('an aborted upload leaves current and the releases as they were', async () => {
      const local = await site('big', 'big');
      // Sparse locally, but every byte crosses the connection: the upload takes a while.
      await writeFile(join(local, 'big.bin'), '');
      await truncate(join(local, 'big.bin'), 4 * 1024 ** 3);
      const controller = new AbortController();
      const partialFile = join(remoteDir, 'releases', '.v5.partial', 'big.bin');
      const publishing = publishRelease(keyLoginOf(server), {
        ...options(remoteDir, 'v5', local),
        signal: controller.signal,
      });
      let settled = false;
      publishing.then(
        () => (settled = true),
        () => (settled = true),
      );
      // Abort once the server has started writing the big file.
      while (!settled && !(existsSync(partialFile) && statSync(partialFile).size > 0)) await delay(5);
      controller.abort(new Error('deployment cancelled'));
      await assert.rejects(publishing, /deployment cancelled/);
      assert.equal(current(), 'releases/v4');
      assert.ok(statSync(partialFile).size < 4 * 1024 ** 3, 'the upload was stopped before it completed');
      assert.ok(!existsSync(join(remoteDir, 'releases', 'v5')));

      // The next publish removes the left-over partial upload.
      await publishRelease(keyLoginOf(server), options(remoteDir, 'v5', await site('v5', 'five'), 2));
      assert.deepEqual(releases(), ['.gantry-releases', 'v4', 'v5']);
      assert.equal(readFileSync(join(remoteDir, 'current', 'index.html'), 'utf8'), 'five\n');
    });

    test('logs in with a password and publishes relative to the login directory', async () => {
      const relative = `gantry-sftp-${run}`;
      const home = join('/home', server.passwordUser, relative);
      try {
        const endpoint = {
          ...keyLoginOf(server),
          user: server.passwordUser,
          privateKey: null,
          password: server.password,
        };
        const result = await publishRelease(endpoint, options(relative, 'r1', await site('password', 'pw')));
        assert.equal(result.mode, 'release');
        assert.equal(readlinkSync(join(home, 'current')), 'releases/r1');
        assert.equal(readFileSync(join(home, 'current', 'index.html'), 'utf8'), 'pw\n');
        assert.equal(
          statSync(join(home, 'current', 'index.html')).uid,
          statSync(join('/home', server.passwordUser)).uid,
        );
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    });
  });

  test('a changed host key is refused before anything is uploaded', async () => {
    const server = await serve({ sftpOnly: {} });
    const recorded = keyLoginOf(server);
    await server.rotateHostKey();
    const remoteDir = join(work, 'remote', 'mismatch');
    await assert.rejects(
      publishRelease(recorded, options(remoteDir, 'v1', await site('mismatch', 'x'))),
      (error: SshError) =>
        error.reason === 'host_key_mismatch' &&
        /host key of 127\.0\.0\.1:\d+ does not match the one recorded at registration \(SHA256:.+\); the server presented SHA256:/.test(
          error.message,
        ),
    );
    assert.ok(!existsSync(remoteDir));
  });

  // A server with only the plain SFTP rename (no posix-rename) cannot replace `current` either.
  for (const denied of [['symlink'], ['posix-rename'], ['rename', 'posix-rename']]) {
    test(`syncs files straight into the directory on a server refusing ${denied.join(' and ')}`, async () => {
      const server = await serve({ sftpOnly: { denyRequests: denied } });
      const name = denied.join('-');
      const remoteDir = join(work, 'remote', `sync-${name}`);
      assert.deepEqual(
        await detectRenameSupport(keyLoginOf(server), work, { scratchDir: join(work, 'scratch') }),
        { symlinks: denied[0] !== 'symlink', atomicReplace: false },
      );
      const first = await publishRelease(
        keyLoginOf(server),
        options(remoteDir, 'v1', await site(`sync-${name}`, 'one')),
      );
      assert.deepEqual(first, { mode: 'sync', previous: null, uploaded: 3, removed: [] });
      assert.equal(readFileSync(join(remoteDir, 'index.html'), 'utf8'), 'one\n');
      writeFileSync(join(remoteDir, 'extra.txt'), 'kept');

      const second = await publishRelease(
        keyLoginOf(server),
        options(remoteDir, 'v2', await site(`sync-${name}-2`, 'two')),
      );
      assert.equal(second.mode, 'sync');
      assert.equal(readFileSync(join(remoteDir, 'index.html'), 'utf8'), 'two\n');
      // Nothing is removed, and no release bookkeeping or probe is left behind.
      assert.deepEqual(readdirSync(remoteDir).sort(), ['.htaccess', 'css', 'extra.txt', 'index.html']);
    });
  }
});
