import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { SshError } from '../ssh/ssh-error.ts';

/** What a local directory holds, paths relative to it and `/`-separated. */
export interface LocalTree {
  /** Every directory below the root (not the root), each after its parent. */
  dirs: string[];
  /** Every file, with where to read it (symlinks resolved). */
  files: { path: string; absolutePath: string }[];
}

/**
 * Lists `directory` for upload. Symlinks are uploaded as what they point to when that stays inside the
 * directory, and refused otherwise: a deploy publishes what the job produced, never e.g. `/etc/passwd`
 * through a link. Throws {@link SshError} `invalid` for such a link or anything but files and directories.
 */
export async function readLocalTree(directory: string): Promise<LocalTree> {
  const root = await realpath(directory).catch((error: NodeJS.ErrnoException) => {
    throw new SshError(
      'invalid',
      `expected a directory to upload at ${directory}: ${error.code ?? error.message}`,
    );
  });
  const tree: LocalTree = { dirs: [], files: [] };
  const visited = new Set<string>();

  async function walk(realDirectory: string, path: string): Promise<void> {
    // A symlink back to an ancestor would otherwise recurse forever.
    if (visited.has(realDirectory)) return;
    visited.add(realDirectory);
    const entries = await readdir(realDirectory, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const entryPath = path === '' ? entry.name : `${path}/${entry.name}`;
      const real = await realpath(join(realDirectory, entry.name)).catch(() => {
        throw new SshError('invalid', `${entryPath} is a symlink to nothing`);
      });
      const fromRoot = relative(root, real);
      if (fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) {
        throw new SshError(
          'invalid',
          `${entryPath} is a symlink to ${real}, outside the directory being uploaded`,
        );
      }
      const info = await stat(real);
      if (info.isDirectory()) {
        tree.dirs.push(entryPath);
        await walk(real, entryPath);
      } else if (info.isFile()) {
        tree.files.push({ path: entryPath, absolutePath: real });
      } else {
        throw new SshError(
          'invalid',
          `${entryPath} is neither a file nor a directory; only those can be uploaded`,
        );
      }
    }
  }

  await walk(root, '');
  return tree;
}
