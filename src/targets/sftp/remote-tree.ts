import type { SshEndpoint } from '../ssh/ssh-endpoint.ts';
import { parseListings, type RemoteEntry } from './remote-listing.ts';
import { remoteJoin, sftpCommand, sftpOptionalCommand } from './sftp-batch.ts';
import { runSftpBatch, type SftpBatchOptions } from './sftp-client.ts';

/** What every remote tree operation is given: {@link runSftpBatch}'s options but the purpose. */
export type RemoteTreeOptions = Omit<SftpBatchOptions, 'purpose'>;

/**
 * Batch lines creating `dir` and its missing ancestors (sftp's `mkdir` has no `-p`), then entering it:
 * the `cd` fails the batch when `dir` still is not a directory.
 */
export function makeDirCommands(dir: string): string[] {
  const parts = dir.split('/').filter((part) => part !== '' && part !== '.');
  const base = dir.startsWith('/') ? '/' : '';
  return [
    ...parts.map((_, index) => sftpOptionalCommand('mkdir', remoteJoin(base, ...parts.slice(0, index + 1)))),
    sftpCommand('cd', dir),
  ];
}

/** The entries of each of `dirs` (none for a directory that does not exist), in one session. */
export async function listRemoteDirs(
  endpoint: SshEndpoint,
  dirs: readonly string[],
  options: RemoteTreeOptions,
): Promise<Map<string, RemoteEntry[]>> {
  const output = await runSftpBatch(
    endpoint,
    dirs.map((dir) => sftpOptionalCommand('ls -lan', dir)),
    { ...options, purpose: `list ${dirs.join(', ')}` },
  );
  return parseListings(output, dirs);
}

/**
 * Deletes directories with everything in them (sftp has no recursive `rm`): lists them level by level,
 * one session per level, then removes files and symlinks and the emptied directories, deepest first,
 * in one more session. Directories that do not exist are skipped.
 */
export async function removeRemoteTrees(
  endpoint: SshEndpoint,
  dirs: readonly string[],
  options: RemoteTreeOptions,
): Promise<void> {
  if (dirs.length === 0) return;
  const files: string[] = [];
  const found: string[] = [];
  let level = [...dirs];
  while (level.length > 0) {
    const listings = await listRemoteDirs(endpoint, level, options);
    const next: string[] = [];
    for (const [dir, entries] of listings) {
      for (const entry of entries) {
        const path = remoteJoin(dir, entry.name);
        if (entry.type === 'dir') next.push(path);
        else files.push(path);
      }
    }
    found.push(...next);
    level = next;
  }
  // Each level was appended after its parents: reversed, children come before their parents.
  const emptied = [...found.reverse(), ...dirs];
  await runSftpBatch(
    endpoint,
    [
      ...files.map((path) => sftpCommand('rm', path)),
      ...emptied.map((dir) => sftpOptionalCommand('rmdir', dir)),
    ],
    { ...options, purpose: `remove ${dirs.join(', ')}` },
  );
}
