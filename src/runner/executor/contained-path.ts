import { lstat, readlink } from 'node:fs/promises';
import { isAbsolute, posix, resolve, sep } from 'node:path';

/** True when `path` is `root` itself or inside it (both absolute and normalized). */
export function isWithin(root: string, path: string): boolean {
  const base = root.endsWith(sep) ? root : `${root}${sep}`;
  return path === root || path.startsWith(base);
}

/**
 * Normalizes a relative, slash-separated path from an archive or a job's `artifacts:paths` entry:
 * drops `.` segments, repeated and trailing slashes. Returns null for what may never name a place
 * inside a directory: empty paths, absolute paths, any `..` segment, NUL bytes.
 */
export function normalizeRelativePath(name: string): string | null {
  if (name === '' || name.includes('\0') || name.startsWith('/')) return null;
  const segments: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return null;
    segments.push(segment);
  }
  return segments.length === 0 ? null : segments.join('/');
}

/**
 * True when a symbolic link at `linkPath` (relative to a root, slash-separated) with target
 * `target` points inside that root, judging by the names alone: no absolute target, and no `..`
 * climbing above the root. Links through other links are checked on disk by {@link resolvePhysically}.
 */
export function linkTargetStaysInside(linkPath: string, target: string): boolean {
  if (target === '' || target.includes('\0') || posix.isAbsolute(target)) return false;
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target));
  return resolved !== '..' && !resolved.startsWith('../');
}

const MAX_LINK_HOPS = 40;

/**
 * Where `path` really leads, following every symbolic link on the way as the kernel would
 * (`realpath -m`): existing components are resolved, missing ones appended by name. Unlike
 * `fs.realpath` it also answers for dangling links and paths that do not exist yet. Throws after
 * too many link hops (a loop).
 */
export async function resolvePhysically(path: string): Promise<string> {
  if (!isAbsolute(path)) throw new TypeError('resolvePhysically needs an absolute path');
  let pending = path.split('/').filter((segment) => segment !== '');
  let current = '/';
  let hops = 0;
  while (pending.length > 0) {
    const [segment, ...rest] = pending;
    pending = rest;
    if (segment === undefined || segment === '.') continue;
    if (segment === '..') {
      current = resolve(current, '..');
      continue;
    }
    const next = resolve(current, segment);
    const stats = await lstat(next).catch(() => null);
    if (stats?.isSymbolicLink()) {
      if (++hops > MAX_LINK_HOPS) throw new Error(`too many levels of symbolic links at ${next}`);
      const target = await readlink(next);
      if (isAbsolute(target)) current = '/';
      pending = [...target.split('/').filter((part) => part !== ''), ...pending];
      continue;
    }
    current = next;
  }
  return current;
}
