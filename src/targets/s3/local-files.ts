import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { badRequest } from '../../domain/errors.ts';
import { GANTRY_FOLDER } from './s3-location.ts';

/** A file of the directory being deployed. */
export interface LocalFile {
  /** Relative to the directory, `/`-separated whatever the OS: the key suffix. */
  path: string;
  /** Where to read it (symlinks resolved). */
  absolutePath: string;
  size: number;
  /** Hex MD5 of the content: what S3 reports as the ETag of a single-part upload. */
  md5: string;
}

/**
 * Every file under `directory`, sorted by path. Symlinks are followed when their target stays inside
 * the directory, and refused otherwise: a deploy must publish what the job produced, never e.g.
 * `/etc/passwd` through a link. Anything under a top-level `.gantry/` is refused, since that folder
 * of the bucket holds Gantry's own copies.
 */
export async function listLocalFiles(directory: string): Promise<LocalFile[]> {
  const root = await realpath(directory).catch((error: NodeJS.ErrnoException) => {
    throw badRequest(
      `expected a directory of files to deploy at ${directory}: ${error.code ?? error.message}`,
    );
  });
  const files: LocalFile[] = [];
  const visited = new Set<string>();

  async function walk(realDirectory: string, path: string): Promise<void> {
    // A symlink back to an ancestor would otherwise recurse forever.
    if (visited.has(realDirectory)) return;
    visited.add(realDirectory);
    const entries = await readdir(realDirectory, { withFileTypes: true });
    for (const entry of entries) {
      const entryPath = path === '' ? entry.name : `${path}/${entry.name}`;
      if (`${entryPath}/`.startsWith(GANTRY_FOLDER)) {
        throw badRequest(
          `'${GANTRY_FOLDER}' is reserved for Gantry's copies in the bucket; rename ${entryPath}`,
        );
      }
      const real = await realpath(join(realDirectory, entry.name));
      const fromRoot = relative(root, real);
      if (fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) {
        throw badRequest(`${entryPath} is a symlink to ${real}, outside the directory being deployed`);
      }
      const info = await stat(real);
      if (info.isDirectory()) await walk(real, entryPath);
      else if (info.isFile())
        files.push({ path: entryPath, absolutePath: real, size: info.size, md5: await md5Of(real) });
      else
        throw badRequest(`${entryPath} is neither a file nor a directory; only files can be deployed to S3`);
    }
  }

  await walk(root, '');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
