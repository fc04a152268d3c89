import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { GantryError } from '../../domain/errors.ts';

// Manifests come from the repository being deployed, which its authors control: a path or a
// symbolic link reaching outside the checked-out tree would render (and apply, and snapshot) files
// of the Gantry server itself, or another project's checkout.

const invalid = (message: string): GantryError => new GantryError('validation_failed', message);

/** Whether `path` is `root` or below it (both real paths). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** `path` relative to `root` with `/` separators, `.` for the root itself: how messages name files. */
export function treeRelative(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}

/** The real path of `path`, or undefined when nothing is there (a dangling link included). */
export async function realPathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Resolves a path written in the repository (`deploy:manifests`) inside the checked-out tree.
 * @param root the tree's real path.
 * @param what names the setting in errors: `deploy:manifests`.
 * @returns the real path and the path as messages show it (`deploy/k8s`).
 * @throws GantryError('validation_failed') for an absolute path, a `..` segment, a missing path or a
 *   symbolic link leading outside the tree.
 */
export async function resolveInTree(
  root: string,
  path: string,
  what: string,
): Promise<{ real: string; shown: string }> {
  if (isAbsolute(path)) {
    throw invalid(`${what} must be a path inside the repository, got the absolute path ${path}`);
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..'))
    throw invalid(`${what} must stay inside the repository, got ${path} with ".."`);
  const shown = segments.join('/') || '.';
  const real = await realPathOrUndefined(join(root, ...segments));
  if (real === undefined) throw invalid(`${what}: ${shown} does not exist at this commit`);
  if (!isInside(root, real)) {
    throw invalid(`${what}: ${shown} is a symbolic link leading outside the repository`);
  }
  return { real, shown };
}

/** One regular file found by {@link walkTree}. */
export interface TreeFile {
  /** Relative to the walked directory, `/`-separated, as found (through links, not their targets). */
  path: string;
  real: string;
}

/**
 * Lists the regular files under `dir` (a real path inside `root`), sorted by path, following
 * symbolic links that stay in the tree (each directory once, so link cycles end).
 * @throws GantryError('validation_failed') naming the first symbolic link that leads outside the tree.
 */
export async function walkTree(root: string, dir: string): Promise<TreeFile[]> {
  const files: TreeFile[] = [];
  const visited = new Set<string>();
  const visit = async (real: string, path: string): Promise<void> => {
    if (visited.has(real)) return;
    visited.add(real);
    const entries: Dirent[] = await readdir(real, { withFileTypes: true });
    for (const entry of entries) {
      const entryPath = path === '' ? entry.name : `${path}/${entry.name}`;
      let target = join(real, entry.name);
      if (entry.isSymbolicLink()) {
        const resolved = await realPathOrUndefined(target);
        if (resolved === undefined) continue; // dangling: nothing can be read through it
        if (!isInside(root, resolved)) {
          throw invalid(`${treeRelative(root, target)} is a symbolic link leading outside the repository`);
        }
        target = resolved;
      }
      const info = entry.isSymbolicLink() ? await stat(target) : entry;
      if (info.isDirectory()) await visit(target, entryPath);
      else if (info.isFile()) files.push({ path: entryPath, real: target });
    }
  };
  await visit(dir, '');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
