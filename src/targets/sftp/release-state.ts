import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SshEndpoint } from '../ssh/ssh-endpoint.ts';
import { SshError } from '../ssh/ssh-error.ts';
import { parseListings } from './remote-listing.ts';
import type { RemoteTreeOptions } from './remote-tree.ts';
import { remoteJoin, sftpCommand, sftpOptionalCommand } from './sftp-batch.ts';
import { runSftpBatch } from './sftp-client.ts';

/**
 * The order releases were published in, oldest first, one id a line: `releases/.gantry-releases`.
 * sftp shows modification times to the second at best, too coarse to tell releases apart.
 */
const LEDGER = '.gantry-releases';

/** The releases in a remote directory. */
export interface ReleaseState {
  /** The release `current` points at, or null. */
  current: string | null;
  /** Release directories, oldest first (those missing from the ledger first, by name). */
  releases: string[];
  /** Left-over `.<release>.partial` directories of interrupted uploads. */
  partials: string[];
}

/**
 * Reads `current`, the release directories and the ledger of `root` in one session (`current` is
 * resolved by entering it: sftp has no `readlink`). Throws {@link SshError} `command_failed` when
 * `root` is not a directory.
 */
export async function readReleaseState(
  endpoint: SshEndpoint,
  root: string,
  options: RemoteTreeOptions,
): Promise<ReleaseState> {
  const releasesDir = remoteJoin(root, 'releases');
  return withLocalDir(options.scratchDir, async (local) => {
    const output = await runSftpBatch(
      endpoint,
      [
        sftpCommand('cd', root),
        'pwd',
        sftpOptionalCommand('cd', 'current'),
        'pwd',
        sftpOptionalCommand('ls -lan', releasesDir),
        sftpOptionalCommand('get', remoteJoin(releasesDir, LEDGER), join(local, LEDGER)),
      ],
      { ...options, purpose: `read the releases in ${root}` },
    );
    const [rootPath, currentPath] = [...output.matchAll(/^Remote working directory: (.*)$/gm)].map(
      (match) => match[1]!,
    );
    const current = currentPath?.startsWith(`${rootPath}/releases/`)
      ? currentPath.slice(`${rootPath}/releases/`.length)
      : '';
    const entries = parseListings(output, [releasesDir]).get(releasesDir) ?? [];
    const dirs = entries.filter((entry) => entry.type === 'dir').map((entry) => entry.name);
    const published = dirs.filter((name) => !name.startsWith('.')).sort();
    const ledger = (await readFile(join(local, LEDGER), 'utf8').catch(() => ''))
      .split('\n')
      .filter((name) => published.includes(name));
    return {
      current: current === '' || current.includes('/') ? null : current,
      releases: [...published.filter((name) => !ledger.includes(name)), ...new Set(ledger)],
      partials: dirs.filter((name) => /^\..+\.partial$/.test(name)),
    };
  });
}

/**
 * Batch lines pointing `root/current` at a release atomically: a new symlink renamed over the old one
 * (OpenSSH's `posix-rename`, which replaces it in one step). The link is relative, so it holds in a chroot.
 */
export function switchCurrentCommands(root: string, release: string): string[] {
  const temporary = remoteJoin(root, '.current.tmp');
  return [
    sftpOptionalCommand('rm', temporary),
    sftpCommand('symlink', `releases/${release}`, temporary),
    sftpCommand('rename', temporary, remoteJoin(root, 'current')),
  ];
}

/**
 * Records the publish order (oldest first) in the ledger, after running `before` in the same session.
 * It is written in place: a torn ledger only reorders pruning, which never touches `current` or the
 * previous release.
 */
export async function writeLedger(
  endpoint: SshEndpoint,
  root: string,
  releases: readonly string[],
  options: RemoteTreeOptions & { before: readonly string[]; purpose: string },
): Promise<void> {
  await withLocalDir(options.scratchDir, async (local) => {
    await writeFile(join(local, LEDGER), releases.map((name) => `${name}\n`).join(''));
    await runSftpBatch(
      endpoint,
      [...options.before, sftpCommand('put', join(local, LEDGER), remoteJoin(root, 'releases', LEDGER))],
      options,
    );
  });
}

/** The remote directory without a trailing slash; refuses `..`, line breaks, and an empty path. */
export function checkedRemoteDir(remoteDir: string): string {
  const root = remoteDir === '/' ? remoteDir : remoteDir.replace(/\/+$/, '');
  if (root === '' || root === '/' || root.split('/').includes('..') || /[\n\r\0]/.test(root)) {
    throw new SshError(
      'invalid',
      `remote directory ${JSON.stringify(remoteDir)} must be a path below / or the login directory, without ..`,
    );
  }
  return root;
}

/** A release id is one directory name: letters, digits, `_`, `-`, `.`, not starting with `.` or `-`. */
export function checkedRelease(release: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(release)) {
    throw new SshError(
      'invalid',
      `release id ${JSON.stringify(release)} is not a directory name (letters, digits, _ . -)`,
    );
  }
  return release;
}

async function withLocalDir<T>(scratchDir: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(scratchDir, 'sftp-files-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
