import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  isWithin,
  linkTargetStaysInside,
  normalizeRelativePath,
  resolvePhysically,
} from './contained-path.ts';

/** One thing to put in an artifact archive. */
export interface ArtifactEntry {
  /** Slash-separated path relative to the workspace, as stored in the archive. */
  path: string;
  /** Absolute path on disk. */
  source: string;
  type: 'file' | 'directory' | 'symlink';
  /** Target of a symlink (always relative and inside the workspace), empty otherwise. */
  linkTarget: string;
}

/** What `artifacts:paths` matched, and what was refused or matched nothing (for the job log). */
export interface ResolvedArtifacts {
  entries: ArtifactEntry[];
  warnings: string[];
}

/**
 * Expands `artifacts:paths` against `workspace`: a path names a file, a symlink or a directory
 * (taken recursively), and any of its segments may hold the globs `*` and `?` (within that segment)
 * or be `**` (any number of directories). Symbolic links are archived as links, never followed,
 * and only when they point inside the workspace. Absolute paths, `..` segments and paths leading
 * through a link out of the workspace are refused with a warning, as is a link pointing outside;
 * a path that matches nothing is a warning too, as GitLab's runner reports it, not an error.
 */
export async function resolveArtifactPaths(
  workspace: string,
  patterns: readonly string[],
): Promise<ResolvedArtifacts> {
  const root = await realpath(workspace);
  const entries = new Map<string, ArtifactEntry>();
  const warnings: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim();
    if (pattern === '') continue;
    if (pattern.startsWith('/')) {
      warnings.push(`${pattern}: refused, an artifact path must be relative to the project directory`);
      continue;
    }
    const relative = normalizeRelativePath(pattern);
    if (relative === null) {
      warnings.push(`${pattern}: refused, an artifact path must stay inside the project directory`);
      continue;
    }
    const matches = await expand(root, '', relative.split('/'), warnings);
    for (const match of matches) await collect(root, match, entries, warnings);
    if (matches.length === 0) {
      warnings.push(
        `${pattern}: no matching files. Ensure that the artifact path is relative to the working directory`,
      );
    }
  }
  return { entries: [...entries.values()], warnings };
}

/** Converts one glob segment (`*.txt`, `file?`) to a regular expression matching whole names. */
export function globSegmentPattern(segment: string): RegExp {
  let source = '';
  for (const char of segment) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

const isGlob = (segment: string): boolean => segment.includes('*') || segment.includes('?');

async function expand(
  root: string,
  base: string,
  segments: readonly string[],
  warnings: string[],
): Promise<string[]> {
  const [segment, ...rest] = segments;
  if (segment === undefined) return base === '' ? [] : [base];
  const here = base === '' ? root : join(root, base);
  if (!(await leadsInside(root, here))) {
    warnings.push(`${base}: refused, it leads out of the project directory through a symbolic link`);
    return [];
  }
  const child = (name: string): string => (base === '' ? name : `${base}/${name}`);
  if (segment === '**') {
    const results = await expand(root, base, rest, warnings);
    for (const entry of await listDir(here)) {
      if (entry.isDirectory()) results.push(...(await expand(root, child(entry.name), segments, warnings)));
    }
    return results;
  }
  if (!isGlob(segment)) {
    const exists = (await lstat(join(here, segment)).catch(() => null)) !== null;
    return exists ? expand(root, child(segment), rest, warnings) : [];
  }
  const pattern = globSegmentPattern(segment);
  const results: string[] = [];
  for (const entry of await listDir(here)) {
    if (pattern.test(entry.name)) results.push(...(await expand(root, child(entry.name), rest, warnings)));
  }
  return results;
}

async function listDir(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function leadsInside(root: string, path: string): Promise<boolean> {
  try {
    return isWithin(root, await resolvePhysically(path));
  } catch {
    return false;
  }
}

/** Adds `relative` (and, for a directory, everything under it) to `entries`; returns how many were added. */
async function collect(
  root: string,
  relative: string,
  entries: Map<string, ArtifactEntry>,
  warnings: string[],
): Promise<number> {
  const source = join(root, relative);
  if (!(await leadsInside(root, dirname(source)))) {
    warnings.push(`${relative}: refused, it leads out of the project directory through a symbolic link`);
    return 0;
  }
  const stats = await lstat(source).catch(() => null);
  if (stats === null) return 0;
  if (entries.has(relative)) return 1;
  if (stats.isSymbolicLink()) {
    const target = await readlink(source);
    if (!linkTargetStaysInside(relative, target) || !(await leadsInside(root, source))) {
      warnings.push(`${relative}: refused, the symbolic link points outside the project directory`);
      return 0;
    }
    entries.set(relative, { path: relative, source, type: 'symlink', linkTarget: target });
    return 1;
  }
  if (stats.isFile()) {
    entries.set(relative, { path: relative, source, type: 'file', linkTarget: '' });
    return 1;
  }
  if (!stats.isDirectory()) {
    warnings.push(`${relative}: skipped, only files, directories and symbolic links are archived`);
    return 0;
  }
  entries.set(relative, { path: relative, source, type: 'directory', linkTarget: '' });
  let added = 1;
  for (const entry of await listDir(source))
    added += await collect(root, `${relative}/${entry.name}`, entries, warnings);
  return added;
}
